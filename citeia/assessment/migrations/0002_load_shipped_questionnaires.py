"""Load the shipped frugality and trust questionnaires (version 1) as the current versions.

The JSON files are read by path (not through app code) so that the migration keeps
working whatever later versions of the loader become.
"""

import json
from pathlib import Path

from django.db import migrations
from django.utils import timezone

APP_DIR = Path(__file__).resolve().parent.parent
SHIPPED = {
    "frugality": APP_DIR / "frugality" / "data" / "frugality-v1.json",
    "trust": APP_DIR / "trust" / "data" / "trust-v1.json",
}


def load(apps, schema_editor):
    Questionnaire = apps.get_model("assessment", "Questionnaire")
    now = timezone.now()
    for kind, path in SHIPPED.items():
        if not path.exists():
            continue
        content = json.loads(path.read_text(encoding="utf-8"))
        version = str(content.get("version") or "1")
        if Questionnaire.objects.filter(kind=kind, version=version).exists():
            continue
        Questionnaire.objects.filter(kind=kind, is_current=True).update(is_current=False)
        Questionnaire.objects.create(
            kind=kind,
            version=version,
            content=content,
            is_current=True,
            published_at=now,
            notes="Version livrée avec Cité IA.",
        )


def unload(apps, schema_editor):
    apps.get_model("assessment", "Questionnaire").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
