"""Individual explanation requests (R311-3-1-2) and error reports: the public forms, spam
defences, deadlines, the organisation's queue and structured answer, the requester's
notification, retention, public statistics."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from citeia.registry import request_services, selectors, services, tasks
from citeia.registry.models import (
    ErrorReport,
    ExplanationRequest,
    RegisterSettings,
    ReportStatus,
    RequestStatus,
)

from .registry_factories import admin_user, make_published

ANSWERS = {
    "answer_contribution": "L'algorithme a calculé le tarif ; un agent l'a vérifié.",
    "answer_data": "Votre revenu fiscal de référence (avis d'imposition 2025).",
    "answer_parameters": "Revenu de 24 000 € pour 3 parts : tranche B.",
    "answer_operations": "Division du revenu par les parts, lecture de la grille.",
}
FORM = {
    "decision_reference": "CANT-2026-0042",
    "decision_date": "2026-09-01",
    "message": "Mon tarif de cantine a augmenté, je voudrais comprendre pourquoi.",
    "requester_name": "Camille Martin",
    "email": "camille@exemple.test",
}


@pytest.fixture(autouse=True)
def _empty_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def record(commune_org):
    return make_published(commune_org)


def _post(client, record, data):
    return client.post(f"/registre/fiches/{record.public_id}/demande/", data)


def test_a_resident_asks_and_receives_a_structured_answer(
    record, make_user, commune_org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(Client(), record, FORM)
    assert response.status_code == 200
    explanation = ExplanationRequest.objects.get()
    assert explanation.due_date == request_services.deadlines.add_months(timezone.localdate(), 1)
    assert [m.to for m in mail.outbox][-1] == ["camille@exemple.test"]
    follow = f"/registre/demandes/{explanation.token}/"
    assert follow in response.content.decode()
    assert "en cours de traitement" in Client().get(follow).content.decode()

    editor = make_user("editor", commune_org)
    client = Client()
    client.force_login(editor)
    queue = client.get("/registre/gestion/demandes/").content.decode()
    assert record.public_id in queue
    detail = client.get(f"/registre/gestion/demandes/{explanation.pk}/").content.decode()
    assert "Camille Martin" in detail and "camille@exemple.test" in detail
    # All four elements are required.
    incomplete = {**ANSWERS, "answer_parameters": ""}
    response = client.post(f"/registre/gestion/demandes/{explanation.pk}/", incomplete)
    assert response.status_code == 422
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/registre/gestion/demandes/{explanation.pk}/", {**ANSWERS, "action": "answer"}
        )
    assert response.status_code == 302
    explanation.refresh_from_db()
    assert explanation.status == RequestStatus.ANSWERED
    assert explanation.answered_on_time
    (message,) = mail.outbox
    assert message.to == ["camille@exemple.test"]
    for text in ANSWERS.values():
        assert text in message.body
    assert "CADA" in message.body
    page = Client().get(follow).content.decode()
    assert "tranche B" in page


def test_contact_means_are_required(record):
    data = {**FORM, "email": ""}
    response = _post(Client(), record, data)
    assert response.status_code == 422
    assert "adresse e-mail ou une adresse postale" in response.content.decode()
    assert not ExplanationRequest.objects.exists()
    ok = _post(Client(), record, {**data, "postal_address": "1 rue de la Paix, 93100 Montreuil"})
    assert ok.status_code == 200
    assert ExplanationRequest.objects.count() == 1


def test_honeypot_answers_like_a_success_and_saves_nothing(record):
    response = _post(Client(), record, {**FORM, "website": "http://spam.example"})
    assert response.status_code == 200
    assert not ExplanationRequest.objects.exists()


def test_rate_limit_per_address(record, settings):
    settings.REGISTRY_FORM_LIMIT_PER_HOUR = 2
    client = Client()
    assert _post(client, record, FORM).status_code == 200
    assert _post(client, record, FORM).status_code == 200
    response = _post(client, record, FORM)
    assert response.status_code == 429
    assert "Réessayez dans une heure" in response.content.decode()
    assert ExplanationRequest.objects.count() == 2


def test_no_request_form_for_records_without_individual_decisions(commune_org):
    record = make_published(commune_org, decision_type="none", automation="na")
    assert Client().get(f"/registre/fiches/{record.public_id}/demande/").status_code == 404


def test_deadline_is_configurable_per_organisation(record, commune_org):
    RegisterSettings.objects.create(organisation=commune_org, response_days=15)
    now = timezone.now()
    explanation = request_services.explanation_request_create(record=record, data=FORM, now=now)
    assert explanation.due_date == timezone.localdate(now) + datetime.timedelta(days=15)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("member", 403),
        ("editor", 200),
        ("manager", 200),
        ("other_editor", 403),
        ("expert", 403),
        ("programme_team", 403),
        ("administrator", 200),
    ],
)
def test_requesters_personal_data_are_visible_only_to_the_organisation(
    role, status, record, make_user, commune_org, other_commune_org
):
    explanation = request_services.explanation_request_create(record=record, data=FORM)
    client = Client()
    if role != "anonymous":
        if role == "other_editor":
            user = make_user("editor", other_commune_org)
        elif role in ("member", "editor", "manager"):
            user = make_user(role, commune_org)
        else:
            user = make_user(role)
        client.force_login(user)
    response = client.get(f"/registre/gestion/demandes/{explanation.pk}/")
    assert response.status_code == status
    queue = client.get("/registre/gestion/demandes/")
    if queue.status_code == 200:
        assert ("camille" in queue.content.decode().lower()) is False  # the queue shows no names
        # The queue is the organisation's own; administrators reach requests by address.
        assert (record.public_id in queue.content.decode()) == (role in ("editor", "manager"))


def test_assignment_to_a_member_of_the_organisation(record, make_user, commune_org):
    explanation = request_services.explanation_request_create(record=record, data=FORM)
    manager = make_user("manager", commune_org)
    editor = make_user("editor", commune_org)
    client = Client()
    client.force_login(manager)
    response = client.post(
        f"/registre/gestion/demandes/{explanation.pk}/", {"action": "assign", "assignee": editor.pk}
    )
    assert response.status_code == 302
    explanation.refresh_from_db()
    assert explanation.assigned_to == editor
    assert explanation.status == RequestStatus.ASSIGNED


def test_personal_data_are_erased_after_retention_by_the_scheduled_task(record, commune_org):
    RegisterSettings.objects.create(organisation=commune_org, retention_days=30)
    old = request_services.explanation_request_create(record=record, data=FORM)
    request_services.explanation_request_answer(
        user=admin_user(),
        request=old,
        answers=ANSWERS,
        now=timezone.now() - datetime.timedelta(days=31),
    )
    recent = request_services.explanation_request_create(record=record, data=FORM)
    request_services.explanation_request_answer(user=admin_user(), request=recent, answers=ANSWERS)
    pending = request_services.explanation_request_create(record=record, data=FORM)

    result = tasks.erase_expired_requests.enqueue()
    assert result.return_value == 1
    old.refresh_from_db()
    assert old.email == old.requester_name == old.message == old.answer_data == ""
    assert old.personal_data_erased_at is not None
    assert old.status == RequestStatus.ANSWERED  # statistics survive
    recent.refresh_from_db()
    pending.refresh_from_db()
    assert recent.email and pending.email
    assert "effacé" in Client().get(f"/registre/demandes/{old.token}/").content.decode()


def test_daily_command_runs_the_erasure(record, capsys):
    call_command("registry_daily", "--now")
    assert "Demandes effacées : 0" in capsys.readouterr().out
    call_command("registry_daily")
    assert "mises en file" in capsys.readouterr().out


def test_public_statistics_per_organisation(record, commune_org):
    now = timezone.now()
    on_time = request_services.explanation_request_create(
        record=record, data=FORM, now=now - datetime.timedelta(days=40)
    )
    request_services.explanation_request_answer(
        user=admin_user(), request=on_time, answers=ANSWERS, now=now - datetime.timedelta(days=30)
    )
    late = request_services.explanation_request_create(
        record=record, data=FORM, now=now - datetime.timedelta(days=80)
    )
    request_services.explanation_request_answer(
        user=admin_user(), request=late, answers=ANSWERS, now=now - datetime.timedelta(days=30)
    )
    request_services.explanation_request_create(record=record, data=FORM)
    stats = selectors.request_stats(commune_org)
    assert (stats.received, stats.answered, stats.answered_on_time, stats.open) == (3, 2, 1, 1)
    assert stats.median_delay_days == 30.0
    page = Client().get("/registre/organisations/montreuil/").content.decode()
    assert "30 jours" in page
    assert "Camille" not in page


def test_an_answered_request_cannot_be_answered_twice(record):
    explanation = request_services.explanation_request_create(record=record, data=FORM)
    request_services.explanation_request_answer(
        user=admin_user(), request=explanation, answers=ANSWERS
    )
    with pytest.raises(services.WorkflowError):
        request_services.explanation_request_answer(
            user=admin_user(), request=explanation, answers=ANSWERS
        )


# --- Error reports --------------------------------------------------------------------------


def test_anyone_reports_an_error_and_the_answer_is_public(record, make_user, commune_org):
    client = Client()
    url = f"/registre/fiches/{record.public_id}/signaler/"
    assert client.post(url, {"message": ""}).status_code == 422
    response = client.post(
        url, {"message": "Le coût indiqué date de 2024.", "email": "lecteur@exemple.test"}
    )
    assert response.status_code == 302
    report = ErrorReport.objects.get()
    page = Client().get(record.get_absolute_url()).content.decode()
    assert "Le coût indiqué date de 2024." in page
    assert "lecteur@exemple.test" not in page

    editor = make_user("editor", commune_org)
    staff = Client()
    staff.force_login(editor)
    assert (
        staff.post(
            f"/registre/gestion/signalements/{report.pk}/", {"status": "corrected"}
        ).status_code
        == 422
    )
    response = staff.post(
        f"/registre/gestion/signalements/{report.pk}/",
        {"status": "corrected", "public_answer": "Coût mis à jour."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.CORRECTED
    assert "Coût mis à jour." in Client().get(record.get_absolute_url()).content.decode()


def test_another_organisation_cannot_answer_a_report(record, make_user, other_commune_org):
    report = request_services.error_report_create(record=record, message="Erreur")
    client = Client()
    client.force_login(make_user("manager", other_commune_org))
    response = client.post(
        f"/registre/gestion/signalements/{report.pk}/",
        {"status": "declined", "public_answer": "Non."},
    )
    assert response.status_code == 403


def test_report_honeypot_saves_nothing(record):
    response = Client().post(
        f"/registre/fiches/{record.public_id}/signaler/",
        {"message": "Achetez", "website": "x"},
    )
    assert response.status_code == 302
    assert not ErrorReport.objects.exists()


def test_a_manager_sets_the_response_time_and_retention(record, make_user, commune_org):
    manager, editor = make_user("manager", commune_org), make_user("editor", commune_org)
    client = Client()
    client.force_login(manager)
    assert "réglages de Montreuil" in client.get("/registre/gestion/demandes/").content.decode()
    url = "/registre/gestion/reglages/montreuil/"
    assert client.post(url, {"response_days": "", "retention_days": ""}).status_code == 422
    assert client.post(url, {"response_days": "20", "retention_days": "90"}).status_code == 302
    row = RegisterSettings.objects.get(organisation=commune_org)
    assert (row.response_days, row.retention_days) == (20, 90)
    explanation = request_services.explanation_request_create(record=record, data=FORM)
    assert explanation.due_date == timezone.localdate() + datetime.timedelta(days=20)
    other = Client()
    other.force_login(editor)
    assert other.get(url).status_code == 403
