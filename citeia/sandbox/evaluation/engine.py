"""The evaluation engine: a DataFrame, a predictor and a configuration → the results JSON.

No Django here: the worker's child process calls :func:`evaluate` and writes its result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from . import explain, fairness, findings, measure, performance, robustness
from .config import ENGINE_VERSION, EvaluationConfig, EvaluationError, Predictor, Task

LIBRARIES = (
    "numpy",
    "pandas",
    "scikit-learn",
    "fairlearn",
    "onnxruntime",
    "skops",
    "shap",
    "codecarbon",
)


def versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def check_columns(frame: pd.DataFrame, config: EvaluationConfig) -> None:
    roles = [
        ("cible", [config.target]),
        ("variable d'entrée", config.features),
        ("attribut sensible", config.sensitive),
        ("variable de contrôle", config.control),
    ]
    for role, names in roles:
        missing = [name for name in names if name not in frame.columns]
        if missing:
            raise EvaluationError(
                f"Colonne(s) {role} absente(s) du jeu de données : {', '.join(missing)}."
            )
    if not config.features:
        raise EvaluationError("Choisissez au moins une variable d'entrée du modèle.")
    if config.target in config.features:
        raise EvaluationError(
            f"La cible « {config.target} » ne peut pas être une entrée du modèle."
        )
    if len(config.sensitive) > 2:
        raise EvaluationError("Choisissez au plus deux attributs sensibles.")


def _align(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels from the data and from the model compared as equals (1 vs "1")."""
    true_values = set(pd.unique(y_true).tolist())
    pred_values = set(pd.unique(y_pred).tolist())
    if pred_values <= true_values:
        return y_true, y_pred
    return y_true.astype(str), y_pred.astype(str)


def _positive(y_true: np.ndarray, label: Any) -> Any:
    values = pd.unique(y_true).tolist()
    if label in values:
        return label
    for value in values:
        if str(value) == str(label):
            return value
    return label


