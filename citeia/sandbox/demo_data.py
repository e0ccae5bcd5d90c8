"""Synthetic demo data for the sandbox (fixed seed): applications for a fictional municipal
social benefit, with a built-in bias, and two models trained on it. Nothing is downloaded.

    python -m citeia.sandbox.demo_data var/sandbox-demo    # writes the CSV and both models

The historical decisions (`decision`) favour men: at equal income and household, a woman's
application was granted 0.6 times as often. Model A (logistic regression, ONNX) learns
from those decisions with `sexe` among its inputs and reproduces the bias. Model B
(decision tree, skops) learns the benefit's written rule (income and household only).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 2026
ROWS = 50_000
COMMUNES = [
    "Montreuil",
    "Saint-Denis",
    "Créteil",
    "Nanterre",
    "Antony",
    "Vincennes",
    "Bobigny",
    "Ivry-sur-Seine",
    "Pantin",
    "Clichy",
    "Argenteuil",
    "Boulogne-Billancourt",
]
AGE_BANDS = ["18-29", "30-44", "45-59", "60-74", "75+"]
HOUSEHOLDS = [
    "personne seule",
    "couple sans enfant",
    "couple avec enfants",
    "famille monoparentale",
]
INCOME_BANDS = ["< 1 000 €", "1 000-1 499 €", "1 500-1 999 €", "2 000-2 999 €", ">= 3 000 €"]
FEATURES_A = ["commune", "tranche_age", "sexe", "foyer", "tranche_revenu", "nb_enfants"]
FEATURES_B = ["foyer", "tranche_revenu", "nb_enfants"]
WOMAN_FACTOR = 0.6  # the built-in bias of the historical decisions


def generate(rows: int = ROWS, seed: int = SEED) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sexe = rng.choice(["F", "H"], rows, p=[0.52, 0.48])
    # Single-parent families are mostly women: a proxy of `sexe` the proxy check finds.
    single_parent = rng.random(rows) < np.where(sexe == "F", 0.22, 0.04)
    other = rng.choice(HOUSEHOLDS[:3], rows, p=[0.4, 0.25, 0.35])
    foyer = np.where(single_parent, HOUSEHOLDS[3], other)
    children = np.where(
        np.isin(foyer, ["couple avec enfants", "famille monoparentale"]),
        rng.integers(1, 5, rows),
        0,
    )
    income_index = (
        np.clip(rng.normal(2.0, 1.2, rows) - np.where(foyer == HOUSEHOLDS[3], 1.0, 0.0), 0, 4)
        .round()
        .astype(int)
    )
    frame = pd.DataFrame(
        {
            "commune": rng.choice(COMMUNES, rows),
            "tranche_age": rng.choice(AGE_BANDS, rows, p=[0.18, 0.3, 0.26, 0.17, 0.09]),
            "sexe": sexe,
            "foyer": foyer,
            "tranche_revenu": np.array(INCOME_BANDS)[income_index],
            "nb_enfants": children,
        }
    )
    # The written rule: low income, more so with children.
    rule_score = (4 - income_index) / 4 + 0.15 * children + np.where(single_parent, 0.2, 0.0)
    frame["eligible_regle"] = (rule_score >= 0.7).astype(int)
    granted = np.where(
        frame["eligible_regle"] == 1,
        rng.random(rows) < np.where(sexe == "F", 0.9 * WOMAN_FACTOR, 0.9),
        rng.random(rows) < 0.05,
    )
    frame["decision"] = granted.astype(int)
    return frame


def _categorical(frame: pd.DataFrame, features: list[str]) -> list[str]:
    return [f for f in features if not pd.api.types.is_numeric_dtype(frame[f])]


def train_models(frame: pd.DataFrame):
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder
    from sklearn.tree import DecisionTreeClassifier

    def pipeline(features: list[str], estimator):
        return make_pipeline(
            make_column_transformer(
                (OneHotEncoder(handle_unknown="ignore"), _categorical(frame, features)),
                remainder="passthrough",
            ),
            estimator,
        )

    model_a = pipeline(FEATURES_A, LogisticRegression(max_iter=1000)).fit(
        frame[FEATURES_A], frame["decision"]
    )
    model_b = pipeline(FEATURES_B, DecisionTreeClassifier(max_depth=5, random_state=SEED)).fit(
        frame[FEATURES_B], frame["eligible_regle"]
    )
    return model_a, model_b


def onnx_bytes(model, frame: pd.DataFrame, features: list[str]) -> bytes:
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import Int64TensorType, StringTensorType

    types = [
        (name, Int64TensorType([None, 1]))
        if pd.api.types.is_integer_dtype(frame[name])
        else (name, StringTensorType([None, 1]))
        for name in features
    ]
    return to_onnx(
        model, initial_types=types, options={"zipmap": False}, target_opset=17
    ).SerializeToString()


def skops_bytes(model) -> bytes:
    import skops.io as sio

    return sio.dumps(model)


def build(rows: int = ROWS) -> dict[str, bytes]:
    """The demo files: dataset CSV (without the rule column), model A (ONNX), model B (skops)."""
    frame = generate(rows)
    model_a, model_b = train_models(frame)
    published = frame.drop(columns=["eligible_regle"])
    return {
        "dataset.csv": published.to_csv(index=False).encode(),
        "model_a.onnx": onnx_bytes(model_a, frame, FEATURES_A),
        "model_b.skops": skops_bytes(model_b),
    }


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "var/sandbox-demo")
    target.mkdir(parents=True, exist_ok=True)
    for name, content in build().items():
        (target / name).write_bytes(content)
        print(target / name)
