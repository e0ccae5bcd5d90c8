"""The organisation's side of the register: dashboard, record form with the readability
indicator, and the workflow (submit, send back, publish, retire, archive)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from citeia.core.permissions import Action, can

from .. import importers, readability, request_services, schema, selectors, services
from ..forms import MessageForm, PublishForm, RecordForm, SolutionField
from ..models import RecordStatus, RegisterSettings
from .requests import INVALID, _service_errors, manage_crumbs

CONFLICT = 409
STATUS_BADGES = {
    RecordStatus.DRAFT: "badge-neutral",
    RecordStatus.IN_REVIEW: "badge-warn",
    RecordStatus.PUBLISHED: "badge-ok",
    RecordStatus.RETIRED: "badge-neutral",
    RecordStatus.ARCHIVED: "badge-neutral",
}
LEVEL_LABELS = {
    "very_easy": gettext_lazy("très facile"),
    "easy": gettext_lazy("facile"),
    "fairly_easy": gettext_lazy("assez facile"),
    "standard": gettext_lazy("standard"),
    "fairly_hard": gettext_lazy("assez difficile"),
    "hard": gettext_lazy("difficile"),
    "very_hard": gettext_lazy("très difficile"),
}


class OrganisationChoice(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation qui utilise l'algorithme"), queryset=None
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


def readability_context(text: str) -> dict:
    result = readability.analyse(text or "")
    return {
        "readability": result,
        "level_label": LEVEL_LABELS[result.level],
        "target_score": readability.TARGET_SCORE,
        "target_sentence": readability.TARGET_SENTENCE_WORDS,
        "target_long": int(readability.TARGET_LONG_WORD_SHARE * 100),
        "long_percent": round(result.long_word_share * 100),
    }


@login_required
def dashboard(request):
    records = list(selectors.dashboard_records(request.user))
    today = timezone.localdate()
    for record in records:
        record.badge = STATUS_BADGES.get(record.status, "badge-neutral")
        record.overdue = record.current_version is not None and selectors.review_overdue(
            record.current_version, today
        )
        record.broken_links = list((record.link_check or {}).get("broken", []))
        record.may_edit = record.status in services.EDITABLE and can(
            request.user, Action.CHANGE, record
        )
        record.may_publish = record.status == RecordStatus.IN_REVIEW and can(
            request.user, Action.PUBLISH, record
        )
    return render(
        request,
        "registry/dashboard.html",
        {
            "records": records,
            "may_create": selectors.editable_organisations(request.user).exists(),
            "open_requests": selectors.request_queue(request.user)
            .filter(status__in=["received", "assigned"])
            .count(),
            "crumbs": manage_crumbs(),
        },
    )


def _form_page(request, form, *, record=None, org_form=None, status=200, prefill=None):
    """`prefill`: (identifier asked for, error) of the create page's pre-fill form."""
    title = (
        _("Modifier « %(name)s »") % {"name": record.name}
        if record
        else _("Déclarer un algorithme")
    )
    context = {
        "form": form,
        "org_form": org_form,
        "record": record,
        "title": title,
        "summary_max": 280,
        "prefill_value": prefill[0] if prefill else "",
        "prefill_error": prefill[1] if prefill else "",
        # On the create page, a chosen solution may also pre-fill the new record.
        "prefill_allowed": record is None,
        "crumbs": manage_crumbs((title, None)),
    }
    context.update(readability_context(form["description"].value() or ""))
    context["ai_act"] = services.ai_act_summary(record) if record else None
    return render(request, "registry/record_form.html", context, status=status)


