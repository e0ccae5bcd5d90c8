"""The sandbox demo: 50,000 fictional applications, two models, one run revealing the bias."""

import pytest

from citeia.accounts.demo import load_demo_accounts
from citeia.sandbox import demo_data
from citeia.sandbox.demo import load_demo_sandbox
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
    # Loading twice changes nothing.
    assert load_demo_sandbox()["runs"] == 2
