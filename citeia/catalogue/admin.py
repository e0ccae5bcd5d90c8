from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import importer, models, services

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier JSON Lines (.jsonl)"),
        help_text=gettext_lazy(
            "Une solution par ligne, au format décrit dans docs/catalogue-import.md ; 5 Mo au plus."
        ),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publier les solutions importées"), required=False
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Essai à blanc : vérifier sans rien enregistrer"),
        required=False,
        initial=True,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")
            )
        if not upload.name.lower().endswith((".jsonl", ".json", ".txt")):
            raise forms.ValidationError(_("Le fichier doit être au format JSON Lines (.jsonl)."))
        try:
            return upload.read().decode("utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("Le fichier doit être encodé en UTF-8.")) from exc


@admin.register(models.Network, models.PurchasingCentral, models.Domain, models.Technique)
class ReferenceListAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.VendorProfile)
class VendorProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "size"]
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["networks", "purchasing_centrals"]


class ReferenceInline(admin.TabularInline):
    model = models.Reference
    extra = 0
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["referent"]


@admin.register(models.Solution)
class SolutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "vendor", "status", "maturity", "is_free_software", "updated_at"]
    list_filter = ["status", "maturity", "deployment", "hosting", "is_free_software", "domains"]
    search_fields = ["name", "summary", "vendor__name"]
    autocomplete_fields = ["vendor"]
    filter_horizontal = ["domains", "techniques", "similar_to", "alternative_to"]
    inlines = [ReferenceInline]
    readonly_fields = ["created_at", "updated_at", "published_at"]
    change_list_template = "admin/catalogue/solution_change_list.html"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.solution_figures_refresh(solution_ids=[form.instance.pk])

    def get_urls(self):
        extra = [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="catalogue_solution_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request):
        """Upload a JSON Lines file; every line is checked and reported with its number."""
        if not request.user.is_programme_team:
            raise PermissionDenied
        report = None
        status = 200
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            if form.is_valid():
                report = importer.import_lines(
                    form.cleaned_data["file"],
                    actor=request.user,
                    publish=form.cleaned_data["publish"],
                    dry_run=form.cleaned_data["dry_run"],
                )
                status = 200 if report.ok else 422
            else:
                status = 422
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importer des solutions"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "admin/catalogue/solution_import.html", context, status=status
        )


class RubricLevelInline(admin.TabularInline):
    model = models.RubricLevel
    extra = 0


@admin.register(models.Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "axis", "grid", "position"]
    list_filter = ["grid", "axis"]
    inlines = [RubricLevelInline]


@admin.register(models.GridVersion)
class GridVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "published_at"]


class ReviewScoreInline(admin.TabularInline):
    model = models.ReviewScore
    extra = 0


@admin.register(models.Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["solution", "expert", "grid", "created_at"]
    inlines = [ReviewScoreInline]
    raw_id_fields = ["solution", "expert"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.solution_figures_refresh(solution_ids=[form.instance.solution_id])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.solution_figures_refresh(solution_ids=[obj.solution_id])

    def delete_queryset(self, request, queryset):
        solution_ids = list(queryset.values_list("solution_id", flat=True))
        super().delete_queryset(request, queryset)
        services.solution_figures_refresh(solution_ids=solution_ids)


@admin.register(models.ExtraAttribute)
class ExtraAttributeAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "type", "filterable", "position"]
    prepopulated_fields = {"key": ["label"]}
