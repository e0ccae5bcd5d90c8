"""Review reminders and the link checker (a local HTTP server: tests never reach the network)."""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import Client

from citeia.registry import upkeep
from citeia.registry.models import Record

from .registry_factories import make_published


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        if self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(200 if self.path.startswith("/ok") else 404)
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.end_headers()

    def log_message(self, *args):
        """Keep the test output quiet: no access log."""


@pytest.fixture
def local_server():
    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_broken_links_are_flagged_on_the_dashboard(local_server, commune_org, make_user):
    record = make_published(
        commune_org,
        public_page_url=f"{local_server}/ok",
        legal_basis_url=f"{local_server}/missing",
        source_code_url=f"{local_server}/no-head",
        dpia_url="http://127.0.0.1:9/closed",
    )
    assert upkeep.links_check(timeout=2) == 2
    record.refresh_from_db()
    broken = {item["field"]: item["status"] for item in record.link_check["broken"]}
    assert broken["legal_basis_url"] == 404
    assert "dpia_url" in broken
    assert "public_page_url" not in broken and "source_code_url" not in broken
    client = Client()
    client.force_login(make_user("editor", commune_org))
    assert "2 liens cassés" in client.get("/registre/gestion/").content.decode()


def test_overdue_records_get_one_reminder_a_week(
    commune_org, make_user, django_capture_on_commit_callbacks
):
    editor = make_user("editor", commune_org)
    overdue = make_published(commune_org, next_review=datetime.date(2026, 1, 1))
    make_published(commune_org, name="À jour", next_review=datetime.date(2099, 1, 1))
    today = datetime.date(2026, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert upkeep.review_reminders_send(today=today) == 1
    (message,) = mail.outbox
    assert message.to == [editor.email]
    assert overdue.public_id in message.body and "À jour" not in message.body
    with django_capture_on_commit_callbacks(execute=True):
        assert upkeep.review_reminders_send(today=today + datetime.timedelta(days=3)) == 0
        assert upkeep.review_reminders_send(today=today + datetime.timedelta(days=7)) == 1
    assert Record.objects.get(pk=overdue.pk).review_reminder_sent_on == today + datetime.timedelta(
        days=7
    )


def test_overdue_flag_on_the_dashboard(commune_org, make_user):
    make_published(commune_org, next_review=datetime.date(2020, 5, 4))
    client = Client()
    client.force_login(make_user("editor", commune_org))
    assert "À revoir depuis le 04/05/2020" in client.get("/registre/gestion/").content.decode()


def test_link_check_is_off_unless_enabled(settings):
    settings.REGISTRY_LINK_CHECK = False
    assert not upkeep.link_check_enabled()
    settings.REGISTRY_LINK_CHECK = True
    assert upkeep.link_check_enabled()
