"""Explainability: permutation importance (scikit-learn) and SHAP for tree and linear models."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from .config import EvaluationConfig, Predictor, Task
from .performance import score


class _Wrapped:
    """What `permutation_importance` calls: any predictor, scored by accuracy or R²."""

    def __init__(self, predictor: Predictor) -> None:
        self.predictor = predictor

    def fit(self, X: Any, y: Any) -> _Wrapped:
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.predictor.predict(X))


def permutation(
    predictor: Predictor, X: pd.DataFrame, y: np.ndarray, config: EvaluationConfig
) -> dict[str, Any]:
    from sklearn.inspection import permutation_importance  # type: ignore[import-untyped]

    if len(X) > config.explain_rows:
        sample = X.sample(n=config.explain_rows, random_state=config.seed)
        y = y[X.index.get_indexer(sample.index)]
        X = sample
    task = config.task

    def scorer(estimator: _Wrapped, data: pd.DataFrame, target: np.ndarray) -> float:
        return score(target, estimator.predict(data), task)

    result = permutation_importance(
        _Wrapped(predictor),
        X,
        y,
        scoring=scorer,
        n_repeats=config.permutation_repeats,
        random_state=config.seed,
    )
    features = [
        {
            "feature": name,
            "mean": round(float(mean), 6),
            "std": round(float(std), 6),
        }
        for name, mean, std in zip(
            X.columns, result.importances_mean, result.importances_std, strict=True
        )
    ]
    features.sort(key=lambda item: -item["mean"])
    return {
        "metric": "r2" if task == Task.REGRESSION else "accuracy",
        "n_repeats": config.permutation_repeats,
        "rows": len(X),
        "features": features,
    }


TREE_MODELS = (
    "DecisionTree",
    "RandomForest",
    "ExtraTrees",
    "GradientBoosting",
    "HistGradientBoosting",
)
LINEAR_MODELS = ("LogisticRegression", "LinearRegression", "Ridge", "Lasso", "SGD", "ElasticNet")


def shap_summary(estimator: Any, X: pd.DataFrame, config: EvaluationConfig) -> dict[str, Any]:
    """Mean |SHAP| per input feature for tree and linear scikit-learn models (skops only)."""
    if estimator is None:
        return {
            "available": False,
            "reason": "Modèle ONNX : SHAP n'est calculé que pour les modèles scikit-learn (skops).",
        }
    steps = getattr(estimator, "steps", None)
    final = steps[-1][1] if steps else estimator
    name = type(final).__name__
    kind = (
        "tree"
        if name.startswith(TREE_MODELS)
        else "linear"
        if name.startswith(LINEAR_MODELS)
        else None
    )
    if kind is None:
        return {"available": False, "reason": f"Modèle {name} : ni arbre ni modèle linéaire."}
    import shap  # type: ignore[import-untyped]

    sample = X.sample(n=min(config.shap_rows, len(X)), random_state=config.seed)
    data: Any = sample
    names = list(sample.columns)
    if steps:
        transform = estimator[:-1]
        data = transform.transform(sample)
        if hasattr(data, "toarray"):
            data = data.toarray()
        try:
            names = [str(n) for n in transform.get_feature_names_out()]
        except (AttributeError, ValueError):
            names = [f"x{i}" for i in range(np.asarray(data).shape[1])]
    data = np.asarray(data, dtype=float)
    explainer = shap.TreeExplainer(final) if kind == "tree" else shap.LinearExplainer(final, data)
    values = explainer.shap_values(data)
    array = np.asarray(values)
    if isinstance(values, list):
        array = np.stack(values, axis=-1)
    # (rows, features[, classes]) → mean |value| per feature (over classes too).
    magnitude = np.abs(array)
    while magnitude.ndim > 2:
        magnitude = magnitude.mean(axis=-1)
    means = magnitude.mean(axis=0)
    features = [
        {"feature": n, "mean_abs_shap": round(float(v), 6)}
        for n, v in zip(names, means, strict=False)
    ]
    features.sort(key=lambda item: -item["mean_abs_shap"])
    return {"available": True, "explainer": kind, "rows": len(sample), "features": features}
