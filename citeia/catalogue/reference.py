"""Load the catalogue's managed lists and the first evaluation grid (data/*.json).

Takes model classes so that the data migration can pass its historical models.
"""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def load_taxonomy(domain_model, technique_model, network_model, central_model) -> None:
    data = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    for position, (slug, name, description) in enumerate(data["domains"]):
        domain_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for position, (slug, name, description) in enumerate(data["techniques"]):
        technique_model.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    for name, slug in data["networks"]:
        network_model.objects.update_or_create(slug=slug, defaults={"name": name})
    for name, slug in data["purchasing_centrals"]:
        central_model.objects.update_or_create(slug=slug, defaults={"name": name})


def load_grid(grid_model, criterion_model, level_model, *, now) -> None:
    data = json.loads((DATA_DIR / "grid_v1.json").read_text(encoding="utf-8"))
    grid, _ = grid_model.objects.update_or_create(
        number=data["version"], defaults={"notes": data["notes"], "published_at": now}
    )
    for item in data["criteria"]:
        criterion, _ = criterion_model.objects.update_or_create(
            grid=grid,
            key=item["key"],
            defaults={
                "axis": item["axis"],
                "name": item["name"],
                "description": item["description"],
                "question": item["question"],
                "position": item["position"],
            },
        )
        for level in item["levels"]:
            level_model.objects.update_or_create(
                criterion=criterion,
                score=level["score"],
                defaults={"label": level["label"], "description": level["description"]},
            )
