"""Helpers for frugality and trust assessment tests: answers and form posts."""

from citeia.assessment import frugality, trust

FRUGALITY_Q = frugality.parse_questionnaire(frugality.shipped_questionnaire())
TRUST_Q = trust.parse_questionnaire(trust.shipped_questionnaire())


def frugality_answers(value="yes", *, gate="yes") -> dict:
    """Every item answered `value` (with evidence), the gate answered `gate`."""
    return {
        "gate": {
            i.id: {"answer": gate, "evidence": "Note de cadrage" if gate == "yes" else ""}
            for i in FRUGALITY_Q.gate.items
        },
        "items": {
            i.id: {"answer": value, "evidence": "Preuve" if value == "yes" else ""}
            for t in FRUGALITY_Q.themes
            for i in t.items
        },
    }


def trust_answers(value="yes") -> dict:
    return {
        "items": {
            i.id: {"answer": value, "evidence": "Preuve" if value == "yes" else ""}
            for t in TRUST_Q.themes
            for i in t.items
        }
    }


def as_post(answers: dict, action: str = "save") -> dict:
    """The form fields of AnswersForm for these answers."""
    data = {"action": action}
    for section, entries in answers.items():
        for item_id, entry in entries.items():
            data[f"{section}-{item_id}"] = entry.get("answer", "")
            data[f"{section}-{item_id}-evidence"] = entry.get("evidence", "")
    return data
