"""EU AI Act classification as a pure, versioned rule module (no Django import).

    from citeia.assessment.aiact import Facts, classify
    result = classify(Facts.from_dict(payload))
    result.to_dict()

The facts and result JSON are documented in docs/aiact.md; the rules, articles and
dates live in `rules.py`.
"""

from .engine import classify
from .facts import FACT_NAMES, UNKNOWN, FactError, Facts, FactsError, Role, Unknown
from .result import (
    OUTCOME_ORDER,
    OUTCOMES,
    Obligation,
    Outcome,
    ReasoningStep,
    Result,
    ResultFormatError,
    RuleSetInfo,
)
from .rules import CONSOLIDATED_TEXT_DATE, RULE_SET_VERSION

__all__ = [
    "CONSOLIDATED_TEXT_DATE",
    "FACT_NAMES",
    "OUTCOMES",
    "OUTCOME_ORDER",
    "RULE_SET_VERSION",
    "UNKNOWN",
    "FactError",
    "Facts",
    "FactsError",
    "Obligation",
    "Outcome",
    "ReasoningStep",
    "Result",
    "ResultFormatError",
    "Role",
    "RuleSetInfo",
    "Unknown",
    "classify",
]
