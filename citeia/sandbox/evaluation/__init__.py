"""Pure evaluation engine of the sandbox (no Django): see docs/sandbox.md for the JSON."""

from .config import EvaluationConfig, EvaluationError, Predictor, Task
from .engine import evaluate

__all__ = ["EvaluationConfig", "EvaluationError", "Predictor", "Task", "evaluate"]
