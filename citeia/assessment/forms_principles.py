"""Forms of the frugality and trust assessments, built from the questionnaire data."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .frugality import GRID_FRANCE, ZONES
from .frugality.answers import EVIDENCE_MAX_LENGTH, AnswerIssue

ANSWER_CHOICES = [
    ("yes", _("Oui")),
    ("partial", _("Partiellement")),
    ("no", _("Non")),
    ("na", _("Non applicable")),
]
GATE_CHOICES = [("yes", _("Oui")), ("no", _("Non"))]

# Messages of the pure modules' codes, translated (the pure modules only speak French).
ISSUE_MESSAGES = {
    "evidence_required": lambda: gettext(
        "« %(question)s » : une réponse « Oui » demande une preuve (document, lien, mesure)."
    ),
    "answer_required": lambda: gettext("« %(question)s » : choisissez une réponse."),
    "missing": lambda: gettext("« %(question)s » : répondez pour terminer l'évaluation."),
    "too_long": lambda: gettext("« %(question)s » : la preuve est trop longue."),
    "invalid_answer": lambda: gettext("« %(question)s » : réponse impossible."),
}
USAGE_MESSAGES = {
    "required": lambda: gettext("%(label)s : obligatoire."),
    "negative": lambda: gettext("%(label)s : une valeur négative n'a pas de sens."),
    "out_of_range": lambda: gettext(
        "%(label)s : %(value)s n'est pas plausible (attendu entre %(low)s et %(high)s)."
    ),
    "not_a_number": lambda: gettext("%(label)s : un nombre est attendu."),
    "exclusive": lambda: gettext(
        "%(label)s : indiquez soit l'énergie par requête, soit l'énergie pour 1 000 jetons "
        "(une seule des deux)."
    ),
    "unexpected": lambda: gettext(
        "%(label)s : ne s'utilise pas avec les autres valeurs saisies ; laissez-le vide."
    ),
    "exceeds_total": lambda: gettext(
        "%(label)s : ne peuvent pas dépasser la taille totale du modèle."
    ),
}


def usage_message(error, label: str) -> str:
    """A UsageError in the active language, naming the field by its form label."""
    from django.utils.formats import number_format

    template = USAGE_MESSAGES.get(error.code)
    if template is None:
        return error.message
    params = {k: number_format(v) for k, v in error.params.items()}
    return template() % {"label": label, **params}


def answer_field_name(section: str, item_id: str) -> str:
    return f"{section}-{item_id}"


def evidence_field_name(section: str, item_id: str) -> str:
    return f"{section}-{item_id}-evidence"


class AnswersForm(forms.Form):
    """One radio group (answer) and one text area (evidence) per questionnaire item.

    `sections` is a list of (section key, items) — ("gate", gate items) for the frugality
    gate, ("items", theme items) for the rest. Validation of the answers themselves (a
    "Yes" needs evidence) is the pure module's; `add_issues` puts its findings on fields.
    """

    def __init__(self, *args, sections, initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        initial_answers = initial_answers or {}
        for section, items in sections:
            stored = initial_answers.get(section) or {}
            choices = GATE_CHOICES if section == "gate" else ANSWER_CHOICES
            for item in items:
                entry = stored.get(item.id) or {}
                name = answer_field_name(section, item.id)
                self.fields[name] = forms.ChoiceField(
                    label=item.question,
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                    initial=entry.get("answer", ""),
                )
                self.fields[evidence_field_name(section, item.id)] = forms.CharField(
                    label=_("Preuve"),
                    required=False,
                    max_length=EVIDENCE_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    help_text=_(
                        "Obligatoire pour « Oui » : document, lien, mesure ou décision, "
                        "et où le trouver."
                    ),
                    initial=entry.get("evidence", ""),
                )

    def answers(self) -> dict:
        data: dict = {}
        for section, items in self.sections:
            entries = {}
            for item in items:
                answer = self.cleaned_data.get(answer_field_name(section, item.id)) or ""
                evidence = (
                    self.cleaned_data.get(evidence_field_name(section, item.id)) or ""
                ).strip()
                if answer or evidence:
                    entries[item.id] = {"answer": answer, "evidence": evidence}
            data[section] = entries
        return data

    def add_issues(self, issues: list[AnswerIssue]) -> None:
        """Put the pure module's findings on the fields, in the active language."""
        for issue in issues:
            section = issue.path.split(".", 1)[0]
            answer_name = answer_field_name(section, issue.item_id)
            evidence_name = evidence_field_name(section, issue.item_id)
            if answer_name not in self.fields:
                self.add_error(None, issue.message)
                continue
            question = self.fields[answer_name].label
            template = ISSUE_MESSAGES.get(issue.code)
            message = template() % {"question": question} if template else issue.message
            if issue.code == "evidence_required":
                self.add_error(evidence_name, message)
            else:
                self.add_error(answer_name, message)

    def item_fields(self, section: str, item_id: str):
        return self[answer_field_name(section, item_id)], self[
            evidence_field_name(section, item_id)
        ]