def evaluate(
    frame: pd.DataFrame,
    predictor: Predictor,
    config: EvaluationConfig,
    *,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    def step(name: str) -> None:
        if progress:
            progress(name)

    check_columns(frame, config)
    timings: dict[str, float] = {}
    rows_total = len(frame)
    frame = frame[frame[config.target].notna()].reset_index(drop=True)
    X = frame[config.features]
    y_true = frame[config.target].to_numpy()
    task = config.task
    positive = _positive(y_true, config.positive_label) if task != Task.REGRESSION else None
    performance.check_target(y_true, task, config.target, positive)
    if task == Task.MULTICLASS and positive is None:
        raise EvaluationError(
            "Indiquez la classe favorable (classe positive) pour mesurer l'équité."
        )

    step("prediction")
    began = time.perf_counter()
    try:
        y_pred = np.asarray(predictor.predict(X))
        proba = (
            np.asarray(predictor.predict_proba(X))
            if predictor.predict_proba is not None and task != Task.REGRESSION
            else None
        )
    except (EvaluationError, MemoryError):
        raise
    except Exception as exc:
        raise EvaluationError(f"Le modèle n'a pas pu prédire sur ces données : {exc}") from exc
    timings["prediction"] = time.perf_counter() - began
    if len(y_pred) != len(y_true):
        raise EvaluationError("Le modèle n'a pas rendu une prédiction par ligne.")
    if task != Task.REGRESSION:
        y_true, y_pred = _align(y_true, y_pred)
        if y_true.dtype.kind in "US" or y_true.dtype == object:
            positive = _positive(y_true, positive)
        # Fairness needs groups with enough rows: checked before any long computation.
        for attribute in config.sensitive:
            fairness.check_groups(
                fairness.group_labels(frame, [attribute]), attribute, config.min_group_size
            )
    else:
        y_true = y_true.astype(float)
        y_pred = y_pred.astype(float).ravel()

    results: dict[str, Any] = {
        "engine_version": ENGINE_VERSION,
        "task": str(task),
        "config": {
            "target": config.target,
            "positive_label": None if positive is None else str(positive),
            "features": list(config.features),
            "sensitive": list(config.sensitive),
            "control": list(config.control),
            "sections": list(config.sections),
            "seed": config.seed,
            "n_bootstrap": config.n_bootstrap,
        },
        "dataset": {"rows": rows_total, "rows_evaluated": len(frame)},
        "model": {"kind": predictor.kind},
    }

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        step(name)
        started = time.perf_counter()
        value = fn()
        timings[name] = round(time.perf_counter() - started, 4)
        return value

    if "performance" in config.sections:
        if task == Task.REGRESSION:
            results["performance"] = timed(
                "performance", lambda: performance.regression(y_true, y_pred)
            )
        else:
            results["performance"] = timed(
                "performance",
                lambda: performance.classification(
                    y_true,
                    y_pred,
                    task=task,
                    positive_label=positive,
                    proba=proba,
                    classes=tuple(_align(np.asarray(predictor.classes), y_true)[0].tolist())
                    if predictor.classes
                    else (),
                ),
            )
    if "fairness" in config.sections and config.sensitive:
        results["fairness"] = timed(
            "fairness", lambda: _fairness(frame, y_true, y_pred, positive, config)
        )
    if "explainability" in config.sections:
        y_for_explain = y_true
        results["explainability"] = timed(
            "explainability",
            lambda: {
                "permutation_importance": explain.permutation(predictor, X, y_for_explain, config),
                "shap": _safe_shap(predictor, X, config),
            },
        )
    if "robustness" in config.sections:
        results["robustness"] = timed(
            "robustness", lambda: robustness.robustness(predictor, X, y_true, config)
        )
    if "latency" in config.sections:
        results["latency"] = timed("latency", lambda: measure.latency(predictor, X, config))
    if "energy" in config.sections:
        results["energy"] = timed("energy", lambda: _safe_energy(predictor, X, config))
    results["findings"] = findings.build(results, task)
    results["versions"] = versions()
    results["timings_s"] = {key: round(value, 4) for key, value in timings.items()}
    return results


def _safe_shap(predictor: Predictor, X: pd.DataFrame, config: EvaluationConfig) -> dict[str, Any]:
    try:
        return explain.shap_summary(predictor.estimator, X, config)
    except Exception as exc:
        return {"available": False, "reason": f"SHAP n'a pas pu être calculé : {exc}"[:300]}


def _safe_energy(predictor: Predictor, X: pd.DataFrame, config: EvaluationConfig) -> dict[str, Any]:
    try:
        return measure.energy(predictor, X, config)
    except Exception as exc:
        return {"error": f"Mesure d'énergie impossible : {exc}"[:300]}


def _fairness(
    frame: pd.DataFrame,
    y_true: np.ndarray,
    y_pred: np.ndarray,
    positive: Any,
    config: EvaluationConfig,
) -> dict[str, Any]:
    def one(columns: list[str]) -> dict[str, Any]:
        return fairness.attribute_fairness(
            y_true,
            y_pred,
            fairness.group_labels(frame, columns),
            task=config.task,
            positive_label=positive,
            n_boot=config.n_bootstrap if config.task != Task.REGRESSION else 0,
            seed=config.seed,
        )

    result: dict[str, Any] = {
        "attributes": {attribute: one([attribute]) for attribute in config.sensitive},
        "intersectional": None,
        "conditional": {},
    }
    if len(config.sensitive) == 2:
        labels = fairness.group_labels(frame, config.sensitive)
        counts = labels.value_counts()
        result["intersectional"] = {
            "attributes": list(config.sensitive),
            **one(config.sensitive),
            "small_groups": [str(g) for g, n in counts.items() if n < 30],
        }
    if config.task != Task.REGRESSION:
        for control in config.control:
            strata = []
            for value, index in frame.groupby(control, dropna=False).groups.items():
                rows = frame.index.get_indexer(index)
                for attribute in config.sensitive:
                    labels = fairness.group_labels(frame.iloc[rows], [attribute])
                    selected = pd.Series(y_pred[rows] == positive).groupby(labels.to_numpy()).mean()
                    if len(selected) < 2 or selected.max() == 0:
                        continue
                    strata.append(
                        {
                            "stratum": str(value),
                            "attribute": attribute,
                            "count": len(rows),
                            "demographic_parity_ratio": round(
                                float(selected.min() / selected.max()), 6
                            ),
                        }
                    )
            result["conditional"][control] = strata
    result["proxies"] = fairness.proxies(
        frame,
        config.sensitive,
        [f for f in config.features if f not in config.sensitive],
        rows=config.proxy_rows,
        seed=config.seed,
    )
    result["proxy_thresholds"] = fairness.thresholds()
    return result
