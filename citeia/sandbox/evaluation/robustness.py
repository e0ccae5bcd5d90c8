"""Robustness: the score under noise, missing values and category swaps, at stated intensities."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

from .config import EvaluationConfig, Predictor
from .performance import score


def _numeric(X: pd.DataFrame) -> list[str]:
    return [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]


def _categorical(X: pd.DataFrame) -> list[str]:
    return [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]


def _noise(X: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
    out = X.copy()
    for column in _numeric(X):
        values = out[column].astype(float)
        std = float(values.std()) or 1.0
        out[column] = values + rng.normal(0.0, level * std, len(values))
    return out


def _missing(X: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
    out = X.copy()
    for column in X.columns:
        mask = rng.random(len(out)) < level
        if pd.api.types.is_numeric_dtype(out[column]):
            out[column] = out[column].astype(float).mask(mask)
        else:
            out[column] = out[column].astype(object).mask(mask, None)
    return out


def _swap(X: pd.DataFrame, level: float, rng: np.random.Generator) -> pd.DataFrame:
    out = X.copy()
    for column in _categorical(X):
        values = out[column].astype(object).to_numpy(copy=True)
        categories = pd.unique(values[pd.notna(values)])
        if len(categories) < 2:
            continue
        mask = rng.random(len(values)) < level
        values[mask] = rng.choice(categories, int(mask.sum()))
        out[column] = values
    return out


PERTURBATIONS = {
    "noise": (_noise, "noise_levels", "numeric"),
    "missing": (_missing, "missing_levels", "all"),
    "category_swap": (_swap, "swap_levels", "categorical"),
}


def robustness(
    predictor: Predictor,
    X: pd.DataFrame,
    y: np.ndarray,
    config: EvaluationConfig,
) -> dict[str, Any]:
    if len(X) > config.explain_rows * 5:
        sample = X.sample(n=config.explain_rows * 5, random_state=config.seed)
        y = y[X.index.get_indexer(sample.index)]
        X = sample
    baseline = score(y, np.asarray(predictor.predict(X)), config.task)
    results: list[dict[str, Any]] = []
    for name, (perturb, levels_attr, applies) in PERTURBATIONS.items():
        columns = (
            _numeric(X)
            if applies == "numeric"
            else _categorical(X)
            if applies == "categorical"
            else list(X.columns)
        )
        for level in getattr(config, levels_attr):
            entry: dict[str, Any] = {"perturbation": name, "intensity": level, "columns": columns}
            if not columns:
                entry.update(score=None, change=None, error="Aucune colonne concernée.")
                results.append(entry)
                continue
            rng = np.random.default_rng(config.seed)
            try:
                perturbed = score(
                    y, np.asarray(predictor.predict(perturb(X, level, rng))), config.task
                )
            except Exception as exc:
                entry.update(score=None, change=None, error=f"Le modèle a échoué : {exc}"[:300])
            else:
                entry.update(
                    score=round(perturbed, 6), change=round(perturbed - baseline, 6), error=None
                )
            results.append(entry)
    return {
        "metric": "r2" if config.task == "regression" else "accuracy",
        "baseline": round(baseline, 6),
        "rows": len(X),
        "intensity_meaning": {
            "noise": "écart type du bruit gaussien, en fraction de l'écart type de la colonne",
            "missing": "part des cellules remplacées par une valeur manquante",
            "category_swap": "part des cellules remplacées par une autre catégorie de la colonne",
        },
        "results": results,
    }
