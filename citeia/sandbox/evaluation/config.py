"""What an evaluation needs: the task, the columns' roles and the checks to run (pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd  # type: ignore[import-untyped]

ENGINE_VERSION = "1.0"
SECTIONS = ("performance", "fairness", "explainability", "robustness", "latency", "energy")
# France: CodeCarbon 3.3's own figure for the grid, and Arcep 2023's data-centre PUE.
CARBON_INTENSITY_G_PER_KWH = 56.0
PUE = 1.46
FOUR_FIFTHS = 0.8


class Task(StrEnum):
    BINARY = "binary"
    MULTICLASS = "multiclass"
    REGRESSION = "regression"


class EvaluationError(ValueError):
    """Input that cannot be evaluated; the message is written for the user (French)."""


PredictFn = Callable[[pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class Predictor:
    """A model as the engine sees it: functions of a DataFrame of feature columns."""

    predict: PredictFn
    predict_proba: PredictFn | None = None
    classes: tuple[Any, ...] = ()
    # The scikit-learn estimator behind a skops model, for SHAP; None for ONNX.
    estimator: Any = None
    kind: str = "onnx"


@dataclass
class EvaluationConfig:
    task: Task
    target: str
    features: list[str]
    positive_label: Any = None
    sensitive: list[str] = field(default_factory=list)
    control: list[str] = field(default_factory=list)
    sections: tuple[str, ...] = SECTIONS
    seed: int = 42
    n_bootstrap: int = 200
    permutation_repeats: int = 5
    explain_rows: int = 2000
    shap_rows: int = 200
    proxy_rows: int = 100_000
    noise_levels: tuple[float, ...] = (0.05, 0.1, 0.2)
    missing_levels: tuple[float, ...] = (0.05, 0.1)
    swap_levels: tuple[float, ...] = (0.05, 0.1)
    latency_batch: int = 256
    latency_batches: int = 20
    energy_min_seconds: float = 1.0
    idle_seconds: float = 1.0
    min_group_size: int = 2
    carbon_intensity: float = CARBON_INTENSITY_G_PER_KWH
    pue: float = PUE

    def __post_init__(self) -> None:
        self.task = Task(self.task)
        unknown = [name for name in self.sections if name not in SECTIONS]
        if unknown:
            raise EvaluationError(f"Sections inconnues : {', '.join(unknown)}.")
