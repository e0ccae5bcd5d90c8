"""The sandbox demo: 50,000 fictional applications, two models, one run revealing the bias."""

import pytest
from django.test import Client
from django.urls import reverse

from citeia.accounts.demo import DEMO_DOMAIN, load_demo_accounts
from citeia.accounts.models import User
from citeia.assessment.demo import load_demo_assessments
from citeia.assessment.models import AssessmentFile
from citeia.sandbox import demo_data, selectors
from citeia.sandbox.demo import ASSESSED_SYSTEM, load_demo_sandbox
from citeia.sandbox.evaluation.findings import describe
from citeia.sandbox.models import Dataset, Run, RunStatus

pytest_plugins = ["tests.sandbox_factories"]
pytestmark = pytest.mark.usefixtures("sandbox_dir")


def test_demo_data_are_reproducible_and_biased():
    first, second = demo_data.generate(2000), demo_data.generate(2000)
    assert first.equals(second)
    rates = first.groupby("sexe")["decision"].mean()
    assert rates["F"] / rates["H"] < 0.8
    assert set(first.columns) >= {"commune", "tranche_age", "sexe", "foyer", "tranche_revenu"}


def test_demo_runs_reveal_the_bias_of_one_model_only(db, django_capture_on_commit_callbacks):
    load_demo_accounts(password="mot-de-passe-solide-42")
    # As `load_demo` does: the assessment demo first, so the runs find their file.
    load_demo_assessments()
    with django_capture_on_commit_callbacks(execute=True):
        counts = load_demo_sandbox()
    assert counts == {"datasets": 1, "models": 2, "runs": 2}
    dataset = Dataset.objects.get(is_demo=True)
    assert dataset.row_count == demo_data.ROWS and dataset.encrypted
    assert dataset.grants.filter(organisation__slug="antony").exists()
    runs = {run.model.format: run for run in Run.objects.select_related("model")}
    for run in runs.values():
        assert run.status == RunStatus.SUCCEEDED, run.failure_reason
    biased = runs["onnx"].results["fairness"]["attributes"]["sexe"]
    fair = runs["skops"].results["fairness"]["attributes"]["sexe"]
    assert biased["demographic_parity_ratio"] < 0.8 <= fair["demographic_parity_ratio"]
    texts = [describe(f) for f in runs["onnx"].results["findings"]]
    assert any(
        text.startswith("Pour « sexe », le taux de sélection du groupe « F » vaut 0,")
        for text in texts
    )
    proxies = runs["onnx"].results["fairness"]["proxies"]["sexe"]
    assert proxies[0]["feature"] == "foyer"
    # Both runs are attached to the demo assessment file of the eligibility score, whose
    # frugality estimate then uses the measured energy.
    file = AssessmentFile.objects.get(name=ASSESSED_SYSTEM, is_demo=True)
    assert {run.assessment_file_id for run in runs.values()} == {file.pk}
    measured = [
        run
        for run in runs.values()
        if (run.results.get("energy") or {}).get("kwh_per_1000_predictions", 0) > 0
    ]
    measurement = selectors.energy_measurement(file)
    client = Client()
    client.force_login(User.objects.get(email=f"editeur.montreuil@{DEMO_DOMAIN}"))
    form = client.get(reverse("assessment:frugality_estimate", args=[file.pk])).content.decode()
    if measured:
        assert measurement["run"] in measured
        assert "Mesure du bac à sable" in form
    else:
        # On a loaded machine the idle baseline can exceed the work's energy: nothing
        # measured, and the estimate keeps the declared energy.
        assert measurement is None and "Mesure du bac à sable" not in form
    # Loading twice changes nothing.
    assert load_demo_sandbox()["runs"] == 2
