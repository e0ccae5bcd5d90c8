"""Index the organisations created by accounts' migrations (name A, description C),
as `OrganisationSearchIndex` in citeia/accounts/selectors.py does afterwards."""

from django.db import migrations


def index_organisations(apps, schema_editor):
    from citeia.core.search import write_documents

    using = schema_editor.connection.alias
    organisation_model = apps.get_model("accounts", "Organisation")
    content_type, _created = (
        apps.get_model("contenttypes", "ContentType")
        .objects.using(using)
        .get_or_create(app_label="accounts", model="organisation")
    )
    rows = [
        (pk, {"A": name, "C": description})
        for pk, name, description in organisation_model.objects.using(using).values_list(
            "pk", "name", "description"
        )
    ]
    write_documents(
        apps.get_model("core", "SearchDocument"), content_type.pk, rows, using=using
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0002_create_public_organisations"),
        ("core", "0003_search_backends"),
    ]

    operations = [migrations.RunPython(index_organisations, migrations.RunPython.noop)]
