"""The register's demo content covers what the issue asks for, and loads once."""

from django.db.models import Count

from citeia.registry.demo import load_demo_registry
from citeia.registry.models import ExplanationRequest, Record, RecordVersion
from citeia.territory.models import Territory


def test_demo_register_covers_every_case(db):
    counts = load_demo_registry()
    assert counts["records"] >= 30
    assert counts["organisations"] >= 15
    records = Record.objects.filter(is_demo=True).select_related("organisation")
    statuses = set(records.values_list("status", flat=True))
    assert statuses == {"draft", "in_review", "published", "retired", "archived"}
    assert {"rules", "ml"} <= set(records.values_list("technique", flat=True))
    assert {"individual", "none"} <= set(records.values_list("decision_type", flat=True))
    assert any(record.withheld for record in records)
    territories = {
        record.organisation.territory_id
        or (record.organisation.commune and record.organisation.commune.territory_id)
        for record in records
        if record.organisation.kind != "metropole"
    }
    assert territories >= set(Territory.objects.values_list("pk", flat=True))
    assert records.filter(organisation__kind="metropole").exists()
    versions = RecordVersion.objects.values("record").annotate(n=Count("pk"))
    assert max(row["n"] for row in versions) >= 3
    # A published record with edits not yet published.
    assert records.filter(status="draft", current_version__isnull=False).exists()
    requests = ExplanationRequest.objects.filter(is_demo=True)
    assert set(requests.values_list("status", flat=True)) == {
        "received",
        "assigned",
        "answered",
        "closed",
    }
    assert requests.filter(personal_data_erased_at__isnull=False).exists()
    assert any(not r.answered_on_time for r in requests.filter(status="answered"))
    assert load_demo_registry() == counts  # idempotent
