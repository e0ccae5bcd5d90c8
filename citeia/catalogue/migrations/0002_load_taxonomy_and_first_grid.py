from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from citeia.catalogue.reference import load_grid, load_taxonomy

    load_taxonomy(
        apps.get_model("catalogue", "Domain"),
        apps.get_model("catalogue", "Technique"),
        apps.get_model("catalogue", "Network"),
        apps.get_model("catalogue", "PurchasingCentral"),
    )
    load_grid(
        apps.get_model("catalogue", "GridVersion"),
        apps.get_model("catalogue", "Criterion"),
        apps.get_model("catalogue", "RubricLevel"),
        now=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
