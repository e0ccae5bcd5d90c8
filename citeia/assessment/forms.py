import datetime
import json

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Fria, FriaStatus, ObligationCheck
from .questionnaire import NONE_CHOICE, UNKNOWN_ANSWER, Question

UNKNOWN_CHOICE = "__unknown__"
NOT_YET_CHOICE = "__not_yet__"
DATE_CHOICE = "__date__"


def _lang() -> str:
    return (get_language() or "fr")[:2]


class QuestionForm(forms.Form):
    """One questionnaire question; `answer()` gives the fact value or UNKNOWN_ANSWER."""

    def __init__(self, question: Question, *args, initial_value=None, is_unknown=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        lang = _lang()
        label = question.text_in(lang)
        unknown_choice = (UNKNOWN_CHOICE, _("Je ne sais pas"))
        if question.type == "bool":
            choices = [("yes", _("Oui")), ("no", _("Non")), unknown_choice]
            initial = None
            if is_unknown:
                initial = UNKNOWN_CHOICE
            elif initial_value is True:
                initial = "yes"
            elif initial_value is False:
                initial = "no"
            self.fields["value"] = forms.ChoiceField(
                label=label, choices=choices, widget=forms.RadioSelect, initial=initial
            )
        elif question.type == "choice":
            choices = [(option.token, option.label_in(lang)) for option in question.options]
            choices.append(unknown_choice)
            initial = None
            if is_unknown:
                initial = UNKNOWN_CHOICE
            elif initial_value is not _MISSING:
                initial = NONE_CHOICE if initial_value is None else str(initial_value)
            self.fields["value"] = forms.ChoiceField(
                label=label, choices=choices, widget=forms.RadioSelect, initial=initial
            )
        elif question.type == "multi":
            choices = [(option.token, option.label_in(lang)) for option in question.options]
            self.fields["values"] = forms.MultipleChoiceField(
                label=label,
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                initial=list(initial_value or []) if initial_value is not _MISSING else [],
                help_text=_("Ne cochez rien si aucune ne s'applique."),
            )
        else:  # date
            initial = None
            date_initial = None
            if is_unknown:
                initial = UNKNOWN_CHOICE
            elif initial_value is None:
                initial = NOT_YET_CHOICE
            elif isinstance(initial_value, str):
                initial, date_initial = DATE_CHOICE, initial_value
            self.fields["value"] = forms.ChoiceField(
                label=label,
                choices=[
                    (DATE_CHOICE, _("En service depuis la date ci-dessous")),
                    (NOT_YET_CHOICE, _("Pas encore en service")),
                    unknown_choice,
                ],
                widget=forms.RadioSelect,
                initial=initial,
            )
            self.fields["date"] = forms.DateField(
                label=_("Date de première mise en service"),
                required=False,
                initial=date_initial,
                widget=forms.DateInput(attrs={"type": "date"}),
                help_text=_("Au format JJ/MM/AAAA ou AAAA-MM-JJ."),
            )

    def clean(self):
        cleaned = super().clean()
        date_missing = not cleaned.get("date")
        if self.question.type == "date" and cleaned.get("value") == DATE_CHOICE and date_missing:
            self.add_error("date", _("Indiquez la date de première mise en service."))
        return cleaned

    def answer(self, *, unknown_button: bool = False):
        if unknown_button:
            return UNKNOWN_ANSWER
        data = self.cleaned_data
        if self.question.type == "multi":
            return list(data["values"])
        choice = data["value"]
        if choice == UNKNOWN_CHOICE:
            return UNKNOWN_ANSWER
        if self.question.type == "bool":
            return choice == "yes"
        if self.question.type == "date":
            if choice == NOT_YET_CHOICE:
                return None
            value: datetime.date = data["date"]
            return value.isoformat()
        return None if choice == NONE_CHOICE else choice


_MISSING = object()


def question_form(question: Question, data=None, *, facts: dict, unknown_answers: list):
    value = facts.get(question.key, _MISSING)
    return QuestionForm(
        question,
        data,
        initial_value=value if value is not _MISSING else _MISSING,
        is_unknown=question.key in unknown_answers,
    )


class SystemFileForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation qui utilise le système"), queryset=None, empty_label=None
    )
    name = forms.CharField(
        label=_("Nom du système"),
        max_length=200,
        help_text=_("Le nom que les agents lui donnent, par exemple « Aide à l'instruction RSA »."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("À quoi sert le système, qui l'utilise, sur quelles données."),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ObligationCheckForm(forms.ModelForm):
    evidence_url = forms.URLField(
        label=_("Lien vers la preuve"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = ObligationCheck
        fields = ["done", "evidence", "evidence_url"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 3})}


class FriaForm(forms.ModelForm):
    class Meta:
        model = Fria
        fields = [
            *Fria.PARTS,
            "dpia_reference",
            "status",
            "notified_on",
            "eu_database_summary",
        ]
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 4}) for name in Fria.PARTS},
            "eu_database_summary": forms.Textarea(attrs={"rows": 6}),
            "notified_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "eu_database_summary": _(
                "Laissez vide pour qu'il soit rédigé à partir des six parties ci-dessus."
            ),
            "status": _(
                "« Terminée » exige les six parties ; « Notifiée » exige aussi la date de "
                "notification."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = FriaStatus.choices


class ClassifyForm(forms.Form):
    """The public classifier: facts as JSON."""

    facts = forms.CharField(
        label=_("Faits (JSON)"),
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        help_text=_(
            "Un objet JSON avec les faits décrits dans la documentation ; une clé absente "
            "vaut « inconnu »."
        ),
    )

    def clean_facts(self):
        try:
            return json.loads(self.cleaned_data["facts"])
        except ValueError as exc:
            raise forms.ValidationError(
                _("Ce n'est pas du JSON valide : %(error)s") % {"error": exc}
            ) from exc
