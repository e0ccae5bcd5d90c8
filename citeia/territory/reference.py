"""Load the shipped reference data (data/, see data/SOURCES.md) into the database.

Takes the model classes as arguments so that data migrations can pass their
historical models (`apps.get_model`).
"""

import csv
import json
from pathlib import Path

from .geo import path_and_box, rings_of

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_territories() -> list[dict[str, str]]:
    with open(DATA_DIR / "mgp_territories.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_communes() -> list[dict[str, str]]:
    with open(DATA_DIR / "mgp_communes.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_boundaries() -> dict[str, dict[str, object]]:
    with open(DATA_DIR / "mgp_communes.geojson", encoding="utf-8") as handle:
        collection = json.load(handle)
    return {
        feature["properties"]["insee_code"]: feature["geometry"]
        for feature in collection["features"]
    }


def load_reference_data(territory_model, commune_model) -> None:
    """Create or update the territories and communes. Idempotent."""
    territories = {}
    for row in read_territories():
        territory, _ = territory_model.objects.update_or_create(
            code=row["territory_code"],
            defaults={
                "number": int(row["territory_code"].removeprefix("T")),
                "name": row["name"],
                "siren": row["siren"],
                "kind": row["kind"],
            },
        )
        territories[territory.code] = (territory, row["seat_commune_insee"])

    boundaries = read_boundaries()
    communes = {}
    for row in read_communes():
        svg_path, box = path_and_box(rings_of(boundaries[row["insee_code"]]))
        commune, _ = commune_model.objects.update_or_create(
            insee_code=row["insee_code"],
            defaults={
                "name": row["name"],
                "department_code": row["department_code"],
                "territory": territories[row["territory_code"]][0],
                "population": int(row["population"]),
                "population_year": int(row["population_year"]),
                "svg_path": svg_path,
                "box_min_x": box.min_x,
                "box_min_y": box.min_y,
                "box_max_x": box.max_x,
                "box_max_y": box.max_y,
            },
        )
        communes[commune.insee_code] = commune

    for territory, seat_insee in territories.values():
        territory.seat = communes[seat_insee]
        territory.save(update_fields=["seat"])
