"""Datasets: upload checks, encryption at rest, schema, grants and their expiry, access log,
retention, personal-data scan and pseudonymisation."""

from datetime import timedelta

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from citeia.sandbox import crypto, services, storage
from citeia.sandbox.models import AccessAction, Dataset, DatasetAccess, ScanStatus

from .sandbox_factories import (
    benefit_frame,
    csv_bytes,
    upload,
    upload_dataset,
)

pytest_plugins = ["tests.sandbox_factories"]
pytestmark = pytest.mark.usefixtures("sandbox_dir")


def post_dataset(client, organisation, content, *, filename="donnees.csv", sensitivity="personal"):
    return client.post(
        reverse("sandbox:dataset_upload"),
        {
            "name": "Demandes d'aide 2026",
            "organisation": organisation.pk,
            "sensitivity": sensitivity,
            "file": upload(content, filename),
        },
    )


def test_personal_dataset_is_encrypted_at_rest_and_readable_by_the_platform(
    client, editor, commune_org, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    frame = benefit_frame(50)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_dataset(client, commune_org, csv_bytes(frame))
    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sandbox:dataset_detail", args=[dataset.public_id])
    raw = dataset.path.read_bytes()
    assert dataset.encrypted and crypto.is_encrypted(dataset.path)
    assert b"sexe" not in raw and b"eligible" not in raw  # not readable CSV
    with pytest.raises(UnicodeDecodeError):
        raw[len(crypto.MAGIC) :].decode("utf-8")
    pd.testing.assert_frame_equal(services.load_frame(dataset), frame, check_dtype=False)
    assert dataset.row_count == 50
    assert [c["name"] for c in dataset.schema] == ["sexe", "age", "revenu", "eligible"]
    assert dataset.pii_status == ScanStatus.DONE  # the scan task ran on commit


def test_altered_encrypted_file_is_detected(tmp_path):
    key = bytes(32)
    path = tmp_path / "f.enc"
    crypto.encrypt_stream(iter([b"a,b\n1,2\n" * 200_000]), path, key)  # two chunks
    data = bytearray(path.read_bytes())
    assert b"".join(crypto.decrypt_chunks(path, key)) == b"a,b\n1,2\n" * 200_000
    data[-5] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(crypto.DecryptionError):
        b"".join(crypto.decrypt_chunks(path, key))


def test_public_dataset_is_stored_as_is(editor, commune_org):
    dataset = upload_dataset(editor, commune_org, sensitivity="public")
    assert not dataset.encrypted
    assert dataset.path.read_bytes().startswith(b"sexe,age,revenu,eligible")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("nom;âge\nRené;42\n".encode("latin-1"), "n'est pas encodé en UTF-8"),
        (b"a,b,c\n1,2,3\n4,5\n", "Ligne 3 : 2 valeurs au lieu de 3"),
        (b"a,b\n", "aucune ligne de données"),
        (b"\x80\x04\x95binary", "Séparateur introuvable"),
    ],
)
def test_malformed_csv_is_refused_with_a_clear_message_and_nothing_saved(
    client, editor, commune_org, content, message
):
    client.force_login(editor)
    response = post_dataset(client, commune_org, content)
    assert response.status_code == 422
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not Dataset.objects.exists()
    assert not list((storage.directory("datasets")).iterdir())


def test_file_over_the_limit_is_refused(client, editor, commune_org, settings):
    settings.SANDBOX_MAX_UPLOAD_BYTES = 1000
    client.force_login(editor)
    response = post_dataset(client, commune_org, csv_bytes(benefit_frame(400)))
    assert response.status_code == 413
    assert "dépasse la taille maximale" in response.content.decode()
    assert not Dataset.objects.exists()


def test_file_over_the_limit_is_refused_while_streaming(editor, commune_org, settings):
    settings.SANDBOX_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(services.UploadTooLarge):
        upload_dataset(editor, commune_org, benefit_frame(400))
    assert not list(storage.directory("datasets").iterdir())


