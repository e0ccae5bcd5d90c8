"""Frugality questionnaire: parsing, scoring with hand-computed values, versions diff."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeia.assessment.frugality import (
    AnswersError,
    QuestionnaireError,
    diff_questionnaires,
    parse_questionnaire,
    score,
    shipped_questionnaire,
    validate_answers,
)

Q = parse_questionnaire(shipped_questionnaire())
GATE_OK = {
    "besoin-documente": {"answer": "yes", "evidence": "Note de cadrage du 3 mars"},
    "alternative-evaluee": {"answer": "yes", "evidence": "Comparaison avec une FAQ"},
}


def yes(evidence="preuve"):
    return {"answer": "yes", "evidence": evidence}


def theme_items(theme_id):
    return [i.id for t in Q.themes if t.id == theme_id for i in t.items]


def test_shipped_questionnaire_cites_rgesn_theme_9_and_afnor():
    references = " ".join(i.reference for i in Q.all_items().values())
    for criterion in ("9.1", "9.2", "9.3", "9.4", "9.5", "9.6", "9.7"):
        assert f"RGESN {criterion}" in references
    for criterion in ("1.1", "1.2", "2.7", "4.12", "8.3", "8.4", "8.5"):
        assert f"RGESN {criterion}" in references
    assert "AFNOR SPEC 2314" in references
    assert all(i.help for i in Q.all_items().values())
    assert [b.grade for b in Q.grades] == ["A", "B", "C", "D", "E"]


def test_weighted_mean_and_contributions_match_hand_computation():
    besoin = theme_items("besoin-usages")  # weight 2
    modele = theme_items("modele")  # weight 3
    answers = {
        "gate": GATE_OK,
        "items": {
            besoin[0]: yes(),
            besoin[1]: {"answer": "partial", "evidence": ""},
            besoin[2]: {"answer": "no"},
            besoin[3]: {"answer": "na"},
            **{i: yes() for i in modele},
        },
    }
    result = score(Q, answers)
    themes = {t.id: t for t in result.themes}
    # besoin: (100 + 50 + 0) / 3 = 50 ; modele: 100 ; overall (2×50 + 3×100) / 5 = 80.
    assert themes["besoin-usages"].score == pytest.approx(50)
    assert themes["modele"].score == pytest.approx(100)
    assert themes["donnees"].score is None
    assert result.overall == pytest.approx(80)
    assert result.grade == "A"
    assert result.frugal is True
    items = {i.id: i for t in result.themes for i in t.items}
    # A "yes" of modele: 3/5 × 100 / 4 = 15 points; the "partial" of besoin: 2/5 × 50 / 3.
    assert items[modele[0]].contribution == pytest.approx(15)
    assert items[besoin[1]].contribution == pytest.approx(2 / 5 * 50 / 3)
    assert items[besoin[2]].lost == pytest.approx(2 / 5 * 100 / 3)
    assert items[besoin[3]].points is None and items[besoin[3]].contribution == 0
    assert sum(i.contribution for i in items.values()) == pytest.approx(80)
    assert not result.complete
    assert "provisoire" in " ".join(result.explanation)


@pytest.mark.parametrize(
    ("overall_answers", "grade"),
    [(("yes",), "A"), (("yes", "partial"), "B"), (("partial",), "C"), (("partial", "no"), "E")],
)
def test_grade_thresholds(overall_answers, grade):
    # Answer every item of every theme in rotation, so each theme mean is the same.
    items = {}
    for t in Q.themes:
        for n, item in enumerate(t.items):
            value = overall_answers[n % len(overall_answers)]
            items[item.id] = {"answer": value, "evidence": "e" if value == "yes" else ""}
    result = score(Q, {"gate": GATE_OK, "items": items})
    assert result.grade == grade, result.overall
    assert result.complete


def test_grade_band_boundaries_are_inclusive():
    assert Q.grade_for(80) == "A"
    assert Q.grade_for(79.9) == "B"
    assert Q.grade_for(65) == "B"
    assert Q.grade_for(50) == "C"
    assert Q.grade_for(35) == "D"
    assert Q.grade_for(34.9) == "E"


def test_failed_gate_means_not_frugal_and_grade_e_whatever_the_items():
    items = {i: yes() for t in Q.themes for i in theme_items(t.id)}
    gate = {**GATE_OK, "alternative-evaluee": {"answer": "no", "evidence": ""}}
    result = score(Q, {"gate": gate, "items": items})
    assert result.overall == pytest.approx(100)
    assert result.gate_status == "failed"
    assert result.grade == "E"
    assert result.frugal is False


def test_pending_gate_gives_no_grade():
    result = score(Q, {"items": {theme_items("modele")[0]: yes()}})
    assert result.gate_status == "pending"
    assert result.grade == ""
    assert result.frugal is None
    assert "besoin-documente" in result.missing


def test_yes_without_evidence_is_an_error_naming_the_item():
    item = theme_items("donnees")[0]
    with pytest.raises(AnswersError) as exc:
        score(Q, {"gate": GATE_OK, "items": {item: {"answer": "yes", "evidence": "   "}}})
    assert exc.value.item_id == item
    assert "preuve" in str(exc.value)
    assert Q.all_items()[item].question in str(exc.value)


@pytest.mark.parametrize(
    ("answers", "path"),
    [
        ({"items": {"inconnue": {"answer": "no"}}}, "items.inconnue"),
        ({"items": {"compression": {"answer": "peut-être"}}}, "items.compression"),
        ({"gate": {"besoin-documente": {"answer": "na"}}}, "gate.besoin-documente"),
        ({"gate": {"besoin-documente": {"answer": "partial"}}}, "gate.besoin-documente"),
        ({"autre": {}}, "autre"),
        ({"items": {"compression": "oui"}}, "items.compression"),
        ({"items": {"compression": {"answer": "no", "evidence": "x" * 2001}}}, "items.compression"),
    ],
)
def test_invalid_answers_are_reported_with_their_path(answers, path):
    issues = validate_answers(Q, answers)
    assert [i.path for i in issues] == [path]
    with pytest.raises(AnswersError):
        score(Q, answers)


def test_parse_rejects_malformed_questionnaires_naming_the_path():
    data = shipped_questionnaire()
    broken = copy.deepcopy(data)
    broken["themes"][1]["items"][0]["reference"] = ""
    with pytest.raises(QuestionnaireError, match=r"themes\[1\]\.items\[0\]\.reference"):
        parse_questionnaire(broken)
    broken = copy.deepcopy(data)
    broken["themes"][0]["items"][1]["id"] = broken["themes"][0]["items"][0]["id"]
    with pytest.raises(QuestionnaireError, match="déjà utilisé"):
        parse_questionnaire(broken)
    broken = copy.deepcopy(data)
    broken["grades"][1]["min"] = 90
    with pytest.raises(QuestionnaireError, match="grades"):
        parse_questionnaire(broken)
    broken = copy.deepcopy(data)
    broken["themes"][0]["weight"] = -1
    with pytest.raises(QuestionnaireError, match=r"themes\[0\]\.weight"):
        parse_questionnaire(broken)
    with pytest.raises(QuestionnaireError, match="gate"):
        parse_questionnaire({k: v for k, v in data.items() if k != "gate"})
    with pytest.raises(QuestionnaireError, match="kind"):
        parse_questionnaire({**data, "kind": "trust"})
    with pytest.raises(QuestionnaireError):
        parse_questionnaire([])


def test_diff_explains_added_removed_reworded_and_reweighted():
    new = copy.deepcopy(shipped_questionnaire())
    new["version"] = "2"
    new["themes"][0]["weight"] = 4
    new["themes"][1]["items"][0]["question"] = "Nouvelle formulation ?"
    removed = new["themes"][2]["items"].pop()
    new["themes"][3]["items"].append(
        {"id": "nouvelle", "question": "Question neuve ?", "help": "h", "reference": "RGESN 9.7"}
    )
    lines = diff_questionnaires(Q, parse_questionnaire(new))
    text = "\n".join(lines)
    assert "Version du questionnaire : 1 → 2." in lines
    assert "Question ajoutée : « Question neuve ? » (RGESN 9.7)." in lines
    assert f"Question retirée : « {removed['question']} »." in lines
    assert "Nouvelle formulation ?" in text
    assert "Poids du thème « Besoin et usages » : 2 → 4." in lines
    assert diff_questionnaires(Q, Q) == []


answer_st = st.sampled_from(["yes", "partial", "no", "na", ""])


@settings(max_examples=60, deadline=None)
@given(st.lists(answer_st, min_size=len(Q.all_items()), max_size=len(Q.all_items())))
def test_contributions_always_sum_to_the_overall_score(values):
    ids = [i.id for t in Q.themes for i in t.items]
    items = {
        i: {"answer": v, "evidence": "e" if v == "yes" else ""}
        for i, v in zip(ids, values, strict=False)
        if v
    }
    result = score(Q, {"gate": GATE_OK, "items": items})
    total = sum(i.contribution for t in result.themes for i in t.items)
    lost = sum(i.lost for t in result.themes for i in t.items)
    if result.overall is None:
        assert result.grade == "" and total == 0
    else:
        assert total == pytest.approx(result.overall)
        assert total + lost == pytest.approx(100)
        assert 0 <= result.overall <= 100
        assert result.grade == Q.grade_for(result.overall)


@settings(max_examples=40, deadline=None)
@given(st.lists(answer_st, min_size=len(Q.all_items()), max_size=len(Q.all_items())))
def test_failed_gate_is_always_grade_e(values):
    ids = [i.id for t in Q.themes for i in t.items]
    items = {i: {"answer": v, "evidence": "e"} for i, v in zip(ids, values, strict=False) if v}
    gate = {**GATE_OK, "besoin-documente": {"answer": "no"}}
    result = score(Q, {"gate": gate, "items": items})
    assert result.grade == "E" and result.frugal is False


def test_result_is_json_serialisable_and_round_values():
    import json

    result = score(Q, {"gate": GATE_OK, "items": {"compression": yes()}})
    data = json.loads(json.dumps(result.to_dict()))
    assert data["grade"] == "A"
    assert data["gate_status"] == "passed"
    assert data["themes"][3]["items"][0]["answer_label"] == "Oui"
