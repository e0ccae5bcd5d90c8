"""Forms of expert reviews, vendor answers, needs profiles and the ranking."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from citeia.core.widgets import QuickSelect

from .models import Domain, GridAxis
from .review_selectors import DEFAULT_WEIGHT, MAX_WEIGHT, MUST_HAVE_LABELS

_url = URLValidator(schemes=["http", "https"])
MAX_EVIDENCE_LINKS = 20


def parse_evidence(text: str) -> list[str]:
    """One web address per line; blank lines ignored; each line checked."""
    links = [line.strip() for line in (text or "").splitlines() if line.strip()]
    errors = []
    for number, link in enumerate(links, start=1):
        try:
            _url(link)
        except ValidationError:
            errors.append(
                ValidationError(
                    _(
                        "Ligne %(n)s : « %(value)s » n'est pas une adresse web valide ; "
                        "elle doit commencer par https:// ou http://."
                    ),
                    code="invalid_link",
                    params={"n": number, "value": link[:200]},
                )
            )
    if len(links) > MAX_EVIDENCE_LINKS:
        errors.append(
            ValidationError(
                _("Indiquez au plus %(max)s liens."),
                code="too_many_links",
                params={"max": MAX_EVIDENCE_LINKS},
            )
        )
    if errors:
        raise ValidationError(errors)
    return links


class TranslatedNameChoiceField(forms.ModelChoiceField):
    """Options named by the data's French name, translated (data_labels.py)."""

    def label_from_instance(self, obj):
        return gettext(obj.name)


class ReviewForm(forms.Form):
    """One score, justification and evidence per criterion of the grid.

    Action-1 criteria must all be scored; principles are optional, but a principle that
    gets a score needs its justification too.
    """

    summary = forms.CharField(
        label=_("Synthèse de votre évaluation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Facultatif : ce qu'un agent doit retenir en quelques phrases."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            required = criterion.axis == GridAxis.ACTION1
            choices = [
                (
                    str(level.score),
                    f"{level.score} — {gettext(level.label)} : {gettext(level.description)}",
                )
                for level in criterion.levels.all()
            ]
            self.fields[f"score_{criterion.key}"] = forms.ChoiceField(
                label=_("Note"),
                choices=choices,
                required=required,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choisissez une note pour ce critère."),
                    "invalid_choice": _(
                        "La note doit être l'un des niveaux de la grille, de 0 à 4."
                    ),
                },
            )
            self.fields[f"justification_{criterion.key}"] = forms.CharField(
                label=_("Justification"),
                required=required,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Ce que vous avez constaté et qui fonde la note."),
                error_messages={
                    "required": _(
                        "La justification est obligatoire : expliquez la note en quelques phrases."
                    )
                },
            )
            self.fields[f"evidence_{criterion.key}"] = forms.CharField(
                label=_("Liens vers les preuves"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "Facultatif. Une adresse web par ligne : documentation, étude, "
                    "code source, rapport d'audit."
                ),
            )

    def sections(self):
        """(criterion, score field, justification field, evidence field) for the template."""
        for criterion in self.criteria:
            yield (
                criterion,
                self[f"score_{criterion.key}"],
                self[f"justification_{criterion.key}"],
                self[f"evidence_{criterion.key}"],
            )

    def error_links(self):
        """(anchor, criterion or field label, message) for the summary at the top."""
        names = {f"score_{c.key}": c for c in self.criteria}
        names.update({f"justification_{c.key}": c for c in self.criteria})
        names.update({f"evidence_{c.key}": c for c in self.criteria})
        for name, errors in self.errors.items():
            if name == "__all__":
                for error in errors:
                    yield "", "", error
                continue
            bound = self[name]
            anchor = bound.auto_id + ("_0" if name.startswith("score_") else "")
            criterion = names.get(name)
            label = f"{criterion.name} — {bound.label}" if criterion else bound.label
            for error in errors:
                yield anchor, label, error

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            score_name = f"score_{criterion.key}"
            justification_name = f"justification_{criterion.key}"
            evidence_name = f"evidence_{criterion.key}"
            evidence = cleaned.get(evidence_name, "")
            if evidence_name in cleaned:
                try:
                    parse_evidence(evidence)
                except ValidationError as error:
                    self.add_error(evidence_name, error)
            if criterion.axis == GridAxis.ACTION1:
                continue
            score = cleaned.get(score_name)
            justification = (cleaned.get(justification_name) or "").strip()
            if score not in (None, "") and not justification and justification_name in cleaned:
                self.add_error(
                    justification_name,
                    _("La justification est obligatoire dès que vous notez ce principe."),
                )
            if score in (None, "") and (justification or evidence) and score_name in cleaned:
                self.add_error(
                    score_name,
                    _("Choisissez une note, ou videz la justification et les liens."),
                )
        return cleaned

    def scores(self) -> dict:
        """{criterion: (score, justification, evidence)} for the criteria that were scored."""
        result = {}
        for criterion in self.criteria:
            score = self.cleaned_data.get(f"score_{criterion.key}")
            if score in (None, ""):
                continue
            result[criterion] = (
                int(score),
                self.cleaned_data[f"justification_{criterion.key}"].strip(),
                "\n".join(parse_evidence(self.cleaned_data.get(f"evidence_{criterion.key}", ""))),
            )
        return result

    @staticmethod
    def initial_from(review) -> dict:
        """Initial values from an earlier review, matched by criterion key across grids."""
        if review is None:
            return {}
        initial = {"summary": review.summary}
        for score in review.scores.all():
            key = score.criterion.key
            initial[f"score_{key}"] = str(score.score)
            initial[f"justification_{key}"] = score.justification
            initial[f"evidence_{key}"] = score.evidence
        return initial


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Votre réponse"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Publiée sous l'évaluation, une seule fois : elle ne pourra plus être modifiée. "
            "Répondez sur les faits et indiquez vos sources."
        ),
        error_messages={"required": _("Écrivez votre réponse avant de l'envoyer.")},
    )


