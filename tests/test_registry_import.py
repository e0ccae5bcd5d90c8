"""Imports: our own export (round trip), the Dutch standard 1.0, the UK ATRS template;
bad files; all-or-nothing per record; the upload page and its permissions."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from citeia.registry import importers
from citeia.registry.models import Record, RecordStatus
from citeia.registry.schema import FIELDS

from .registry_factories import admin_user, make_published

SAMPLES = Path(__file__).resolve().parent.parent / "citeia" / "registry" / "data" / "samples"


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


def test_round_trip_of_our_own_json_export(client, commune_org, other_commune_org):
    original = make_published(commune_org, cost="Secret", withheld={"cost": "l311_6_business"})
    exported = _body(client.get(f"/registre/fiches/{original.public_id}.json"))
    report = importers.import_records(
        user=admin_user(), organisation=other_commune_org, fmt="citeia", raw=exported.encode()
    )
    assert report.created == 1 and report.failed == 0
    entry = report.records[0]
    assert entry.unmapped == []
    assert "public_id" in entry.not_imported
    copy = Record.objects.get(public_id=entry.public_id)
    assert copy.public_id.startswith("CIA-92002-")
    assert copy.status == RecordStatus.DRAFT
    assert copy.withheld == {"cost": "l311_6_business"}
    for name in FIELDS:
        if name == "cost":
            continue  # withheld: its content never left the platform
        assert getattr(copy, name) == getattr(original, name), name


def test_dutch_standard_sample_maps_fields_and_reports_the_rest(commune_org):
    raw = (SAMPLES / "algoritmeregister-1.0.json").read_bytes()
    report = importers.import_records(
        user=admin_user(), organisation=commune_org, fmt="nl", raw=raw
    )
    first, second = report.records
    assert first.ok, first.errors
    record = Record.objects.get(public_id=first.public_id)
    assert record.summary.startswith("Bepaalt de volgorde")
    assert record.technique == "rules"
    assert record.lifecycle == "in_use"
    assert record.legal_basis == "Parkeerverordening"
    assert record.keywords == "parkeren, wachtlijst"
    assert str(record.in_use_since) == "2023-04-01"
    assert first.unmapped == ["kleur_van_het_logo"]
    assert "iama" in first.not_imported and "category" in first.not_imported
    # The second has an invalid date: refused entirely, nothing of it saved.
    assert not second.ok
    assert any("in_use_since" in error for error in second.errors)
    assert not Record.objects.filter(name="Voorspelling afvalinzameling").exists()


def test_uk_atrs_sample_is_read_across_tiers(commune_org):
    raw = (SAMPLES / "atrs.json").read_bytes()
    report = importers.import_records(
        user=admin_user(), organisation=commune_org, fmt="uk", raw=raw
    )
    (entry,) = report.records
    assert entry.ok, entry.errors
    record = Record.objects.get(public_id=entry.public_id)
    assert record.accountable_role == "Head of Housing"
    assert record.lifecycle == "in_use"
    assert record.human_oversight == "Every priority is reviewed by an officer."
    assert entry.unmapped == ["favourite_colour"]
    assert "model_name" in entry.not_imported


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"not json", "JSON"),
        (b"[1, 2]", "un objet JSON par fiche"),
        (b"\xff\xfe", "UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(commune_org, raw, message):
    with pytest.raises(importers.ImportFormatError) as error:
        importers.import_records(user=admin_user(), organisation=commune_org, fmt="nl", raw=raw)
    assert message in str(error.value)
    assert not Record.objects.exists()


def test_import_page_for_editors_only(commune_org, other_commune_org, make_user):
    client = Client()
    client.force_login(make_user("editor", commune_org))
    upload = SimpleUploadedFile("nl.json", (SAMPLES / "algoritmeregister-1.0.json").read_bytes())
    response = client.post(
        "/registre/gestion/import/",
        {"organisation": commune_org.pk, "fmt": "nl", "file": upload},
    )
    assert response.status_code == 422  # one of the two records was refused
    text = response.content.decode()
    assert "1 fiche(s) importée(s), 1 refusée(s)" in text
    assert "kleur_van_het_logo" in text
    # An editor cannot import into another commune.
    upload = SimpleUploadedFile("nl.json", b"{}")
    response = client.post(
        "/registre/gestion/import/",
        {"organisation": other_commune_org.pk, "fmt": "nl", "file": upload},
    )
    assert response.status_code == 422
    assert not Record.objects.filter(organisation=other_commune_org).exists()
    member = Client()
    member.force_login(make_user("member", commune_org))
    assert member.get("/registre/gestion/import/").status_code == 403


def test_wrong_format_file_on_the_page_says_why(commune_org, make_user):
    client = Client()
    client.force_login(make_user("editor", commune_org))
    upload = SimpleUploadedFile("x.json", b"<html>")
    response = client.post(
        "/registre/gestion/import/", {"organisation": commune_org.pk, "fmt": "uk", "file": upload}
    )
    assert response.status_code == 422
    assert "pas du JSON" in response.content.decode()
    json.dumps({})