def _number(label, help_text, **kwargs):
    return forms.FloatField(
        label=label, help_text=help_text, required=False, localize=True, **kwargs
    )


GRID_CHOICES = [
    (key, f"{c.value:g} gCO2e/kWh — {c.source}".replace(".", ",", 1))
    for key, c in GRID_FRANCE.items()
] + [("declared", _("Valeur déclarée (indiquez-la avec sa source)"))]


class UsageForm(forms.Form):
    """Declared usage for the estimate: `method` "inference" (own figures) or "generative"
    (a generative model through an API, computed with EcoLogits)."""

    method = forms.ChoiceField(
        label=_("Méthode"),
        choices=[
            ("inference", _("Énergie mesurée ou annoncée par requête (ou pour 1 000 jetons)")),
            (
                "generative",
                _("IA générative par API : estimation EcoLogits d'après la taille du modèle"),
            ),
        ],
        widget=forms.RadioSelect,
        initial="inference",
    )
    requests_per_day = _number(
        _("Requêtes par jour"), _("Nombre moyen de requêtes ou de prédictions par jour d'usage.")
    )
    days_per_year = _number(
        _("Jours d'utilisation par an"),
        _("365 par défaut ; 250 pour un service ouvert les jours ouvrés."),
    )
    energy_per_inference_wh = _number(
        _("Énergie par requête (Wh)"),
        _("Méthode « énergie par requête » : mesure au bac à sable ou donnée du fournisseur."),
    )
    energy_per_1000_tokens_wh = _number(
        _("Ou énergie pour 1 000 jetons (Wh)"),
        _("À la place de l'énergie par requête, pour un modèle de langage."),
    )
    tokens_per_request = _number(
        _("Jetons par requête"), _("Obligatoire avec l'énergie pour 1 000 jetons.")
    )
    training_energy_kwh = _number(
        _("Énergie d'entraînement (kWh)"),
        _("Entraînement propre au service, amorti sur sa durée de service. 0 si aucun."),
    )
    lifetime_years = _number(
        _("Durée de service prévue (ans)"), _("3 ans par défaut ; sert à amortir l'entraînement.")
    )
    pue = _number(
        _("PUE du centre de données"),
        _("1,46 par défaut : moyenne française (Arcep, données 2023)."),
    )
    grid = forms.ChoiceField(
        label=_("Intensité carbone de l'électricité"),
        choices=GRID_CHOICES,
        required=False,
        help_text=_(
            "Les sources ne s'accordent pas : celle retenue est enregistrée avec l'estimation."
        ),
    )
    carbon_intensity_g_per_kwh = _number(
        _("Intensité carbone déclarée (gCO2e/kWh)"), _("Seulement avec « Valeur déclarée ».")
    )
    carbon_intensity_source = forms.CharField(
        label=_("Source de l'intensité déclarée"),
        required=False,
        max_length=300,
        help_text=_("Par exemple l'attestation de votre hébergeur, avec son année."),
    )
    servers = _number(
        _("Serveurs (part attribuable au service)"),
        _(
            "0,25 pour un quart de serveur. Durée de vie 4 ans, impact de fabrication 5 700 kgCO2e par défaut."
        ),
    )
    gpus = _number(
        _("GPU (part attribuable au service)"),
        _("Durée de vie 3 ans, impact de fabrication 273 kgCO2e par défaut (EcoLogits)."),
    )
    server_embodied_kgco2e = _number(
        _("Impact de fabrication d'un serveur (kgCO2e)"),
        _("Laissez vide pour la valeur par défaut."),
    )
    gpu_embodied_kgco2e = _number(
        _("Impact de fabrication d'un GPU (kgCO2e)"), _("Laissez vide pour la valeur par défaut.")
    )
    total_parameters_billion = _number(
        _("Taille du modèle (milliards de paramètres)"),
        _("Méthode « IA générative » : par exemple 7 pour un modèle 7B."),
    )
    active_parameters_billion = _number(
        _("Paramètres actifs (milliards)"),
        _("Pour un modèle à experts (MoE) ; sinon laissez vide."),
    )
    output_tokens_per_request = _number(
        _("Jetons générés par requête"),
        _("Longueur moyenne des réponses, en jetons (environ ¾ de mot)."),
    )
    electricity_zone = forms.ChoiceField(
        label=_("Zone électrique du centre de données"),
        choices=list(ZONES.items()),
        required=False,
        initial="FRA",
        help_text=_("Où le fournisseur de l'API fait tourner le modèle."),
    )

    INFERENCE_FIELDS = (
        "requests_per_day",
        "days_per_year",
        "energy_per_inference_wh",
        "energy_per_1000_tokens_wh",
        "tokens_per_request",
        "training_energy_kwh",
        "lifetime_years",
        "pue",
        "grid",
        "carbon_intensity_g_per_kwh",
        "carbon_intensity_source",
        "servers",
        "gpus",
        "server_embodied_kgco2e",
        "gpu_embodied_kgco2e",
    )
    GENERATIVE_FIELDS = (
        "total_parameters_billion",
        "active_parameters_billion",
        "output_tokens_per_request",
        "requests_per_day",
        "days_per_year",
        "pue",
        "electricity_zone",
    )

    def clean(self):
        data = super().clean()
        total, active = data.get("total_parameters_billion"), data.get("active_parameters_billion")
        if data.get("method") == "generative" and total and active and active > total:
            self.add_error(
                "active_parameters_billion",
                _("Les paramètres actifs ne peuvent pas dépasser la taille totale du modèle."),
            )
        declared = data.get("method") != "generative" and data.get("grid") == "declared"
        if declared and data.get("carbon_intensity_g_per_kwh") is None:
            self.add_error(
                "carbon_intensity_g_per_kwh",
                _("Indiquez la valeur déclarée, ou choisissez une valeur par défaut."),
            )
        return data

    def usage(self) -> dict:
        """The usage dict for `frugality.estimate`, only with the fields of the method."""
        data = self.cleaned_data
        method = data.get("method") or "inference"
        names = self.GENERATIVE_FIELDS if method == "generative" else self.INFERENCE_FIELDS
        usage: dict = {"method": method}
        for name in names:
            value = data.get(name)
            if value in (None, ""):
                continue
            usage[name] = value
        active = usage.pop("active_parameters_billion", None)
        if active is not None and usage.get("total_parameters_billion"):
            usage["active_share"] = active / usage["total_parameters_billion"]
        if usage.get("grid") == "declared":
            del usage["grid"]
        elif method == "inference":
            usage.pop("carbon_intensity_g_per_kwh", None)
            usage.pop("carbon_intensity_source", None)
        return usage

    @classmethod
    def initial_from(cls, usage: dict) -> dict:
        initial = dict(usage or {})
        if "carbon_intensity_g_per_kwh" in initial:
            initial["grid"] = "declared"
        if "active_share" in initial and initial.get("total_parameters_billion"):
            share = initial.pop("active_share")
            initial["active_parameters_billion"] = round(
                share * initial["total_parameters_billion"], 3
            )
        return initial
