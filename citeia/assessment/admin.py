import importlib

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from . import models

PARSERS = {
    models.QuestionnaireKind.FRUGALITY: "citeia.assessment.frugality",
    models.QuestionnaireKind.TRUST: "citeia.assessment.trust",
}


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = models.Questionnaire
        fields = ["kind", "version", "content", "is_current", "published_at", "notes"]

    def clean(self):
        cleaned = super().clean()
        kind, content = cleaned.get("kind"), cleaned.get("content")
        if kind and content is not None:
            module = importlib.import_module(PARSERS[kind])
            try:
                module.parse_questionnaire(content)
            except module.QuestionnaireError as exc:
                self.add_error("content", _("Questionnaire invalide : %(error)s") % {"error": exc})
        return cleaned

    def _get_validation_exclusions(self):
        # "One current version per kind" holds once save_model has retired the previous
        # current version: the form must not refuse a new current version.
        return super()._get_validation_exclusions() | {"is_current"}


@admin.register(models.Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    form = QuestionnaireForm
    list_display = ["kind", "version", "is_current", "published_at"]
    list_filter = ["kind", "is_current"]

    def save_model(self, request, obj, form, change):
        # One current version per kind: making this one current retires the others.
        if obj.is_current:
            models.Questionnaire.objects.filter(kind=obj.kind, is_current=True).exclude(
                pk=obj.pk
            ).update(is_current=False)
        super().save_model(request, obj, form, change)


class ObligationCheckInline(admin.TabularInline):
    model = models.ObligationCheck
    extra = 0
    fields = ["article", "done", "evidence", "evidence_url", "checked_by", "checked_at"]
    raw_id_fields = ["checked_by"]


@admin.register(models.AssessmentFile)
class AssessmentFileAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "organisation", "is_demo", "updated_at"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["solution", "organisation", "created_by"]


@admin.register(models.AiActAssessment)
class AiActAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["file", "status", "rule_set_version", "needs_review", "completed_at"]
    list_filter = ["status", "needs_review", "rule_set_version"]
    search_fields = ["file__name"]
    raw_id_fields = ["file", "assessed_by"]
    inlines = [ObligationCheckInline]


@admin.register(models.Fria)
class FriaAdmin(SimpleHistoryAdmin):
    list_display = ["file", "status", "notified_on"]
    list_filter = ["status"]
    raw_id_fields = ["file", "updated_by"]


@admin.register(models.FrugalityAssessment, models.TrustAssessment)
class PrincipleAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ["file", "questionnaire", "status", "needs_review", "completed_at"]
    list_filter = ["status", "needs_review"]
    raw_id_fields = ["file", "assessed_by"]
