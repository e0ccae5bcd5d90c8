"""Forms of the register: a record, the public's requests and reports, the organisation's answers."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .models import ErrorReport, ExplanationRequest, Record, ReportStatus, WithholdReason
from .schema import FIELDS, SECTIONS, WITHHOLDABLE, field_label

WITHHOLD_PREFIX = "retenu__"
DATE_FIELDS = {"next_review", "in_use_since"}


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


SOLUTION_ID_MAX_LENGTH = 300


class SolutionField(forms.CharField):
    """A published catalogue solution, given by its identifier (the end of its address in the
    catalogue; a pasted address works too). A text field rather than a list: the catalogue may
    hold tens of thousands of solutions. The record form finds the identifier with a search
    (htmx); without JavaScript it is typed."""

    def __init__(self, *, solutions=None, **kwargs):
        super().__init__(**kwargs)
        self.solutions = solutions
        self.widget.attrs.update({"maxlength": SOLUTION_ID_MAX_LENGTH, "autocomplete": "off"})

    def prepare_value(self, value):
        return getattr(value, "slug", value)

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if len(text) > SOLUTION_ID_MAX_LENGTH:
            raise ValidationError(
                _("Un identifiant de solution compte au plus %(max)s caractères."),
                code="max_length",
                params={"max": SOLUTION_ID_MAX_LENGTH},
            )
        # A pasted catalogue address: its last segment is the identifier.
        slug = text.split("?")[0].rstrip("/").rsplit("/", 1)[-1].strip().lower()
        solution = self.solutions.filter(slug=slug).first() if slug else None
        if solution is None:
            # Same message for an unknown and an unpublished solution: drafts stay private.
            raise ValidationError(
                _(
                    "Aucune solution publiée du catalogue n'a l'identifiant « %(value)s ». "
                    "Vérifiez l'identifiant (la fin de l'adresse de la solution dans le "
                    "catalogue) ou cherchez la solution par son nom ; laissez le champ vide "
                    "si l'algorithme ne repose sur aucune solution du catalogue."
                ),
                code="unknown_solution",
                params={"value": text},
            )
        return solution


class RecordForm(forms.ModelForm):
    """Every field of the record, grouped by section; a withholding reason per field that
    may be withheld. Required-to-publish fields are checked at submission, not here: a
    draft may be saved half-filled."""

    class Meta:
        model = Record
        fields = [*FIELDS, "solution"]
        formfield_callback = _formfield
        widgets = {name: forms.DateInput(attrs={"type": "date"}) for name in DATE_FIELDS} | {
            "summary": forms.Textarea(attrs={"rows": 2, "maxlength": 280}),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    solution = SolutionField(
        label=_("Identifiant de la solution du catalogue"),
        required=False,
        help_text=_(
            "La solution du catalogue sur laquelle repose l'algorithme, s'il y en a une : "
            "cherchez-la par son nom ci-dessous, ou tapez son identifiant (la fin de son adresse "
            "dans le catalogue)."
        ),
    )

    def __init__(self, *args, solutions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].solutions = solutions
        if self.instance.solution_id and "solution" not in kwargs.get("initial", {}):
            self.initial["solution"] = self.instance.solution
        # The readability indicator follows the description as it is typed (htmx).
        self.fields["description"].widget.attrs.update(
            {
                "hx-post": reverse_lazy("registry:readability"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#lisibilite",
                "hx-swap": "outerHTML",
                "hx-include": "[name=csrfmiddlewaretoken]",
            }
        )
        for name in ("next_review", "in_use_since"):
            self.fields[name].widget.format = "%Y-%m-%d"
        reasons = [("", _("Publiée")), *WithholdReason.choices]
        withheld = (self.instance.withheld or {}) if self.instance.pk else {}
        for name in WITHHOLDABLE:
            self.fields[WITHHOLD_PREFIX + name] = forms.ChoiceField(
                label=_("%(field)s : publication") % {"field": field_label(name)},
                choices=reasons,
                required=False,
                initial=withheld.get(name, ""),
                help_text=_("Une information ne reste non publiée qu'avec un motif légal."),
            )

    def fieldsets(self):
        """(legend, [bound fields]) in the order of the reference standards."""
        groups = []
        for _key, label, names in SECTIONS:
            groups.append((label, [self[name] for name in names]))
        groups.append((_("Lien avec le catalogue"), [self["solution"]]))
        return groups

    def chosen_solution(self):
        """The solution the form links to, for a confirmation next to the identifier."""
        if self.is_bound:
            return self.cleaned_data.get("solution") if hasattr(self, "cleaned_data") else None
        initial = self.initial.get("solution")
        return initial if hasattr(initial, "slug") else None

    def withhold_fields(self):
        return [self[WITHHOLD_PREFIX + name] for name in WITHHOLDABLE]

    def record_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*FIELDS, "solution"]}

    def withheld(self) -> dict:
        return {
            name: self.cleaned_data[WITHHOLD_PREFIX + name]
            for name in WITHHOLDABLE
            if self.cleaned_data.get(WITHHOLD_PREFIX + name)
        }


class ExplanationRequestForm(forms.ModelForm):
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by bots.
    website = forms.CharField(label=_("Ne pas remplir"), required=False)

    class Meta:
        model = ExplanationRequest
        fields = [
            "decision_reference",
            "decision_date",
            "message",
            "requester_name",
            "email",
            "postal_address",
        ]
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}),
            "message": forms.Textarea(attrs={"rows": 5}),
            "postal_address": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "email": _("Pour recevoir la réponse. Donnez au moins une adresse e-mail ou postale."),
            "postal_address": _("Si vous préférez une réponse par courrier."),
        }

    def clean(self):
        data = super().clean()
        if not data.get("email") and not (data.get("postal_address") or "").strip():
            self.add_error(
                "email",
                _(
                    "Indiquez une adresse e-mail ou une adresse postale : sans elle, la réponse "
                    "ne peut pas vous parvenir."
                ),
            )
        return data

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class AnswerForm(forms.ModelForm):
    class Meta:
        model = ExplanationRequest
        fields = ["answer_contribution", "answer_data", "answer_parameters", "answer_operations"]
        help_texts = {
            "answer_contribution": _(
                "Dans quelle mesure et de quelle manière l'algorithme a contribué à la décision."
            ),
            "answer_data": _("Les données utilisées pour cette personne et d'où elles viennent."),
            "answer_parameters": _(
                "Les paramètres du traitement et leur poids, appliqués à la situation de la personne."
            ),
            "answer_operations": _("Les opérations effectuées par le traitement, dans l'ordre."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
            field.widget = forms.Textarea(attrs={"rows": 4})


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Confier la demande à"), queryset=None, empty_label=_("Choisir un agent")
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members


class MessageForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("Ce qui a changé"),
        required=False,
        max_length=300,
        help_text=_(
            "Une phrase affichée dans l'historique public, par exemple « Nouveau barème »."
        ),
    )


class ErrorReportForm(forms.ModelForm):
    website = forms.CharField(label=_("Ne pas remplir"), required=False)

    class Meta:
        model = ErrorReport
        fields = ["message", "email"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class ReportAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            (ReportStatus.CORRECTED, _("Corrigée")),
            (ReportStatus.DECLINED, _("Non retenue")),
        ],
    )
    public_answer = forms.CharField(
        label=_("Réponse publique"), widget=forms.Textarea(attrs={"rows": 4}), max_length=3000
    )
