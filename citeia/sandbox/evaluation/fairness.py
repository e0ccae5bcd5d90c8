"""Fairness per sensitive attribute (Fairlearn MetricFrame), bootstrap intervals, proxies."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from .config import EvaluationError, Task


def _r(value: Any) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if np.isnan(value) or np.isinf(value) else round(value, 6)


def group_labels(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """One label per row: the value of one attribute, or "a × b" for an intersection."""
    if len(columns) == 1:
        return frame[columns[0]].astype("string").fillna("(vide)")
    parts = [frame[c].astype("string").fillna("(vide)") for c in columns]
    label = parts[0]
    for part in parts[1:]:
        label = label + " × " + part
    return label


def check_groups(labels: pd.Series, name: str, minimum: int) -> None:
    counts = labels.value_counts()
    small = counts[counts < minimum]
    if len(small):
        listed = ", ".join(f"« {group} » ({int(n)})" for group, n in list(small.items())[:10])
        if len(small) > 10:
            listed += f"… ({len(small)} groupes)"
        raise EvaluationError(
            f"L'attribut sensible « {name} » a des groupes trop petits pour être comparés "
            f"(au moins {minimum} lignes par groupe) : {listed}. Regroupez ces valeurs "
            "ou retirez-les avant l'évaluation."
        )


def _binary_rates(
    y_true: np.ndarray, y_pred: np.ndarray, codes: np.ndarray, n_groups: int
) -> dict[str, np.ndarray]:
    """Per-group rates from 0/1 arrays, vectorised (used by the bootstrap)."""
    count = np.bincount(codes, minlength=n_groups).astype(float)
    positives = np.bincount(codes, weights=y_true, minlength=n_groups)
    negatives = count - positives
    selected = np.bincount(codes, weights=y_pred, minlength=n_groups)
    true_pos = np.bincount(codes, weights=y_true * y_pred, minlength=n_groups)
    false_pos = selected - true_pos
    # Fairlearn's convention: a rate with an empty denominator counts as 0.
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = {
            "selection_rate": selected / count,
            "tpr": true_pos / positives,
            "fpr": false_pos / negatives,
        }
    present = count > 0
    return {key: np.nan_to_num(value)[present] for key, value in rates.items()}


def _summary(rates: dict[str, np.ndarray]) -> dict[str, float]:
    sel = rates["selection_rate"]
    sel = sel[~np.isnan(sel)]
    dpd = float(sel.max() - sel.min()) if len(sel) else float("nan")
    dpr = float(sel.min() / sel.max()) if len(sel) and sel.max() > 0 else float("nan")
    tpr, fpr = rates["tpr"], rates["fpr"]
    tpr, fpr = tpr[~np.isnan(tpr)], fpr[~np.isnan(fpr)]
    diffs = []
    if len(tpr):
        diffs.append(float(tpr.max() - tpr.min()))
    if len(fpr):
        diffs.append(float(fpr.max() - fpr.min()))
    eod = max(diffs) if diffs else float("nan")
    return {
        "demographic_parity_difference": dpd,
        "demographic_parity_ratio": dpr,
        "equalized_odds_difference": eod,
    }


def bootstrap(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    *,
    n_boot: int,
    seed: int,
) -> dict[str, dict[str, float | None]]:
    """95 % percentile intervals of the three summary metrics, rows resampled with a seed."""
    rng = np.random.default_rng(seed)
    n = len(codes)
    samples: dict[str, list[float]] = {
        "demographic_parity_difference": [],
        "demographic_parity_ratio": [],
        "equalized_odds_difference": [],
    }
    for _ in range(n_boot):
        index = rng.integers(0, n, n)
        summary = _summary(_binary_rates(y_true[index], y_pred[index], codes[index], n_groups))
        for key, value in summary.items():
            samples[key].append(value)
    intervals: dict[str, dict[str, float | None]] = {}
    for key, values in samples.items():
        arr = np.asarray(values)
        arr = arr[~np.isnan(arr)]
        if len(arr) == 0:
            intervals[key] = {"low": None, "high": None}
        else:
            low, high = np.quantile(arr, [0.025, 0.975])
            intervals[key] = {"low": _r(low), "high": _r(high)}
    return intervals


def attribute_fairness(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    labels: pd.Series,
    *,
    task: Task,
    positive_label: Any,
    n_boot: int,
    seed: int,
) -> dict[str, Any]:
    """Per-group metrics and summary differences for one attribute (or an intersection).

    The definitions are Fairlearn's (MetricFrame with count, selection_rate,
    true/false_positive_rate, accuracy; demographic_parity_difference/ratio,
    equalized_odds_difference), computed with vectorised NumPy: MetricFrame stacks the
    rows one by one and takes minutes on a million rows. The tests check the figures
    against Fairlearn called directly.
    """
    codes, uniques = pd.factorize(labels.to_numpy(), sort=True)
    n_groups = len(uniques)
    count = np.bincount(codes, minlength=n_groups)
    if task == Task.REGRESSION:
        error = np.abs(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float))
        mae = np.bincount(codes, weights=error, minlength=n_groups) / count
        return {
            "groups": [
                {"group": str(g), "count": int(c), "mae": _r(m)}
                for g, c, m in zip(uniques, count, mae, strict=True)
            ],
            "mae_difference": _r(mae.max() - mae.min()),
        }
    # Multi-class: "selected" means predicted as the favourable (positive) class.
    yt = (np.asarray(y_true) == positive_label).astype(float)
    yp = (np.asarray(y_pred) == positive_label).astype(float)
    rates = _binary_rates(yt, yp, codes, n_groups)
    correct = np.bincount(codes, weights=(yt == yp).astype(float), minlength=n_groups)
    accuracy = correct / count
    rows = [
        {
            "group": str(group),
            "count": int(count[i]),
            "selection_rate": _r(rates["selection_rate"][i]),
            "true_positive_rate": _r(rates["tpr"][i]),
            "false_positive_rate": _r(rates["fpr"][i]),
            "accuracy": _r(accuracy[i]),
        }
        for i, group in enumerate(uniques)
    ]
    summary = _summary(rates)
    selection = rates["selection_rate"]
    result: dict[str, Any] = {
        "groups": rows,
        **{key: _r(value) for key, value in summary.items()},
        "most_selected_group": str(uniques[int(np.argmax(selection))]),
        "least_selected_group": str(uniques[int(np.argmin(selection))]),
    }
    result["confidence_intervals"] = bootstrap(yt, yp, codes, n_groups, n_boot=n_boot, seed=seed)
    result["confidence_level"] = 0.95
    result["n_bootstrap"] = n_boot
    return result


# --- Proxies: features strongly associated with a sensitive attribute ------------------

STRONG = 0.5
MODERATE = 0.3


def cramers_v(x: pd.Series, y: pd.Series) -> float:
    """Cramér's V between two categorical series (0 = independent, 1 = one determines the other)."""
    table = pd.crosstab(x.astype("string").fillna(""), y.astype("string").fillna(""))
    observed = table.to_numpy(dtype=float)
    n = observed.sum()
    if n == 0 or min(observed.shape) < 2:
        return 0.0
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / n
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    k = min(observed.shape) - 1
    return float(np.sqrt(chi2 / (n * k)))


