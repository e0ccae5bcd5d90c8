"""The pure evaluation engine: figures checked by hand and against Fairlearn called directly."""

import numpy as np
import pandas as pd
import pytest

from citeia.sandbox.evaluation import EvaluationConfig, EvaluationError, Predictor, evaluate
from citeia.sandbox.evaluation.fairness import correlation_ratio, cramers_v
from citeia.sandbox.evaluation.findings import describe, number

from .sandbox_factories import FEATURES, benefit_frame, train

# Eight people; the "model" simply reads its decision from the `pred` column.
TINY = pd.DataFrame(
    {
        "pred": [1, 0, 0, 1, 1, 0, 1, 1],
        "truth": [1, 1, 0, 0, 1, 0, 1, 0],
        "sexe": ["F", "F", "F", "F", "H", "H", "H", "H"],
    }
)
READ_PRED = Predictor(predict=lambda frame: frame["pred"].to_numpy())


def tiny_config(**overrides):
    values = {
        "task": "binary",
        "target": "truth",
        "features": ["pred"],
        "positive_label": 1,
        "sensitive": ["sexe"],
        "sections": ("performance", "fairness"),
        "n_bootstrap": 50,
    }
    return EvaluationConfig(**{**values, **overrides})


def test_performance_matches_hand_computation():
    results = evaluate(TINY, READ_PRED, tiny_config())
    performance = results["performance"]
    # TP=3, FP=2, FN=1, TN=2
    assert performance["accuracy"] == pytest.approx(5 / 8)
    assert performance["precision"] == pytest.approx(3 / 5)
    assert performance["recall"] == pytest.approx(3 / 4)
    assert performance["f1"] == pytest.approx(2 * 0.6 * 0.75 / 1.35, abs=1e-6)
    assert performance["balanced_accuracy"] == pytest.approx((3 / 4 + 2 / 4) / 2)
    assert performance["confusion_matrix"] == {"labels": ["0", "1"], "matrix": [[2, 2], [1, 3]]}
    assert performance["roc_auc"] is None  # no probabilities from this model


def test_fairness_matches_hand_computation_and_is_worded_in_french():
    results = evaluate(TINY, READ_PRED, tiny_config())
    sexe = results["fairness"]["attributes"]["sexe"]
    groups = {g["group"]: g for g in sexe["groups"]}
    assert groups["F"]["selection_rate"] == pytest.approx(0.5)
    assert groups["H"]["selection_rate"] == pytest.approx(0.75)
    assert groups["F"]["true_positive_rate"] == pytest.approx(0.5)
    assert groups["H"]["true_positive_rate"] == pytest.approx(1.0)
    assert groups["F"]["false_positive_rate"] == pytest.approx(0.5)
    assert sexe["demographic_parity_difference"] == pytest.approx(0.25)
    assert sexe["demographic_parity_ratio"] == pytest.approx(0.5 / 0.75, abs=1e-6)
    assert sexe["equalized_odds_difference"] == pytest.approx(0.5)
    assert sexe["least_selected_group"] == "F"
    texts = [describe(f) for f in results["findings"]]
    assert texts[0].startswith(
        "Pour « sexe », le taux de sélection du groupe « F » vaut 0,67 fois celui du groupe « H », "
        "sous le seuil de 0,8 souvent utilisé"
    )


def test_fairness_agrees_with_fairlearn_called_directly():
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        selection_rate,
    )

    frame = benefit_frame(600, seed=3)
    model = train(frame)
    predictor = Predictor(predict=model.predict, predict_proba=model.predict_proba, classes=(0, 1))
    config = EvaluationConfig(
        task="binary",
        target="eligible",
        features=FEATURES,
        positive_label=1,
        sensitive=["sexe", "revenu"],
        sections=("fairness",),
        n_bootstrap=100,
    )
    results = evaluate(frame, predictor, config)
    y_pred = model.predict(frame[FEATURES])
    for attribute in ("sexe", "revenu"):
        ours = results["fairness"]["attributes"][attribute]
        groups = frame[attribute]
        kwargs = {"sensitive_features": groups}
        assert ours["demographic_parity_difference"] == pytest.approx(
            demographic_parity_difference(frame["eligible"], y_pred, **kwargs), abs=1e-6
        )
        assert ours["demographic_parity_ratio"] == pytest.approx(
            demographic_parity_ratio(frame["eligible"], y_pred, **kwargs), abs=1e-6
        )
        assert ours["equalized_odds_difference"] == pytest.approx(
            equalized_odds_difference(frame["eligible"], y_pred, **kwargs), abs=1e-6
        )
        rates = MetricFrame(
            metrics=selection_rate, y_true=frame["eligible"], y_pred=y_pred, **kwargs
        ).by_group
        for group in ours["groups"]:
            assert group["selection_rate"] == pytest.approx(rates[group["group"]], abs=1e-6)
        interval = ours["confidence_intervals"]["demographic_parity_difference"]
        assert interval["low"] <= ours["demographic_parity_difference"] <= interval["high"]
    intersection = results["fairness"]["intersectional"]
    assert intersection["attributes"] == ["sexe", "revenu"]
    assert {g["group"] for g in intersection["groups"]} == {
        f"{s} × {r}" for s in ("F", "H") for r in ("bas", "moyen", "haut")
    }


