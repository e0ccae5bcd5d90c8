"""Broken links on the public record page and in the public API: the link checker runs
against a local HTTP server (tests never reach the network); anonymous visitors see the
flag, next to the link concerned."""

import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format

from citeia.registry import upkeep

from .registry_factories import make_published, republish

FLAG = "Lien inaccessible lors de la vérification du"


class Handler(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path.startswith("/ok") else 404)
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


def _field_block(page: str, url: str) -> str:
    """The <dd> that holds the link to `url`."""
    match = re.search(r"<dd>((?:(?!</dd>).)*?" + re.escape(url) + r".*?)</dd>", page, re.S)
    assert match, f"{url} is not on the page"
    return match.group(1)


def test_broken_link_is_flagged_to_anonymous_visitors_next_to_the_link(local_server, commune_org):
    record = make_published(
        commune_org,
        public_page_url=f"{local_server}/ok",
        legal_basis_url=f"{local_server}/missing",
    )
    assert upkeep.links_check(timeout=2) == 1
    page = Client().get(record.get_absolute_url()).content.decode()
    today = date_format(timezone.localdate(), "j F Y")
    broken = _field_block(page, f"{local_server}/missing")
    assert f"{FLAG} {today}" in broken
    assert 'aria-describedby="lien-casse-legal_basis_url"' in broken
    assert FLAG not in _field_block(page, f"{local_server}/ok")
    assert page.count(FLAG) == 1


def test_record_without_broken_link_shows_no_flag(local_server, commune_org):
    record = make_published(commune_org, public_page_url=f"{local_server}/ok")
    assert upkeep.links_check(timeout=2) == 0
    page = Client().get(record.get_absolute_url()).content.decode()
    assert f"{local_server}/ok" in page
    assert FLAG not in page
    detail = Client().get(f"/api/register/records/{record.public_id}").json()
    assert detail["broken_links"] == []


def test_public_api_detail_lists_broken_links(local_server, commune_org):
    record = make_published(commune_org, dpia_url=f"{local_server}/gone")
    upkeep.links_check(timeout=2)
    response = Client().get(f"/api/register/records/{record.public_id}")
    assert response.status_code == 200
    (link,) = response.json()["broken_links"]
    assert link["field"] == "dpia_url"
    assert link["url"] == f"{local_server}/gone"
    assert link["status"] == "404"
    checked_at = parse_datetime(link["checked_at"])
    assert abs((timezone.now() - checked_at).total_seconds()) < 600
    # The list and history keep their shape: the flag is about the version in force.
    listed = Client().get("/api/register/records").json()["items"]
    assert all("broken_links" not in item for item in listed)


def test_link_changed_since_the_check_is_no_longer_flagged(local_server, commune_org):
    record = make_published(commune_org, legal_basis_url=f"{local_server}/missing")
    upkeep.links_check(timeout=2)
    assert FLAG in Client().get(record.get_absolute_url()).content.decode()
    republish(record, legal_basis_url=f"{local_server}/ok-now")
    page = Client().get(record.get_absolute_url()).content.decode()
    assert f"{local_server}/ok-now" in page and FLAG not in page
    detail = Client().get(f"/api/register/records/{record.public_id}").json()
    assert detail["broken_links"] == []
