"""Forms of the vendor pages: a solution's record and the programme team's decisions."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from citeia.accounts.models import PUBLIC_AUTHORITY_KINDS, Organisation
from citeia.core.permissions import MemberRole

from .models import (
    CERTIFICATIONS,
    AttributeType,
    Domain,
    ExtraAttribute,
    Solution,
    SolutionStatus,
    Technique,
)

# Fields of Solution the vendor fills in, grouped as the form shows them.
FIELDSETS = [
    (_("Identité"), ["name", "summary", "description"]),
    (_("Usages"), ["domains", "techniques"]),
    (
        _("Technique et licence"),
        ["maturity", "licence", "is_free_software", "model_provenance", "model_name"],
    ),
    (
        _("Hébergement, sécurité et données"),
        ["deployment", "hosting", "certifications", "personal_data", "reversibility"],
    ),
    (_("Accessibilité"), ["accessibility", "accessibility_url"]),
    (_("Solutions voisines"), ["similar_to", "alternative_to"]),
    (
        _("Prix, liens et version"),
        [
            "pricing_model",
            "website",
            "repository",
            "documentation",
            "latest_version",
            "latest_version_date",
        ],
    ),
]
SOLUTION_FIELDS = [name for _legend, names in FIELDSETS for name in names]
M2M_FIELDS = ["domains", "techniques", "similar_to", "alternative_to"]
LINK_FIELDS = ["similar_to", "alternative_to"]
EXTRA_PREFIX = "extra_"


def vendor_organisations(user):
    """Organisations for which the user may create solutions: editor or manager, not a
    public authority of the territory (communes, EPT and the Métropole use solutions)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    editable = [
        org_id
        for org_id, role in user.active_roles().items()
        if role in (MemberRole.EDITOR, MemberRole.MANAGER)
    ]
    return (
        Organisation.objects.filter(pk__in=editable)
        .exclude(kind__in=PUBLIC_AUTHORITY_KINDS)
        .order_by("name")
    )