def test_parquet_upload(editor, commune_org, tmp_path):
    path = tmp_path / "d.parquet"
    benefit_frame(30).to_parquet(path)
    dataset = upload_dataset(
        editor, commune_org, content=path.read_bytes(), filename="d.parquet", sensitivity="internal"
    )
    assert dataset.format == "parquet" and dataset.row_count == 30
    assert len(services.load_frame(dataset)) == 30


def test_other_organisation_sees_nothing_until_granted_and_grant_expires(
    client, editor, commune_org, other_commune_org, make_user
):
    dataset = upload_dataset(editor, commune_org)
    outsider = make_user("member", other_commune_org)
    url = reverse("sandbox:dataset_detail", args=[dataset.public_id])
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert DatasetAccess.objects.filter(dataset=dataset, action=AccessAction.REFUSED).count() == 1

    manager = make_user("manager", commune_org)
    grant = services.dataset_grant(
        user=manager,
        dataset=dataset,
        organisation=other_commune_org,
        expires_at=timezone.now() + timedelta(days=1),
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "Journal des accès" not in response.content.decode()  # the grantee does not manage
    assert DatasetAccess.objects.filter(dataset=dataset, user=outsider, action="view").exists()

    grant.expires_at = timezone.now() - timedelta(seconds=1)
    grant.save()
    assert client.get(url).status_code == 404


def test_editor_cannot_grant_and_manager_grants_through_the_form(
    client, editor, commune_org, other_commune_org, make_user
):
    dataset = upload_dataset(editor, commune_org)
    url = reverse("sandbox:dataset_grant", args=[dataset.public_id])
    client.force_login(editor)
    assert client.get(url).status_code == 403
    client.force_login(make_user("manager", commune_org))
    past = client.post(url, {"organisation": other_commune_org.pk, "expires_at": "2001-01-01"})
    assert past.status_code == 422
    assert "dans le futur" in past.content.decode()
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(url, {"organisation": other_commune_org.pk, "expires_at": future})
    assert response.status_code == 302
    assert dataset.grants.get().organisation == other_commune_org
    page = client.get(reverse("sandbox:dataset_detail", args=[dataset.public_id])).content.decode()
    assert "Retirer l’accès de Antony" in page


def test_anonymous_is_sent_to_login(client, editor, commune_org):
    dataset = upload_dataset(editor, commune_org)
    response = client.get(reverse("sandbox:dataset_detail", args=[dataset.public_id]))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_retention_task_deletes_expired_files(editor, commune_org):
    from citeia.sandbox.tasks import purge_expired_datasets

    dataset = upload_dataset(editor, commune_org)
    kept = upload_dataset(editor, commune_org, name="Récent")
    Dataset.objects.filter(pk=dataset.pk).update(
        retention_until=timezone.localdate() - timedelta(days=1)
    )
    result = purge_expired_datasets.enqueue()
    assert result.return_value == 1
    dataset.refresh_from_db()
    assert not dataset.available and not dataset.path.exists()
    assert kept.path.exists()
    assert dataset.accesses.filter(action=AccessAction.DELETE).exists()


def test_schema_roles_are_editable(client, editor, commune_org):
    dataset = upload_dataset(editor, commune_org)
    client.force_login(editor)
    url = reverse("sandbox:dataset_schema", args=[dataset.public_id])
    assert client.get(url).status_code == 200
    data = {}
    for index, column in enumerate(dataset.schema):
        data[f"type_{index}"] = column["type"]
        data[f"role_{index}"] = "target" if column["name"] in ("eligible", "age") else "feature"
    assert client.post(url, data).status_code == 422  # two targets
    data["role_1"] = "sensitive"
    assert client.post(url, data).status_code == 302
    dataset.refresh_from_db()
    assert dataset.columns_with_role("target") == ["eligible"]
    assert dataset.columns_with_role("sensitive") == ["age"]


def test_list_page_has_a_bounded_number_of_queries(
    client, editor, commune_org, django_assert_max_num_queries
):
    for index in range(3):
        upload_dataset(editor, commune_org, name=f"Jeu {index}")
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sandbox:index"))
    assert response.status_code == 200
    assert response.content.decode().count("Jeu ") >= 3
