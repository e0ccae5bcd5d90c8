from django.db import migrations


def load(apps, schema_editor):
    from citeia.territory.reference import load_reference_data

    load_reference_data(apps.get_model("territory", "Territory"), apps.get_model("territory", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
