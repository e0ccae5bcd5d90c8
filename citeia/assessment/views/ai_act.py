"""The AI Act questionnaire (one question per screen, htmx or full pages), result, checklist."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import questionnaire, selectors, services
from ..aiact import Facts, FactsError, classify
from ..forms import ClassifyForm, ObligationCheckForm, question_form
from ..models import AssessmentStatus
from .files import file_crumbs

INVALID = 422


def _lang() -> str:
    return (get_language() or "fr")[:2]


def _draft_or_redirect(request, file):
    draft = services.ai_act_draft(file)
    if draft is None:
        return None, redirect(file)
    return draft, None


@require_POST
def start(request, pk: int):
    file = selectors.get_file_for_user(request.user, pk, write=True)
    services.ai_act_start(file=file, user=request.user)
    return redirect("assessment:ai_act_next", pk=file.pk)


def next_step(request, pk: int):
    file = selectors.get_file_for_user(request.user, pk, write=True)
    draft, away = _draft_or_redirect(request, file)
    if away:
        return away
    question = questionnaire.next_question(draft.facts, draft.unknown_answers)
    if question is None:
        return redirect("assessment:ai_act_result", pk=file.pk)
    return redirect("assessment:ai_act_question", pk=file.pk, key=question.key)


class FileFlow:
    """The questionnaire of an assessment file: answers saved in its draft assessment."""

    public = False

    def __init__(self, request, file, draft):
        self.request, self.file, self.draft = request, file, draft
        self.name = file.name
        self.crumbs = file_crumbs(file, (_("Questionnaire AI Act"), None))

    @property
    def facts(self) -> dict:
        return self.draft.facts

    @property
    def unknown(self) -> list:
        return self.draft.unknown_answers

    @property
    def result(self) -> dict:
        return self.draft.result

    def question_url(self, key: str) -> str:
        return reverse("assessment:ai_act_question", args=[self.file.pk, key])

    def result_url(self) -> str:
        return reverse("assessment:ai_act_result", args=[self.file.pk])

    def save(self, key: str, value) -> None:
        services.ai_act_answer(assessment=self.draft, key=key, value=value, user=self.request.user)


class PublicFlow:
    """The public classifier's questionnaire: answers kept in the visitor's session only."""

    public = True
    SESSION_KEY = "assessment_public_ai_act"

    def __init__(self, request):
        self.request = request
        stored = request.session.get(self.SESSION_KEY) or {}
        self.facts = dict(stored.get("facts") or {})
        self.unknown = list(stored.get("unknown") or [])
        try:
            self.result = classify(Facts.from_dict(self.facts)).to_dict()
        except FactsError:  # a session from an older rule set: start again
            self.facts, self.unknown = {}, []
            self.result = classify(Facts.from_dict({})).to_dict()
        self.name = _("Classer un système selon l'AI Act")
        self.crumbs = [
            (_("Classer un système selon l'AI Act"), reverse("assessment:public_classifier")),
            (_("Questionnaire AI Act"), None),
        ]

    def question_url(self, key: str) -> str:
        return reverse("assessment:public_question", args=[key])

    def result_url(self) -> str:
        return reverse("assessment:public_result")

    def save(self, key: str, value) -> None:
        facts = dict(self.facts)
        unknown = [name for name in self.unknown if name != key]
        if value is questionnaire.UNKNOWN_ANSWER:
            facts.pop(key, None)
            unknown.append(key)
        else:
            facts[key] = value
        self.result = classify(Facts.from_dict(facts)).to_dict()  # FactsError: nothing kept
        self.facts, self.unknown = facts, unknown
        self.request.session[self.SESSION_KEY] = {"facts": facts, "unknown": unknown}


def _question_context(flow, question, form):
    lang = _lang()
    previous = questionnaire.previous_question(question.key, flow.facts, flow.unknown)
    answered, total = questionnaire.progress(flow.facts, flow.unknown)
    return {
        "public": flow.public,
        "subject_name": flow.name,
        "question": question,
        "question_text": question.text_in(lang),
        "explanation": question.explanation_in(lang),
        "example": question.example_in(lang),
        "eurlex_url": questionnaire.eurlex_url(question, lang),
        "form": form,
        "question_url": flow.question_url(question.key),
        "previous_url": flow.question_url(previous.key) if previous else None,
        "result_url": flow.result_url(),
        "answered": answered,
        "total": max(total, answered + 1),
        "outcome_label": selectors.outcome_label(flow.result),
        "crumbs": flow.crumbs,
    }


def _render_question(request, context, status=200):
    htmx = request.htmx and not request.htmx.history_restore_request
    template = "assessment/includes/question.html" if htmx else "assessment/ai_act_question.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _ask(request, flow, key: str, first_url: str):
    """Show one question, or record its answer and go to the next one (or the result)."""
    current = questionnaire.QUESTIONS_BY_KEY.get(key)
    if current is None:
        return redirect(first_url)
    if request.method != "POST":
        form = question_form(current, facts=flow.facts, unknown_answers=flow.unknown)
        return _render_question(request, _question_context(flow, current, form))
    form = question_form(current, request.POST, facts=flow.facts, unknown_answers=flow.unknown)
    unknown_button = "unknown" in request.POST
    if unknown_button or form.is_valid():
        try:
            flow.save(key, form.answer(unknown_button=unknown_button))
        except FactsError as exc:
            field = "values" if current.type == "multi" else "value"
            for error in exc.errors:
                form.add_error(field if field in form.fields else None, error.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            following = questionnaire.next_question(flow.facts, flow.unknown)
            if following is None:
                target = flow.result_url()
                if request.htmx:
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
            target = flow.question_url(following.key)
            if request.htmx:
                next_form = question_form(following, facts=flow.facts, unknown_answers=flow.unknown)
                response = _render_question(request, _question_context(flow, following, next_form))
                response["HX-Push-Url"] = target
                return response
            return redirect(target)
    return _render_question(request, _question_context(flow, current, form), status=INVALID)


def question(request, pk: int, key: str):
    file = selectors.get_file_for_user(request.user, pk, write=True)
    draft, away = _draft_or_redirect(request, file)
    if away:
        return away
    return _ask(
        request,
        FileFlow(request, file, draft),
        key,
        reverse("assessment:ai_act_next", args=[file.pk]),
    )


def public_question(request, key: str):
    return _ask(request, PublicFlow(request), key, reverse("assessment:public_start"))


def public_start(request):
    """The first question still open for this visitor (POST: start again from nothing)."""
    if request.method == "POST":
        request.session.pop(PublicFlow.SESSION_KEY, None)
    flow = PublicFlow(request)
    following = questionnaire.next_question(flow.facts, flow.unknown)
    if following is None:
        return redirect("assessment:public_result")
    return redirect("assessment:public_question", key=following.key)


def public_result(request):
    flow = PublicFlow(request)
    context = result_context(
        flow.result, flow.facts, unknown_answers=flow.unknown, question_url=flow.question_url
    )
    context.update(
        {
            "crumbs": [
                (_("Classer un système selon l'AI Act"), reverse("assessment:public_classifier")),
                (_("Résultat"), None),
            ],
        }
    )
    return render(request, "assessment/public_result.html", context)


def _answers(facts: dict, unknown_answers: list, question_url):
    lang = _lang()
    rows = []
    for item in questionnaire.QUESTIONS:
        if item.key in facts:
            answer = questionnaire.answer_label(item, facts[item.key], lang)
        elif item.key in unknown_answers:
            answer = _("Je ne sais pas")
        else:
            continue
        url = question_url(item.key) if question_url else None
        rows.append({"question": item.text_in(lang), "answer": answer, "url": url})
    return rows


def result_context(result: dict, facts: dict, *, unknown_answers=(), question_url=None):
    """The result in words; question_url(key), when given, links each fact to its question."""
    lang = _lang()
    missing = []
    for key in result.get("missing_facts", []):
        item = questionnaire.QUESTIONS_BY_KEY.get(key)
        missing.append(
            {
                "key": key,
                "question": item.text_in(lang) if item else key,
                "url": question_url(key) if question_url else None,
            }
        )
    variants = []
    for variant in questionnaire.what_if(facts):
        item = questionnaire.QUESTIONS_BY_KEY[variant.key]
        variants.append(
            {
                "question": item.text_in(lang),
                "answer": questionnaire.answer_label(item, variant.value, lang),
                "was_unknown": variant.was_unknown,
                "outcome_label": selectors.outcome_label(variant.result),
                "fria_required": variant.result["fria_required"],
                "transparency": variant.result["transparency"],
                "obligations": len(variant.result["obligations"]),
                "url": question_url(variant.key) if question_url else None,
            }
        )
    return {
        "result": result,
        "outcome_label": selectors.outcome_label(result),
        "missing": missing,
        "variants": variants,
        "answers": _answers(facts, list(unknown_answers), question_url),
    }


def result(request, pk: int):
    file = selectors.get_file_for_user(request.user, pk, write=request.method == "POST")
    may_write = selectors.can_write(request.user, file)
    draft = services.ai_act_draft(file) if may_write else None
    assessment = draft or file.current_ai_act
    if assessment is None or (assessment.status != AssessmentStatus.COMPLETED and not draft):
        return redirect(file)
    if request.method == "POST" and draft is not None:
        services.ai_act_complete(assessment=draft, user=request.user)
        return redirect(file)
    context = result_context(
        assessment.result,
        assessment.facts,
        unknown_answers=assessment.unknown_answers,
        question_url=(lambda key: reverse("assessment:ai_act_question", args=[file.pk, key]))
        if draft
        else None,
    )
    context.update(
        {
            "file": file,
            "assessment": assessment,
            "is_draft": draft is not None,
            "may_write": may_write,
            "crumbs": file_crumbs(file, (_("Résultat AI Act"), None)),
        }
    )
    return render(request, "assessment/ai_act_result.html", context)


@require_POST
def obligation_check(request, pk: int, check_pk: int):
    file = selectors.get_file_for_user(request.user, pk, write=True)
    completed = file.current_ai_act
    if completed is None or completed.status != AssessmentStatus.COMPLETED:
        return redirect(file)
    check = get_object_or_404(completed.obligation_checks, pk=check_pk)
    form = ObligationCheckForm(request.POST, instance=check, prefix=f"check-{check.pk}")
    if form.is_valid():
        try:
            services.obligation_check_update(
                check=check,
                done=form.cleaned_data["done"],
                evidence=form.cleaned_data["evidence"],
                evidence_url=form.cleaned_data["evidence_url"],
                user=request.user,
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field, messages)
        else:
            return redirect(f"{file.get_absolute_url()}#obligation-{check.pk}")
    check.refresh_from_db()
    obligations = {item["article"]: item for item in completed.result.get("obligations", [])}
    return render(
        request,
        "assessment/obligation_check.html",
        {
            "file": file,
            "check": check,
            "obligation": obligations.get(check.article),
            "form": form,
            "crumbs": file_crumbs(file, (check.article, None)),
        },
        status=INVALID,
    )


def public_classifier(request):
    """The classifier for everyone: facts in JSON, the explained result."""
    form = ClassifyForm(request.POST or None)
    context = {
        "form": form,
        "crumbs": [(_("Classer un système selon l'AI Act"), None)],
        "errors": [],
    }
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                facts = Facts.from_dict(form.cleaned_data["facts"])
            except FactsError as exc:
                context["errors"] = exc.to_dict()
                form.add_error("facts", _("Les faits contiennent des erreurs (voir la liste)."))
                status = INVALID
            else:
                context.update(result_context(classify(facts).to_dict(), facts.to_dict()))
        else:
            status = INVALID
    return render(request, "assessment/public_classifier.html", context, status=status)
