import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from citeia.catalogue.models import Solution

pytestmark = pytest.mark.django_db

URL = "/admin/catalogue/solution/importer/"


def _line(**overrides):
    data = {
        "vendor": "demo-import-vendor",
        "name": "Assistant importé",
        "summary": "Un assistant importé par l'administration.",
        "domains": ["relation-citoyen"],
        "techniques": ["langage"],
        "maturity": "pilot",
        "deployment": "saas",
        "personal_data": "none",
        "model_provenance": "own",
        "licence": "MIT",
    }
    data.update(overrides)
    return json.dumps(data, ensure_ascii=False)


@pytest.fixture
def staff(make_user):
    user = make_user("programme_team")
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def vendor():
    from tests.factories import OrganisationFactory

    return OrganisationFactory(slug="demo-import-vendor", name="Vendeur import (démo)")


def test_import_page_reports_bad_lines_with_their_number_and_imports_the_good_ones(
    client, staff, vendor
):
    client.force_login(staff)
    content = "\n".join([_line(), _line(name="Autre", licence="PAS-UNE-LICENCE")]).encode()
    upload = SimpleUploadedFile("solutions.jsonl", content, content_type="application/jsonl")
    response = client.post(URL, {"file": upload})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Ligne 2" in page
    assert Solution.objects.filter(name="Assistant importé").exists()
    assert not Solution.objects.filter(name="Autre").exists()


def test_dry_run_writes_nothing(client, staff, vendor):
    client.force_login(staff)
    upload = SimpleUploadedFile("solutions.jsonl", _line().encode())
    response = client.post(URL, {"file": upload, "dry_run": "on"})
    assert response.status_code == 200
    assert not Solution.objects.filter(name="Assistant importé").exists()


def test_wrong_file_type_is_refused_in_french(client, staff):
    client.force_login(staff)
    upload = SimpleUploadedFile("solutions.xlsx", b"PK\x03\x04")
    response = client.post(URL, {"file": upload})
    assert response.status_code == 422
    assert "JSON Lines" in response.content.decode()


def test_import_page_is_for_the_programme_team_only(client, make_user, commune_org):
    editor = make_user("editor", commune_org)
    editor.is_staff = True
    editor.save()
    client.force_login(editor)
    assert client.get(URL).status_code == 403
