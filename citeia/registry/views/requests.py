"""Individual explanation requests and error reports: the public's forms, the follow-up
page of a request, and the organisation's queue and answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from citeia.accounts.models import MembershipStatus, User
from citeia.core.permissions import MemberRole

from .. import deadlines, request_services, selectors, services, throttle
from ..forms import (
    AnswerForm,
    AssignForm,
    ErrorReportForm,
    ExplanationRequestForm,
    ReportAnswerForm,
)
from ..models import DecisionType, ExplanationRequest, RequestStatus
from .public import home_crumbs

INVALID = 422
TOO_MANY = 429


def _service_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _record_crumbs(record, last):
    return home_crumbs((record.current_version.name, record.get_absolute_url()), (last, None))


def request_create(request, public_id: str):
    record = selectors.get_public_record(public_id)
    if record.current_version.snapshot["fields"].get("decision_type") != DecisionType.INDIVIDUAL:
        raise Http404(_("Cet algorithme ne sert pas à des décisions individuelles."))
    form = ExplanationRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam():
            # Bots get the same answer as people, and nothing is saved.
            return render(
                request,
                "registry/request_sent.html",
                {"crumbs": _record_crumbs(record, _("Demande envoyée"))},
            )
        if not throttle.allow(request, "request"):
            form.add_error(
                None,
                _("Trop de demandes envoyées depuis votre connexion. Réessayez dans une heure."),
            )
            status = TOO_MANY
        elif form.is_valid():
            try:
                created = request_services.explanation_request_create(
                    record=record, data=form.cleaned_data
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                return render(
                    request,
                    "registry/request_sent.html",
                    {
                        "explanation": created,
                        "record": record,
                        "follow_url": reverse("registry:request_follow", args=[created.token]),
                        "crumbs": _record_crumbs(record, _("Demande envoyée")),
                    },
                )
        if status == 200:
            status = INVALID
    settings_row = request_services.organisation_settings(record.organisation)
    return render(
        request,
        "registry/request_form.html",
        {
            "record": record,
            "form": form,
            "delay_days": settings_row.response_days,
            "crumbs": _record_crumbs(record, _("Demander une explication")),
        },
        status=status,
    )


def request_follow(request, token: str):
    """The requester's private page (the link is the secret): status, deadline, answer."""
    try:
        explanation = ExplanationRequest.objects.select_related(
            "record", "record__organisation"
        ).get(token=token)
    except ExplanationRequest.DoesNotExist as exc:
        raise Http404(_("Cette demande n'existe pas ou a été effacée.")) from exc
    response = render(
        request,
        "registry/request_follow.html",
        {
            "explanation": explanation,
            "record": explanation.record,
            "crumbs": home_crumbs((_("Suivi de votre demande"), None)),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def report_create(request, public_id: str):
    record = selectors.get_public_record(public_id)
    form = ErrorReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_spam():
            messages.success(request, _("Merci : votre signalement est transmis."))
            return redirect(record.get_absolute_url())
        if not throttle.allow(request, "report"):
            form.add_error(
                None,
                _("Trop de signalements envoyés depuis votre connexion. Réessayez dans une heure."),
            )
            status = TOO_MANY
        elif form.is_valid():
            request_services.error_report_create(
                record=record,
                message=form.cleaned_data["message"],
                email=form.cleaned_data["email"],
            )
            messages.success(
                request,
                _(
                    "Merci : votre signalement est transmis à %(org)s. Sa réponse sera publiée sur cette page."
                )
                % {"org": record.organisation.name},
            )
            return redirect(record.get_absolute_url())
        if status == 200:
            status = INVALID
    return render(
        request,
        "registry/report_form.html",
        {
            "record": record,
            "form": form,
            "crumbs": _record_crumbs(record, _("Signaler une erreur")),
        },
        status=status,
    )


# --- Organisation side ---------------------------------------------------------------------


def manage_crumbs(*last):
    return home_crumbs(
        (_("Gestion du registre"), reverse("registry:dashboard") if last else None), *last
    )


@login_required
def request_queue(request):
    today = timezone.localdate()
    requests = list(selectors.request_queue(request.user))
    for item in requests:
        item.late_days = (
            deadlines.days_late(item.due_date, today)
            if item.status in (RequestStatus.RECEIVED, RequestStatus.ASSIGNED)
            else 0
        )
    return render(
        request,
        "registry/request_queue.html",
        {
            "requests": requests,
            "reports": list(selectors.open_reports(request.user)),
            "managed": [
                organisation
                for organisation in selectors.member_organisations(request.user)
                if request.user.active_roles().get(organisation.pk) == MemberRole.MANAGER
            ],
            "crumbs": manage_crumbs((_("Demandes et signalements"), None)),
        },
    )


def _members(organisation):
    return User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__status=MembershipStatus.ACTIVE,
        memberships__role__in=[MemberRole.EDITOR, MemberRole.MANAGER],
    ).order_by("full_name")


@login_required
def request_detail(request, pk: int):
    explanation = selectors.get_request_for_user(request.user, pk)
    answer_form = AnswerForm(instance=explanation)
    assign_form = AssignForm(members=_members(explanation.record.organisation))
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "assign":
                assign_form = AssignForm(
                    request.POST, members=_members(explanation.record.organisation)
                )
                if assign_form.is_valid():
                    request_services.explanation_request_assign(
                        user=request.user,
                        request=explanation,
                        assignee=assign_form.cleaned_data["assignee"],
                    )
                    messages.success(request, _("La demande est confiée."))
                    return redirect("registry:request_detail", pk=pk)
            elif request.POST.get("action") == "close":
                request_services.explanation_request_close(user=request.user, request=explanation)
                messages.success(request, _("La demande est close."))
                return redirect("registry:request_queue")
            else:
                answer_form = AnswerForm(
                    request.POST, instance=ExplanationRequest.objects.get(pk=pk)
                )
                if answer_form.is_valid():
                    request_services.explanation_request_answer(
                        user=request.user,
                        request=explanation,
                        answers=answer_form.cleaned_data,
                        follow_url=request.build_absolute_uri(
                            reverse("registry:request_follow", args=[explanation.token])
                        ),
                    )
                    messages.success(request, _("La réponse est envoyée au demandeur."))
                    return redirect("registry:request_queue")
        except services.WorkflowError as error:
            messages.error(request, str(error))
            return redirect("registry:request_detail", pk=pk)
        status = INVALID
    return render(
        request,
        "registry/request_detail.html",
        {
            "explanation": explanation,
            "answer_form": answer_form,
            "assign_form": assign_form,
            "late_days": deadlines.days_late(explanation.due_date, timezone.localdate()),
            "crumbs": manage_crumbs(
                (_("Demandes et signalements"), reverse("registry:request_queue")),
                (_("Demande sur %(id)s") % {"id": explanation.record.public_id}, None),
            ),
        },
        status=status,
    )


@login_required
def report_answer(request, pk: int):
    report = selectors.get_report_for_user(request.user, pk)
    form = ReportAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                request_services.error_report_answer(
                    user=request.user,
                    report=report,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["public_answer"],
                )
            except ValidationError as error:
                _service_errors(form, error)
            else:
                messages.success(request, _("La réponse est publiée sur la fiche."))
                return redirect("registry:request_queue")
        status = INVALID
    return render(
        request,
        "registry/report_answer.html",
        {
            "report": report,
            "form": form,
            "crumbs": manage_crumbs(
                (_("Demandes et signalements"), reverse("registry:request_queue")),
                (_("Signalement sur %(id)s") % {"id": report.record.public_id}, None),
            ),
        },
        status=status,
    )