@login_required
def record_create(request):
    organisations = selectors.editable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(
            _("Seuls les éditeurs et gestionnaires d'une collectivité déclarent des algorithmes.")
        )
    solutions = selectors.choosable_solutions()
    if request.method != "POST":
        initial, error = {}, ""
        asked = request.GET.get("solution", "")[:300]
        if asked.strip():
            try:
                solution = SolutionField(solutions=solutions).clean(asked)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                initial = services.prefill_from_solution(solution)
        return _form_page(
            request,
            RecordForm(initial=initial, solutions=solutions),
            org_form=OrganisationChoice(organisations=organisations),
            prefill=(asked, error),
            status=INVALID if error else 200,
        )
    form = RecordForm(request.POST, solutions=solutions)
    org_form = OrganisationChoice(request.POST, organisations=organisations)
    if form.is_valid() and org_form.is_valid():
        try:
            record = services.record_create(
                user=request.user,
                organisation=org_form.cleaned_data["organisation"],
                data=form.record_data(),
                withheld=form.withheld(),
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(
                request,
                _("Brouillon enregistré sous l'identifiant %(id)s.") % {"id": record.public_id},
            )
            return redirect("registry:record_edit", public_id=record.public_id)
    return _form_page(request, form, org_form=org_form, status=INVALID)


@login_required
def record_edit(request, public_id: str):
    record = selectors.get_record_for_user(request.user, public_id, write=True)
    solutions = selectors.choosable_solutions()
    if request.method != "POST":
        return _form_page(request, RecordForm(instance=record, solutions=solutions), record=record)
    form = RecordForm(request.POST, instance=record, solutions=solutions)
    if record.status not in services.EDITABLE:
        form.add_error(None, _("Une fiche en relecture, retirée ou archivée ne se modifie pas."))
        return _form_page(request, form, record=record, status=CONFLICT)
    if form.is_valid():
        try:
            services.record_update(
                user=request.user,
                record=record,
                data=form.record_data(),
                withheld=form.withheld(),
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect("registry:record_edit", public_id=record.public_id)
    return _form_page(request, form, record=record, status=INVALID)


@login_required
@require_POST
def readability_check(request):
    """htmx: the readability indicator of the description being typed."""
    return render(
        request,
        "registry/includes/readability.html",
        readability_context(request.POST.get("description", "")[:20000]),
    )


def _refused(request, record, message: str, status: int = CONFLICT):
    return render(
        request,
        "registry/refused.html",
        {
            "record": record,
            "message": message,
            "crumbs": manage_crumbs((record.name, None)),
        },
        status=status,
    )


@login_required
@require_POST
def record_submit(request, public_id: str):
    record = selectors.get_record_for_user(request.user, public_id, write=True)
    try:
        services.record_submit(user=request.user, record=record)
    except services.WorkflowError as error:
        return _refused(request, record, str(error))
    except ValidationError as error:
        return _refused(request, record, " ".join(error.messages), status=INVALID)
    messages.success(request, _("« %(name)s » est soumise à la relecture.") % {"name": record.name})
    return redirect("registry:dashboard")


@login_required
def record_review(request, public_id: str):
    """The reviewer's page: the working copy as it would be published, publish or send back."""
    record = selectors.get_record_for_user(request.user, public_id)
    if not can(request.user, Action.PUBLISH, record):
        raise PermissionDenied
    publish_form = PublishForm(request.POST or None)
    back_form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "send_back":
                if back_form.is_valid():
                    services.record_send_back(
                        user=request.user, record=record, message=back_form.cleaned_data["message"]
                    )
                    messages.success(request, _("La fiche est renvoyée en brouillon."))
                    return redirect("registry:dashboard")
                publish_form = PublishForm()
            else:
                if publish_form.is_valid():
                    services.record_publish(
                        user=request.user, record=record, note=publish_form.cleaned_data["note"]
                    )
                    messages.success(
                        request, _("« %(name)s » est publiée.") % {"name": record.name}
                    )
                    return redirect(record.get_absolute_url())
                back_form = MessageForm()
        except services.WorkflowError as error:
            return _refused(request, record, str(error))
        except ValidationError as error:
            return _refused(request, record, " ".join(error.messages), status=INVALID)
        status = INVALID
    else:
        back_form = MessageForm()
    ai_act = services.ai_act_summary(record)
    snap = schema.snapshot(record, ai_act=ai_act)
    return render(
        request,
        "registry/review.html",
        {
            "record": record,
            "snap": snap,
            "sections": schema.shown_sections(snap),
            "missing": [schema.field_label(name) for name in schema.missing_fields(record)],
            "publish_form": publish_form,
            "back_form": back_form,
            "changes": schema.diff(record.current_version.snapshot, snap)
            if record.current_version
            else None,
            "crumbs": manage_crumbs((record.name, None)),
        },
        status=status,
    )


@login_required
def record_retire(request, public_id: str):
    record = selectors.get_record_for_user(request.user, public_id)
    if not can(request.user, Action.PUBLISH, record):
        raise PermissionDenied
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.record_retire(
                    user=request.user, record=record, note=form.cleaned_data["message"]
                )
            except services.WorkflowError as error:
                return _refused(request, record, str(error))
            messages.success(request, _("« %(name)s » est retirée.") % {"name": record.name})
            return redirect(record.get_absolute_url())
        status = INVALID
    return render(
        request,
        "registry/retire.html",
        {"record": record, "form": form, "crumbs": manage_crumbs((record.name, None))},
        status=status,
    )


@login_required
@require_POST
def record_archive(request, public_id: str):
    record = selectors.get_record_for_user(request.user, public_id)
    try:
        services.record_archive(user=request.user, record=record)
    except services.WorkflowError as error:
        return _refused(request, record, str(error))
    messages.success(request, _("« %(name)s » est archivée.") % {"name": record.name})
    return redirect(reverse("registry:dashboard"))


@login_required
@require_POST
def record_assessment(request, public_id: str):
    """Open (and link on first use) the record's AI Act assessment file."""
    record = selectors.get_record_for_user(request.user, public_id, write=True)
    assessment_file = services.record_link_assessment(user=request.user, record=record)
    return redirect(assessment_file.get_absolute_url())


class ImportForm(OrganisationChoice):
    fmt = forms.ChoiceField(
        label=gettext_lazy("Format du fichier"),
        choices=[
            ("citeia", gettext_lazy("Cité IA (export JSON du registre)")),
            (
                "nl",
                gettext_lazy("Algoritmeregister néerlandais, standard de publication 1.0 (JSON)"),
            ),
            ("uk", gettext_lazy("Modèle britannique ATRS (JSON)")),
        ],
    )
    file = forms.FileField(
        label=gettext_lazy("Fichier JSON"),
        help_text=gettext_lazy("2 Mo au plus ; un objet par fiche, ou une liste d'objets."),
    )


@login_required
def record_import(request):
    organisations = selectors.editable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, organisations=organisations)
    report = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > importers.MAX_BYTES:
                form.add_error("file", _("Le fichier dépasse 2 Mo."))
            else:
                try:
                    report = importers.import_records(
                        user=request.user,
                        organisation=form.cleaned_data["organisation"],
                        fmt=form.cleaned_data["fmt"],
                        raw=upload.read(),
                    )
                except importers.ImportFormatError as error:
                    form.add_error("file", str(error))
        if report is None or report.failed:
            status = INVALID
    return render(
        request,
        "registry/import.html",
        {
            "form": form,
            "report": report,
            "crumbs": manage_crumbs((_("Importer des fiches"), None)),
        },
        status=status,
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RegisterSettings
        fields = ["response_days", "retention_days"]


@login_required
def register_settings(request, slug: str):
    """A manager sets the organisation's response time and retention of requesters' data."""
    organisation = selectors.register_organisation(slug)
    if not can(request.user, Action.MANAGE_MEMBERS, organisation):
        raise PermissionDenied
    instance = request_services.organisation_settings(organisation)
    form = SettingsForm(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            request_services.register_settings_save(
                user=request.user, organisation=organisation, data=form.cleaned_data
            )
            messages.success(request, _("Réglages enregistrés."))
            return redirect("registry:settings", slug=slug)
        status = INVALID
    return render(
        request,
        "registry/settings.html",
        {
            "organisation": organisation,
            "form": form,
            "crumbs": manage_crumbs((_("Réglages de %(org)s") % {"org": organisation.name}, None)),
        },
        status=status,
    )
