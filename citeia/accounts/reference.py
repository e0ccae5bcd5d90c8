"""The public authorities of the default territory as organisations.

Takes model classes so that the data migration can pass historical models.
"""

import json

from django.utils.text import slugify

from citeia.territory.reference import DATA_DIR


def create_public_organisations(organisation_model, territory_model, commune_model) -> None:
    """The metropolis, its EPT and its communes. Idempotent."""
    metropole = json.loads((DATA_DIR / "metropole.json").read_text(encoding="utf-8"))
    organisation_model.objects.update_or_create(
        slug=slugify(metropole["name"]),
        defaults={"name": metropole["name"], "kind": "metropole", "siren": metropole["siren"]},
    )
    for territory in territory_model.objects.filter(kind="ept"):
        organisation_model.objects.update_or_create(
            slug="ept-" + slugify(territory.name),
            defaults={
                "name": territory.name,
                "kind": "ept",
                "siren": territory.siren,
                "territory": territory,
            },
        )
    # A territory of kind "commune" (Paris) is the commune itself: its SIREN goes to the commune.
    commune_sirens = {
        territory.seat_id: territory.siren
        for territory in territory_model.objects.filter(kind="commune")
    }
    for commune in commune_model.objects.all():
        organisation_model.objects.update_or_create(
            slug=slugify(commune.name),
            defaults={
                "name": commune.name
                if commune.pk not in commune_sirens
                else f"Ville de {commune.name}",
                "kind": "commune",
                "siren": commune_sirens.get(commune.pk, ""),
                "territory_id": commune.territory_id,
                "commune": commune,
            },
        )
