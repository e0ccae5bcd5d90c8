"""Frugality assessment (AFNOR SPEC 2314 public structure, RGESN 2024), pure and versioned.

    from citeia.assessment.frugality import parse_questionnaire, score, estimate
    q = parse_questionnaire(shipped_questionnaire())
    score(q, {"gate": {...}, "items": {...}}).to_dict()
    estimate({"energy_per_inference_wh": 0.3, "requests_per_day": 2000}).to_dict()

Documented in docs/frugality.md.
"""

from .answers import ANSWER_LABELS, ANSWER_VALUES, AnswerIssue, AnswersError
from .data import shipped_questionnaire
from .estimate import (
    DEFAULT_GRID,
    ESTIMATE_VERSION,
    GRID_FRANCE,
    PUE_FRANCE,
    Constant,
    Estimate,
    UsageError,
    estimate,
)
from .generative import ZONES, estimate_generative
from .questionnaire import (
    Item,
    Questionnaire,
    QuestionnaireError,
    Theme,
    diff_questionnaires,
    parse_questionnaire,
)
from .scoring import SCORING_VERSION, FrugalityResult, score, validate_answers

__all__ = [
    "ANSWER_LABELS",
    "ANSWER_VALUES",
    "DEFAULT_GRID",
    "ESTIMATE_VERSION",
    "GRID_FRANCE",
    "PUE_FRANCE",
    "SCORING_VERSION",
    "ZONES",
    "AnswerIssue",
    "AnswersError",
    "Constant",
    "Estimate",
    "FrugalityResult",
    "Item",
    "Questionnaire",
    "QuestionnaireError",
    "Theme",
    "UsageError",
    "diff_questionnaires",
    "estimate",
    "estimate_generative",
    "parse_questionnaire",
    "score",
    "shipped_questionnaire",
    "validate_answers",
]