def correlation_ratio(categories: pd.Series, values: pd.Series) -> float:
    """Correlation ratio η between a categorical and a numeric series."""
    frame = pd.DataFrame({"c": categories.astype("string").fillna(""), "v": values}).dropna()
    if frame.empty:
        return 0.0
    v = frame["v"].astype(float)
    mean = v.mean()
    total = float(((v - mean) ** 2).sum())
    if total == 0:
        return 0.0
    grouped = frame.groupby("c")["v"]
    between = float((grouped.count() * (grouped.mean() - mean) ** 2).sum())
    return float(np.sqrt(between / total))


def proxies(
    frame: pd.DataFrame, sensitive: list[str], features: list[str], *, rows: int, seed: int
) -> dict[str, list[dict[str, Any]]]:
    if len(frame) > rows:
        frame = frame.sample(n=rows, random_state=seed)
    result: dict[str, list[dict[str, Any]]] = {}
    for attribute in sensitive:
        found: list[dict[str, Any]] = []
        for feature in features:
            if feature == attribute:
                continue
            column = frame[feature]
            if pd.api.types.is_numeric_dtype(column) and column.nunique() > 10:
                value, method = correlation_ratio(frame[attribute], column), "correlation_ratio"
            else:
                value, method = cramers_v(frame[attribute], column), "cramers_v"
            strength = "strong" if value >= STRONG else "moderate" if value >= MODERATE else "weak"
            found.append(
                {
                    "feature": feature,
                    "association": round(value, 4),
                    "method": method,
                    "strength": strength,
                }
            )
        found.sort(key=lambda item: -item["association"])
        result[attribute] = found
    return result


def thresholds() -> dict[str, float]:
    return {"strong": STRONG, "moderate": MODERATE}
