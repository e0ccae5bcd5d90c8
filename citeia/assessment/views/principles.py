"""Frugality and trust assessments of a file; the public usage estimate and method pages."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from citeia.sandbox import selectors as sandbox_selectors

from .. import frugality, selectors, trust
from .. import services_principles as services
from ..forms_principles import AnswersForm, UsageForm, usage_message
from ..frugality.answers import AnswersError
from ..models import AssessmentStatus, FrugalityAssessment, QuestionnaireKind, TrustAssessment
from .files import crumbs, file_crumbs

INVALID = 422


def _lang() -> str:
    return "en" if (get_language() or "fr").startswith("en") else "fr"


def _details(request, pk: int, *, write: bool = False):
    file = selectors.get_file_for_user(request.user, pk, write=write)
    if not selectors.can_read_details(request.user, file) and not write:
        raise Http404
    return file


def _sections(q) -> list:
    sections = []
    if q.gate is not None:
        sections.append(("gate", q.gate.items))
    sections.append(("items", [i for t in q.themes for i in t.items]))
    return sections


def _layout(form: AnswersForm, q) -> dict:
    """Gate and themes with, for each item, its answer and evidence bound fields."""

    def rows(section, items):
        return [(item, *form.item_fields(section, item.id)) for item in items]

    return {
        "gate": (q.gate, rows("gate", q.gate.items)) if q.gate is not None else None,
        "themes": [(theme, rows("items", theme.items)) for theme in q.themes],
    }


def _answers_page(request, pk: int, *, kind: str):
    """The questionnaire form of either kind: save as draft, or complete."""
    file = _details(request, pk, write=True)
    model = FrugalityAssessment if kind == QuestionnaireKind.FRUGALITY else TrustAssessment
    pure = frugality if kind == QuestionnaireKind.FRUGALITY else trust
    draft = services.draft_of(file, model)
    completed = services.latest(file, model, status=AssessmentStatus.COMPLETED)
    source = draft or completed
    row = draft.questionnaire if draft else services.current_questionnaire(kind)
    q = services.parsed(row)
    initial = source.answers if source is not None else {}
    if draft is None and completed is not None and completed.questionnaire_id != row.pk:
        initial = services.carry_answers(completed, q)
    form = AnswersForm(request.POST or None, sections=_sections(q), initial_answers=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            answers = form.answers()
            issues = pure.validate_answers(q, answers)
            if issues:
                form.add_issues(issues)
            else:
                start = services.frugality_start if pure is frugality else services.trust_start
                save = services.frugality_save if pure is frugality else services.trust_save
                complete = (
                    services.frugality_complete if pure is frugality else services.trust_complete
                )
                assessment = start(file=file, user=request.user)
                save(assessment=assessment, answers=answers, user=request.user)
                if request.POST.get("action") == "complete":
                    try:
                        complete(assessment=assessment, answers=answers, user=request.user)
                    except AnswersError as error:
                        form.add_issues(error.issues)
                        form.add_error(
                            None,
                            _(
                                "Brouillon enregistré. Pour terminer l'évaluation, "
                                "répondez aux questions signalées."
                            ),
                        )
                    else:
                        messages.success(request, _("Évaluation terminée."))
                        name = (
                            "assessment:frugality_result"
                            if pure is frugality
                            else "assessment:trust_profile"
                        )
                        return redirect(name, pk=file.pk)
                else:
                    messages.success(request, _("Brouillon enregistré."))
                    return redirect(request.path)
        status = INVALID
    if kind == QuestionnaireKind.FRUGALITY:
        title, template = _("Évaluation de sobriété"), "assessment/principles/frugality_form.html"
    else:
        title, template = _("Auto-évaluation de confiance"), "assessment/principles/trust_form.html"
    return render(
        request,
        template,
        {
            "file": file,
            "form": form,
            "questionnaire": q,
            "questionnaire_row": row,
            "draft": draft,
            "completed": completed,
            **_layout(form, q),
            "crumbs": file_crumbs(file, (title, None)),
        },
        status=status,
    )


def frugality_edit(request, pk: int):
    return _answers_page(request, pk, kind=QuestionnaireKind.FRUGALITY)


def trust_edit(request, pk: int):
    return _answers_page(request, pk, kind=QuestionnaireKind.TRUST)


def _shown(file, model):
    """The completed assessment, else the draft: what the result pages show."""
    row = services.latest(file, model, status=AssessmentStatus.COMPLETED) or services.draft_of(
        file, model
    )
    if row is None:
        raise Http404(_("Pas encore d'évaluation."))
    return row


def frugality_result(request, pk: int):
    file = _details(request, pk)
    assessment = _shown(file, FrugalityAssessment)
    q = services.parsed(assessment.questionnaire)
    return render(
        request,
        "assessment/principles/frugality_result.html",
        {
            "file": file,
            "assessment": assessment,
            "result": assessment.result,
            "estimate": assessment.estimate or None,
            "questionnaire": q,
            "grades": q.grades,
            "may_write": selectors.can_write(request.user, file),
            "crumbs": file_crumbs(file, (_("Sobriété"), None)),
        },
    )


def _apply_measurement(form, measurement) -> None:
    """A sandbox measurement replaces the declared energy per request: the fields are
    fixed to it (disabled fields keep their initial value, whatever is posted)."""
    form.initial.update(
        {
            "method": "inference",
            "energy_per_inference_wh": measurement["it_wh_per_prediction"],
            "energy_per_1000_tokens_wh": None,
        }
    )
    for name in ("method", "energy_per_inference_wh", "energy_per_1000_tokens_wh"):
        form.fields[name].disabled = True
    form.fields["energy_per_inference_wh"].help_text = _(
        "Mesurée dans le bac à sable, hors PUE : l'estimation applique son propre PUE."
    )


def _estimate_form(request, initial, measurement=None):
    form = UsageForm(request.POST or None, initial=UsageForm.initial_from(initial))
    if measurement is not None:
        _apply_measurement(form, measurement)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = frugality.estimate(form.usage())
        except frugality.UsageError as error:
            name = error.field if error.field in form.fields else None
            label = str(form.fields[name].label) if name else error.field
            form.add_error(name, usage_message(error, label))
    return form, result


def frugality_estimate(request, pk: int):
    """The usage estimate of a file: declared usage → yearly kWh and kgCO2e, kept."""
    file = _details(request, pk, write=True)
    assessment = services.draft_of(file, FrugalityAssessment) or services.latest(
        file, FrugalityAssessment, status=AssessmentStatus.COMPLETED
    )
    measurement = sandbox_selectors.energy_measurement(file)
    form, result = _estimate_form(
        request, assessment.usage if assessment else {}, measurement=measurement
    )
    status = 200
    if request.method == "POST":
        if result is not None:
            if assessment is None:
                assessment = services.frugality_start(file=file, user=request.user)
            services.frugality_estimate_save(
                assessment=assessment,
                usage=form.usage(),
                user=request.user,
                measurement=measurement,
            )
            messages.success(request, _("Estimation enregistrée."))
            return redirect("assessment:frugality_result", pk=file.pk)
        status = INVALID
    return render(
        request,
        "assessment/principles/estimate_form.html",
        {
            "file": file,
            "form": form,
            "estimate": assessment.estimate if assessment and assessment.estimate else None,
            "measurement": measurement,
            "crumbs": file_crumbs(file, (_("Estimation de l'impact"), None)),
        },
        status=status,
    )


def estimate_public(request):
    """The public calculator: nothing is saved, the result is shown under the form."""
    form, result = _estimate_form(request, {})
    return render(
        request,
        "assessment/principles/estimate_public.html",
        {
            "form": form,
            "estimate": result.to_dict() if result else None,
            "crumbs": crumbs((_("Estimer l'impact d'un service d'IA"), None)),
        },
        status=INVALID if request.method == "POST" and result is None else 200,
    )


def frugality_method(request):
    """How the frugality grade is computed: the questionnaire in force, weights, thresholds."""
    row = services.current_questionnaire(QuestionnaireKind.FRUGALITY)
    return render(
        request,
        "assessment/principles/method.html",
        {
            "questionnaire": services.parsed(row),
            "questionnaire_row": row,
            "pue": frugality.PUE_FRANCE,
            "grids": frugality.GRID_FRANCE.values(),
            "crumbs": crumbs((_("Méthode de la note de sobriété"), None)),
        },
    )


def trust_profile(request, pk: int):
    file = _details(request, pk)
    assessment = _shown(file, TrustAssessment)
    q = services.parsed(assessment.questionnaire)
    result = assessment.result or trust.score(q, {}).to_dict()
    questions = q.all_items()
    return render(
        request,
        "assessment/principles/trust_profile.html",
        {
            "file": file,
            "assessment": assessment,
            "result": result,
            "svg": trust.profile_svg(result, id_prefix=f"trust-{file.pk}", lang=_lang()),
            "summary_text": trust.profile_summary(result, lang=_lang()),
            "titles": trust.PRINCIPLES_EN if _lang() == "en" else {},
            "questions": questions,
            "may_write": selectors.can_write(request.user, file),
            "crumbs": file_crumbs(file, (_("Profil de confiance"), None)),
        },
    )
