"""Forms of the sandbox pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from citeia.accounts.models import Organisation

from .models import ColumnRole, ColumnType, ModelFormat, ModelTask, Sensitivity
from .pii import ACTIONS

SECTION_CHOICES = [
    ("performance", _("Performance")),
    ("fairness", _("Équité")),
    ("explainability", _("Explicabilité")),
    ("robustness", _("Robustesse")),
    ("latency", _("Latence")),
    ("energy", _("Énergie")),
]
ACTION_LABELS = {
    "keep": _("Conserver"),
    "drop": _("Supprimer la colonne"),
    "hash": _("Remplacer par un pseudonyme (hachage à clé)"),
    "redact": _("Masquer les données personnelles du texte"),
    "generalise_age": _("Généraliser l'âge (tranches de 10 ans)"),
    "generalise_date": _("Généraliser la date (année seule)"),
}


def _mb(value: int) -> int:
    return value // (1024 * 1024)


class DateInput(forms.DateInput):
    input_type = "date"


class DatasetUploadForm(forms.Form):
    name = forms.CharField(label=_("Nom du jeu de données"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation propriétaire"), queryset=Organisation.objects.none(), empty_label=None
    )
    sensitivity = forms.ChoiceField(
        label=_("Sensibilité des données"),
        choices=Sensitivity.choices,
        widget=forms.RadioSelect,
        initial=Sensitivity.PERSONAL,
        help_text=_(
            "Les données personnelles ou sensibles sont chiffrées sur le disque. En cas de doute, "
            "choisissez « Personnelles »."
        ),
    )
    file = forms.FileField(
        label=_("Fichier CSV ou Parquet"),
        help_text="",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.parquet,.tsv,.txt"}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    retention_until = forms.DateField(
        label=_("Conserver jusqu'au"),
        required=False,
        widget=DateInput,
        help_text=_(
            "Le fichier est supprimé automatiquement après cette date (par défaut : un an)."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["file"].help_text = _(
            "CSV encodé en UTF-8 avec une ligne d'en-tête (séparateur « , », « ; » ou tabulation), "
            "ou Parquet. %(mb)s Mo au plus."
        ) % {"mb": _mb(settings.SANDBOX_MAX_UPLOAD_BYTES)}


class SchemaForm(forms.Form):
    """One type and one role per column."""

    def __init__(self, *args, schema, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema
        for index, column in enumerate(schema):
            self.fields[f"type_{index}"] = forms.ChoiceField(
                label=_("Type de « %(c)s »") % {"c": column["name"]},
                choices=ColumnType.choices,
                initial=column["type"],
            )
            self.fields[f"role_{index}"] = forms.ChoiceField(
                label=_("Rôle de « %(c)s »") % {"c": column["name"]},
                choices=ColumnRole.choices,
                initial=column["role"],
            )

    def rows(self):
        for index, column in enumerate(self.schema):
            yield column, self[f"type_{index}"], self[f"role_{index}"]

    def changes(self) -> dict:
        return {
            column["name"]: {
                "type": self.cleaned_data[f"type_{index}"],
                "role": self.cleaned_data[f"role_{index}"],
            }
            for index, column in enumerate(self.schema)
        }

    def clean(self):
        data = super().clean()
        targets = [k for k, v in data.items() if k.startswith("role_") and v == ColumnRole.TARGET]
        if len(targets) > 1:
            raise forms.ValidationError(_("Une seule colonne peut être la cible."))
        return data


class GrantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation autorisée"), queryset=Organisation.objects.none()
    )
    expires_at = forms.DateField(
        label=_("Accès jusqu'au"),
        widget=DateInput,
        help_text=_("L'accès cesse automatiquement à cette date (incluse)."),
    )

    def __init__(self, *args, dataset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.exclude(
            pk=dataset.organisation_id
        ).order_by("name")


class PseudonymiseForm(forms.Form):
    name = forms.CharField(label=_("Nom de la copie pseudonymisée"), max_length=200)

    def __init__(self, *args, dataset, **kwargs):
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        report = {c["column"]: c for c in (dataset.pii_report or {}).get("columns", [])}
        self.columns = dataset.columns()
        for index, name in enumerate(self.columns):
            suggested = report.get(name, {}).get("suggested_action", "keep")
            self.fields[f"action_{index}"] = forms.ChoiceField(
                label=_("Traitement de « %(c)s »") % {"c": name},
                choices=[(a, ACTION_LABELS[a]) for a in ACTIONS],
                initial=suggested,
            )
        self.fields["quasi"] = forms.MultipleChoiceField(
            label=_("Quasi-identifiants pour mesurer la k-anonymité"),
            choices=[(c, c) for c in self.columns],
            required=False,
            widget=forms.CheckboxSelectMultiple,
            initial=[c["column"] for c in report.values() if c.get("level") == "quasi"],
            help_text=_(
                "Colonnes qui, combinées, pourraient identifier une personne (âge, commune, sexe…). "
                "k est la taille du plus petit groupe de lignes partageant les mêmes valeurs."
            ),
        )
        self.fields["name"].initial = _("%(name)s (pseudonymisé)") % {"name": dataset.name}

    def action_fields(self):
        return [self[f"action_{index}"] for index in range(len(self.columns))]

    def actions(self) -> dict:
        return {
            name: self.cleaned_data[f"action_{index}"] for index, name in enumerate(self.columns)
        }


class ModelUploadForm(forms.Form):
    name = forms.CharField(label=_("Nom du modèle"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation propriétaire"), queryset=Organisation.objects.none(), empty_label=None
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ModelFormat.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Pickle et joblib sont refusés : leur chargement peut exécuter du code. Exportez avec "
            "skl2onnx (ONNX) ou skops.io.dump (skops)."
        ),
    )
    task = forms.ChoiceField(label=_("Tâche"), choices=ModelTask.choices)
    file = forms.FileField(label=_("Fichier du modèle"))
    input_columns = forms.CharField(
        label=_("Colonnes d'entrée (ONNX à entrée unique)"),
        required=False,
        help_text=_(
            "Seulement si le modèle ONNX lit un seul tableau : ses colonnes, dans l'ordre, "
            "séparées par des virgules. Sinon les noms des entrées du modèle sont utilisés."
        ),
    )
    classes = forms.CharField(
        label=_("Classes, dans l'ordre des probabilités (ONNX)"),
        required=False,
        help_text=_(
            "Par exemple « 0, 1 ». Nécessaire à l'aire sous la courbe ROC d'un modèle ONNX."
        ),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["file"].help_text = _("%(mb)s Mo au plus.") % {
            "mb": _mb(settings.SANDBOX_MAX_MODEL_BYTES)
        }

    @staticmethod
    def split(value: str) -> list:
        items = [item.strip() for item in value.split(",") if item.strip()]
        return [int(i) if i.lstrip("-").isdigit() else i for i in items]


class RunForm(forms.Form):
    model = forms.ChoiceField(label=_("Modèle à évaluer"))
    assessment_file = forms.ChoiceField(
        label=_("Dossier d'évaluation concerné (facultatif)"),
        required=False,
        help_text=_(
            "La solution ou le système que ce modèle représente : l'énergie mesurée ici "
            "remplacera alors l'estimation déclarée dans son évaluation de sobriété."
        ),
    )
    target = forms.ChoiceField(label=_("Colonne cible (la vraie valeur)"))
    positive_label = forms.CharField(
        label=_("Classe positive (décision favorable)"),
        required=False,
        max_length=100,
        help_text=_("Par exemple « 1 » ou « oui ». Inutile pour une régression."),
    )
    sensitive = forms.MultipleChoiceField(
        label=_("Attributs sensibles (deux au plus)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "L'équité est mesurée entre les groupes de chaque attribut, et de leur croisement."
        ),
    )
    control = forms.MultipleChoiceField(
        label=_("Variables de contrôle (facultatif)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "La parité est aussi mesurée à l'intérieur de chaque valeur de ces variables "
            "(par exemple à revenu égal)."
        ),
    )
    sections = forms.MultipleChoiceField(
        label=_("Analyses"),
        choices=SECTION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        initial=[value for value, _label in SECTION_CHOICES],
    )

    def __init__(self, *args, dataset, models, files=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment_file"].choices = [("", _("Aucun"))] + [
            (str(f.pk), f"{f.name} ({f.organisation})") for f in files
        ]
        columns = [(c, c) for c in dataset.columns()]
        self.fields["model"].choices = [
            (str(m.public_id), f"{m.name} ({m.get_format_display()}, {m.organisation})")
            for m in models
        ]
        self.fields["target"].choices = columns
        self.fields["sensitive"].choices = columns
        self.fields["control"].choices = columns
        targets = dataset.columns_with_role(ColumnRole.TARGET)
        if targets:
            self.fields["target"].initial = targets[0]
        # Groups are compared by value: numeric columns (an exact age) are not proposed first.
        self.fields["sensitive"].initial = [
            c["name"]
            for c in dataset.schema
            if c.get("role") == ColumnRole.SENSITIVE and c.get("type") not in ("integer", "float")
        ][:2]

    def clean_sensitive(self):
        value = self.cleaned_data["sensitive"]
        if len(value) > 2:
            raise forms.ValidationError(_("Choisissez au plus deux attributs sensibles."))
        return value