def _extra_field(attribute: ExtraAttribute) -> forms.Field:
    common = {"label": attribute.label, "required": False, "help_text": attribute.help_text}
    if attribute.type == AttributeType.BOOLEAN:
        widget = forms.NullBooleanSelect()
        widget.choices = [("unknown", _("Non précisé")), ("true", _("Oui")), ("false", _("Non"))]
        return forms.NullBooleanField(widget=widget, **common)
    if attribute.type == AttributeType.NUMBER:
        return forms.FloatField(localize=True, **common)
    if attribute.type == AttributeType.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if attribute.type == AttributeType.URL:
        return forms.URLField(assume_scheme="https", max_length=500, **common)
    return forms.CharField(max_length=500, **common)


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SolutionForm(forms.ModelForm):
    """Every field a vendor fills in, plus the administrators' extra attributes.

    `user` restricts the vendor to the user's own organisations (creation only: a
    solution never changes vendor).
    """

    vendor = forms.ModelChoiceField(
        label=_("Fournisseur"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choisissez l'organisation qui propose la solution"),
        help_text=_("Parmi les organisations dont vous êtes éditeur, éditrice ou gestionnaire."),
    )
    domains = forms.ModelMultipleChoiceField(
        label=_("Domaines métier"),
        queryset=Domain.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Les compétences des communes auxquelles la solution répond."),
        error_messages={"required": _("Cochez au moins un domaine métier.")},
    )
    techniques = forms.ModelMultipleChoiceField(
        label=_("Techniques d'IA"),
        queryset=Technique.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins une technique d'IA.")},
    )
    similar_to = forms.ModelMultipleChoiceField(
        label=_("Solutions similaires"),
        queryset=Solution.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Des solutions publiées qui rendent un service proche, parmi celles des mêmes "
            "domaines métier. Le lien vaut dans les deux sens. Ctrl (ou Cmd) + clic pour en "
            "choisir plusieurs."
        ),
    )
    alternative_to = forms.ModelMultipleChoiceField(
        label=_("Alternative à"),
        queryset=Solution.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "Des solutions publiées que la vôtre peut remplacer, par exemple un logiciel "
            "propriétaire dont elle est l'alternative libre."
        ),
    )
    certifications = forms.MultipleChoiceField(
        label=_("Certifications"),
        choices=CERTIFICATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Cochez seulement celles dont vous pouvez fournir l'attestation."),
    )

    class Meta:
        model = Solution
        formfield_callback = _formfield
        fields = [name for name in SOLUTION_FIELDS if name not in M2M_FIELDS]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 12}),
            "reversibility": forms.Textarea(attrs={"rows": 4}),
            "latest_version_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.creating = self.instance.pk is None
        if self.creating:
            vendors = vendor_organisations(user)
            self.fields["vendor"].queryset = vendors
            if len(vendors) == 1:
                self.fields["vendor"].initial = vendors[0].pk
        else:
            del self.fields["vendor"]
            self.fields["domains"].initial = list(self.instance.domains.all())
            self.fields["techniques"].initial = list(self.instance.techniques.all())
        if self.creating:
            # Chosen among the solutions of the same domains: once those are known.
            for name in LINK_FIELDS:
                del self.fields[name]
        else:
            for name in LINK_FIELDS:
                current = list(getattr(self.instance, name).values_list("pk", flat=True))
                self.fields[name].queryset = (
                    Solution.objects.filter(
                        models.Q(
                            status=SolutionStatus.PUBLISHED,
                            domains__in=self.instance.domains.all(),
                        )
                        | models.Q(pk__in=current)
                    )
                    .exclude(pk=self.instance.pk)
                    .select_related("vendor")
                    .distinct()
                    .order_by("name")
                )
                self.fields[name].label_from_instance = lambda s: f"{s.name} ({s.vendor.name})"
                self.fields[name].initial = current
        self.fields["licence"].widget.attrs.update({"spellcheck": "false", "autocapitalize": "off"})
        for name in ("website", "repository", "documentation", "accessibility_url"):
            self.fields[name].widget.attrs["placeholder"] = "https://"
        self.fields["model_name"].help_text = _(
            "Obligatoire pour un modèle à poids ouverts ou l'API d'un tiers, par exemple "
            "« Mistral 7B »."
        )
        self.extra_attributes = list(ExtraAttribute.objects.all())
        stored = {}
        if not self.creating:
            stored = {value.attribute_id: value.value for value in self.instance.extra_values.all()}
        for attribute in self.extra_attributes:
            field = _extra_field(attribute)
            value = stored.get(attribute.pk)
            if value is not None:
                field.initial = value
            self.fields[EXTRA_PREFIX + attribute.key] = field

    # Layout helpers for the template -------------------------------------------------

    def fieldsets(self):
        sets = [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in FIELDSETS
        ]
        return [(legend, fields) for legend, fields in sets if fields]

    def extra_fields(self):
        return [self[EXTRA_PREFIX + attribute.key] for attribute in self.extra_attributes]

    # Validation --------------------------------------------------------------------

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_licence(self):
        return self.cleaned_data["licence"].strip()

    def clean(self):
        data = super().clean()
        vendor = data.get("vendor") if self.creating else self.instance.vendor
        name = data.get("name")
        if vendor is not None and name:
            duplicate = (
                Solution.objects.filter(vendor=vendor, name__iexact=name)
                .exclude(pk=self.instance.pk)
                .exists()
            )
            if duplicate:
                self.add_error(
                    "name",
                    _(
                        "%(vendor)s propose déjà une solution nommée « %(name)s ». Choisissez "
                        "un autre nom, ou modifiez la fiche existante depuis « Mes solutions »."
                    )
                    % {"vendor": vendor.name, "name": name},
                )
        provenance = data.get("model_provenance")
        if provenance in ("open_weights", "third_party_api") and not data.get("model_name"):
            self.add_error(
                "model_name",
                _("Indiquez le modèle à poids ouverts ou l'API tierce utilisés."),
            )
        return data

    def _get_validation_exclusions(self):
        # Unique (vendor, name) is checked in clean() with a clearer message.
        exclude = super()._get_validation_exclusions()
        exclude.add("vendor")
        return exclude

    # What the services receive ----------------------------------------------------------

    def solution_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    def solution_m2m(self) -> dict:
        return {name: self.cleaned_data[name] for name in M2M_FIELDS if name in self.fields}

    def solution_extra(self) -> dict:
        return {
            attribute: self.cleaned_data.get(EXTRA_PREFIX + attribute.key)
            for attribute in self.extra_attributes
        }


class DecisionForm(forms.Form):
    """The programme team's message to the vendor (required except to publish)."""

    message = forms.CharField(
        label=_("Message au fournisseur"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("Il est envoyé par e-mail aux gestionnaires du fournisseur."),
    )

    def __init__(self, *args, required: bool = True, label=None, help_text=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["message"]
        field.required = required
        if label:
            field.label = label
        if help_text:
            field.help_text = help_text
        field.error_messages["required"] = _("Expliquez votre décision au fournisseur.")