def test_bootstrap_is_reproducible_with_its_seed():
    first = evaluate(TINY, READ_PRED, tiny_config())["fairness"]["attributes"]["sexe"]
    second = evaluate(TINY, READ_PRED, tiny_config())["fairness"]["attributes"]["sexe"]
    assert first["confidence_intervals"] == second["confidence_intervals"]


def test_association_measures_match_hand_computation():
    a = pd.Series(["a", "a", "b", "b"])
    assert cramers_v(a, pd.Series(["u", "u", "v", "v"])) == pytest.approx(1.0)
    assert cramers_v(a, pd.Series(["u", "v", "u", "v"])) == pytest.approx(0.0)
    assert correlation_ratio(a, pd.Series([1.0, 1.0, 3.0, 3.0])) == pytest.approx(1.0)
    # means 1.5 and 2.5 around 2: between = 4*0.25 = 1; total = 0.25+0.25+0.25+... see below
    values = pd.Series([1.0, 2.0, 2.0, 3.0])
    total = sum((v - 2.0) ** 2 for v in values)  # 2
    assert correlation_ratio(a, values) == pytest.approx(np.sqrt(1.0 / total))


def test_a_proxy_of_the_sensitive_attribute_is_reported():
    frame = TINY.assign(prenom_genre=["f", "f", "f", "f", "m", "m", "m", "m"])
    config = tiny_config(features=["pred", "prenom_genre"])
    results = evaluate(frame, READ_PRED, config)
    proxies = results["fairness"]["proxies"]["sexe"]
    assert proxies[0]["feature"] == "prenom_genre"
    assert proxies[0]["strength"] == "strong"
    assert any(f["code"] == "proxy_strong" for f in results["findings"])


def test_target_with_one_class_is_refused_with_its_name():
    frame = TINY.assign(truth=1)
    with pytest.raises(EvaluationError, match="« truth » ne contient qu'une seule classe"):
        evaluate(frame, READ_PRED, tiny_config())


def test_sensitive_group_of_one_row_is_refused():
    frame = TINY.assign(sexe=["F", "F", "F", "F", "H", "H", "H", "X"])
    with pytest.raises(EvaluationError, match="« X » \\(1\\)"):
        evaluate(frame, READ_PRED, tiny_config())


def test_missing_column_is_named():
    with pytest.raises(EvaluationError, match=r"absente.*commune"):
        evaluate(TINY, READ_PRED, tiny_config(sensitive=["commune"]))


def test_regression_metrics_match_hand_computation():
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.0, 2.0, 3.0, 5.0]})
    predictor = Predictor(predict=lambda f: f["x"].to_numpy())
    results = evaluate(
        frame,
        predictor,
        EvaluationConfig(task="regression", target="y", features=["x"], sections=("performance",)),
    )
    assert results["performance"]["mae"] == pytest.approx(0.25)
    assert results["performance"]["rmse"] == pytest.approx(0.5)
    # R² = 1 - SSres/SStot = 1 - 1 / 8.75
    assert results["performance"]["r2"] == pytest.approx(1 - 1 / 8.75, abs=1e-6)


def test_all_sections_on_a_scikit_learn_model():
    frame = benefit_frame(300, seed=1)
    model = train(frame, kind="tree")
    predictor = Predictor(
        predict=model.predict,
        predict_proba=model.predict_proba,
        classes=tuple(model.classes_.tolist()),
        estimator=model,
        kind="skops",
    )
    config = EvaluationConfig(
        task="binary",
        target="eligible",
        features=FEATURES,
        positive_label="1",  # a form gives text: matched to the integer labels
        sensitive=["sexe"],
        control=["revenu"],
        n_bootstrap=20,
        latency_batches=3,
        energy_min_seconds=0.2,
        idle_seconds=0.2,
    )
    results = evaluate(frame, predictor, config)
    assert 0 <= results["performance"]["roc_auc"] <= 1
    importance = results["explainability"]["permutation_importance"]["features"]
    assert {item["feature"] for item in importance} == set(FEATURES)
    shap = results["explainability"]["shap"]
    assert shap["available"] is True and shap["explainer"] == "tree"
    perturbations = {r["perturbation"] for r in results["robustness"]["results"]}
    assert perturbations == {"noise", "missing", "category_swap"}
    assert results["latency"]["p95_ms_per_row"] >= results["latency"]["p50_ms_per_row"] > 0
    energy = results["energy"]
    assert energy["method"] in ("rapl", "estimated")
    assert energy["carbon_intensity_g_per_kwh"] == 56.0 and energy["pue"] == 1.46
    assert energy["kwh_per_1000_predictions"] >= 0
    assert results["fairness"]["conditional"]["revenu"]
    assert results["versions"]["scikit-learn"]


def test_french_number_formatting():
    assert number(0.6234) == "0,62"
    assert number(1234.5, 1) == "1 234,5"
