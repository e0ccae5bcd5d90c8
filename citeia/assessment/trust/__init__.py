"""Trustworthiness self-assessment against the strategy's eight principles (ALTAI-like), pure.

    from citeia.assessment.trust import parse_questionnaire, score, profile_svg
    q = parse_questionnaire(shipped_questionnaire())
    result = score(q, {"items": {"usagers-associes": {"answer": "yes", "evidence": "..."}}})
    result.to_dict(); profile_svg(result)

Documented in docs/frugality.md (section "Confiance").
"""

from ..frugality.answers import AnswerIssue, AnswersError
from ..frugality.questionnaire import Questionnaire, QuestionnaireError
from .chart import profile_summary, profile_svg
from .data import shipped_questionnaire
from .questionnaire import diff_questionnaires, parse_questionnaire
from .scoring import (
    PRINCIPLES,
    PRINCIPLES_EN,
    SCORING_VERSION,
    PrincipleResult,
    TrustResult,
    score,
    validate_answers,
)

__all__ = [
    "PRINCIPLES",
    "PRINCIPLES_EN",
    "SCORING_VERSION",
    "AnswerIssue",
    "AnswersError",
    "PrincipleResult",
    "Questionnaire",
    "QuestionnaireError",
    "TrustResult",
    "diff_questionnaires",
    "parse_questionnaire",
    "profile_summary",
    "profile_svg",
    "score",
    "shipped_questionnaire",
    "validate_answers",
]
