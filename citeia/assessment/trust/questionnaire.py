"""Trust questionnaires: the shared questionnaire format, themes = the eight principles."""

from ..frugality.questionnaire import Questionnaire, QuestionnaireError
from ..frugality.questionnaire import diff_questionnaires as diff_questionnaires
from ..frugality.questionnaire import parse_questionnaire as parse_any
from .scoring import PRINCIPLES


def parse_questionnaire(data: object) -> Questionnaire:
    """Validate a trust questionnaire: one theme per principle, in the strategy's order."""
    q = parse_any(data, kind="trust")
    ids = tuple(t.id for t in q.themes)
    if ids != tuple(PRINCIPLES):
        raise QuestionnaireError(
            "questionnaire.themes",
            "un thème par principe, dans l'ordre : " + ", ".join(PRINCIPLES) + ".",
        )
    return q
