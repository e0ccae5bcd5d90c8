"""A sandbox run attached to an assessment file: its measured energy replaces the declared
energy per request in the file's frugality estimate, and the file lists its runs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from citeia.assessment import services as assessment_services
from citeia.assessment.models import FrugalityAssessment
from citeia.sandbox import services
from citeia.sandbox.models import Run, RunStatus

from .sandbox_factories import benefit_frame, skops_bytes, train, upload_dataset, upload_model

pytest_plugins = ["tests.sandbox_factories"]
pytestmark = pytest.mark.usefixtures("sandbox_dir")


@pytest.fixture
def setup(editor, commune_org):
    frame = benefit_frame(300)
    dataset = upload_dataset(editor, commune_org, frame)
    model = upload_model(editor, commune_org, skops_bytes(train(frame)))
    file = assessment_services.file_for_system(
        organisation=commune_org, name="Score d'éligibilité", user=editor
    )
    return dataset, model, file


def test_a_run_is_attached_only_to_a_file_of_the_models_organisation(
    editor, other_commune_org, setup, make_user
):
    dataset, model, file = setup
    run = services.run_create(
        user=editor,
        dataset=dataset,
        model=model,
        target="eligible",
        positive_label="1",
        sections=["performance"],
        assessment_file=file,
    )
    assert run.assessment_file == file
    other = assessment_services.file_for_system(
        organisation=other_commune_org,
        name="Autre",
        user=make_user("editor", other_commune_org),
    )
    with pytest.raises(services.ValidationError) as error:
        services.run_create(
            user=editor,
            dataset=dataset,
            model=model,
            target="eligible",
            positive_label="1",
            sections=["performance"],
            assessment_file=other,
        )
    assert "assessment_file" in error.value.message_dict


def test_measured_energy_replaces_the_declared_one_in_the_estimate(client, editor, setup):
    dataset, model, file = setup
    run = services.run_create(
        user=editor,
        dataset=dataset,
        model=model,
        target="eligible",
        positive_label="1",
        sections=["performance"],
        assessment_file=file,
    )
    # What the worker stores after measuring (docs/sandbox.md, "energy").
    Run.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED,
        finished_at=timezone.now(),
        results={"energy": {"kwh_per_1000_predictions": 0.0146, "pue": 1.46, "method": "rapl"}},
    )
    client.force_login(editor)
    page = client.get(reverse("assessment:file_detail", args=[file.pk])).content.decode()
    assert "Évaluations dans le bac à sable" in page
    assert reverse("sandbox:run_detail", args=[run.public_id]) in page
    url = reverse("assessment:frugality_estimate", args=[file.pk])
    form = client.get(url).content.decode()
    assert "Mesure du bac à sable" in form and "0,01 Wh par prédiction" in form
    # The posted energy is ignored: the measured one (0.01 Wh without the PUE) is used.
    response = client.post(
        url,
        {
            "method": "inference",
            "requests_per_day": "1000",
            "days_per_year": "365",
            "energy_per_inference_wh": "999",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    estimate = FrugalityAssessment.objects.get(file=file).estimate
    assert estimate["measurement"]["run"] == str(run.public_id)
    assert estimate["measurement"]["it_wh_per_prediction"] == pytest.approx(0.01)
    # 1,000 requests a day × 365 days × 0.01 Wh × PUE 1.46 = 5.329 kWh a year (no training,
    # no embodied hardware declared).
    assert estimate["yearly_kwh"] == pytest.approx(5.329, rel=1e-3)
