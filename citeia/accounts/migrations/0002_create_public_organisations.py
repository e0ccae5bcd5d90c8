from django.db import migrations


def create(apps, schema_editor):
    from citeia.accounts.reference import create_public_organisations

    create_public_organisations(
        apps.get_model("accounts", "Organisation"),
        apps.get_model("territory", "Territory"),
        apps.get_model("territory", "Commune"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("territory", "0002_load_reference_data"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