WEIGHT_CHOICES = [
    (0, _("0 — ne compte pas")),
    (1, _("1 — secondaire")),
    (2, _("2 — utile")),
    (3, _("3 — important")),
    (4, _("4 — très important")),
    (5, _("5 — essentiel")),
]
assert WEIGHT_CHOICES[-1][0] == MAX_WEIGHT


class WeightsMixin:
    """Adds a weight per criterion and the must-haves to a form."""

    def add_weight_fields(self, criteria, *, required: bool):
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"poids_{criterion.key}"] = forms.TypedChoiceField(
                label=_(criterion.name),
                choices=WEIGHT_CHOICES,
                widget=QuickSelect,
                coerce=int,
                required=required,
                empty_value=0,
                initial=DEFAULT_WEIGHT,
                error_messages={
                    "invalid_choice": _("Le poids doit être un nombre entier de 0 à 5."),
                },
            )
        self.fields["exigence"] = forms.MultipleChoiceField(
            label=_("Exigences"),
            choices=list(MUST_HAVE_LABELS.items()),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_(
                "Une solution qui ne remplit pas une exigence est classée après les autres."
            ),
            error_messages={"invalid_choice": _("Exigence inconnue : %(value)s.")},
        )

    def weight_fields(self):
        return [self[f"poids_{criterion.key}"] for criterion in self.criteria]

    def weights(self) -> dict[str, int]:
        return {c.key: self.cleaned_data.get(f"poids_{c.key}") or 0 for c in self.criteria}


class NeedsProfileForm(WeightsMixin, forms.Form):
    name = forms.CharField(
        label=_("Nom du profil"),
        max_length=120,
        help_text=_("Par exemple « Accueil téléphonique, service population »."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_weight_fields(criteria, required=True)

    @staticmethod
    def initial_from(profile) -> dict:
        initial = {"name": profile.name, "exigence": list(profile.must_haves)}
        for key, weight in profile.weights.items():
            initial[f"poids_{key}"] = weight
        return initial


class RankingForm(WeightsMixin, forms.Form):
    """The ranking's parameters, as GET parameters so that a ranking can be shared."""

    besoin = forms.CharField(
        label=_("Votre besoin, en quelques mots"),
        max_length=300,
        required=False,
        help_text=_("Par exemple « répondre plus vite aux courriels des habitants »."),
    )
    domaine = TranslatedNameChoiceField(
        label=_("Domaine métier"),
        queryset=Domain.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Tous les domaines"),
        widget=QuickSelect,
        error_messages={"invalid_choice": _("Ce domaine n'existe pas dans le catalogue.")},
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_weight_fields(criteria, required=False)
