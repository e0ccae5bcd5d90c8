"""Performance metrics (scikit-learn) for classification and regression."""

from __future__ import annotations

from typing import Any

import numpy as np

from .config import EvaluationError, Task


def _f(value: Any) -> float | None:
    value = float(value)
    return None if np.isnan(value) else round(value, 6)


def classification(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    *,
    task: Task,
    positive_label: Any = None,
    proba: np.ndarray | None = None,
    classes: tuple[Any, ...] = (),
) -> dict[str, Any]:
    from sklearn import metrics  # type: ignore[import-untyped]

    labels = sorted(set(np.unique(y_true)) | set(np.unique(y_pred)), key=str)
    result: dict[str, Any] = {
        "accuracy": _f(metrics.accuracy_score(y_true, y_pred)),
        "balanced_accuracy": _f(metrics.balanced_accuracy_score(y_true, y_pred)),
        "n": len(y_true),
    }
    if task == Task.BINARY:
        kwargs: dict[str, Any] = {"pos_label": positive_label, "zero_division": 0}
        result["precision"] = _f(metrics.precision_score(y_true, y_pred, **kwargs))
        result["recall"] = _f(metrics.recall_score(y_true, y_pred, **kwargs))
        result["f1"] = _f(metrics.f1_score(y_true, y_pred, **kwargs))
        result["roc_auc"] = None
        if proba is not None and positive_label in classes:
            scores = proba[:, list(classes).index(positive_label)]
            result["roc_auc"] = _f(metrics.roc_auc_score(y_true == positive_label, scores))
    else:
        kwargs = {"average": "macro", "zero_division": 0}
        result["precision"] = _f(metrics.precision_score(y_true, y_pred, **kwargs))
        result["recall"] = _f(metrics.recall_score(y_true, y_pred, **kwargs))
        result["f1"] = _f(metrics.f1_score(y_true, y_pred, **kwargs))
        result["average"] = "macro"
        result["roc_auc"] = None
        if proba is not None and set(np.unique(y_true)) <= set(classes):
            try:
                result["roc_auc"] = _f(
                    metrics.roc_auc_score(y_true, proba, multi_class="ovr", labels=list(classes))
                )
            except ValueError:
                result["roc_auc"] = None
    matrix = metrics.confusion_matrix(y_true, y_pred, labels=labels)
    result["confusion_matrix"] = {
        "labels": [str(label) for label in labels],
        "matrix": matrix.astype(int).tolist(),
    }
    return result


def regression(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    from sklearn import metrics

    return {
        "mae": _f(metrics.mean_absolute_error(y_true, y_pred)),
        "rmse": _f(np.sqrt(metrics.mean_squared_error(y_true, y_pred))),
        "r2": _f(metrics.r2_score(y_true, y_pred)),
        "n": len(y_true),
    }


def score(y_true: np.ndarray, y_pred: np.ndarray, task: Task) -> float:
    """The one number robustness and importance compare: accuracy, or R² for regression."""
    if task == Task.REGRESSION:
        from sklearn.metrics import r2_score  # type: ignore[import-untyped]

        return float(r2_score(y_true, y_pred))
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def check_target(y_true: np.ndarray, task: Task, target: str, positive_label: Any) -> None:
    if len(y_true) == 0:
        raise EvaluationError("Le jeu de données ne contient aucune ligne évaluable.")
    if task == Task.REGRESSION:
        return
    values = set(np.unique(y_true).tolist())
    if len(values) < 2:
        raise EvaluationError(
            f"La colonne cible « {target} » ne contient qu'une seule classe "
            f"({next(iter(values))!s}) : les métriques de classification n'ont pas de sens."
        )
    if task == Task.BINARY:
        if len(values) > 2:
            raise EvaluationError(
                f"La colonne cible « {target} » compte {len(values)} classes : "
                "choisissez la tâche « classification multi-classe »."
            )
        if positive_label not in values:
            raise EvaluationError(
                f"La classe positive « {positive_label} » n'apparaît pas dans la colonne "
                f"cible « {target} » (valeurs : {', '.join(sorted(map(str, values)))})."
            )
