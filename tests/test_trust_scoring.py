"""Trust self-assessment: per-principle scores, what lowered them, the SVG profile."""

import copy
import xml.etree.ElementTree as ET

import pytest

from citeia.assessment.trust import (
    PRINCIPLES,
    AnswersError,
    QuestionnaireError,
    diff_questionnaires,
    parse_questionnaire,
    profile_svg,
    score,
    shipped_questionnaire,
)

Q = parse_questionnaire(shipped_questionnaire())
SVG = "{http://www.w3.org/2000/svg}"


def ids(principle):
    return [i.id for t in Q.themes if t.id == principle for i in t.items]


def test_questionnaire_follows_the_eight_principles_and_cites_altai():
    assert [t.id for t in Q.themes] == list(PRINCIPLES)
    assert [t.title for t in Q.themes] == list(PRINCIPLES.values())
    assert all("ALTAI" in i.reference for i in Q.all_items().values())
    assert all(len(t.items) >= 2 for t in Q.themes)


def test_principle_scores_answered_counts_and_what_lowered_them():
    ig = ids("interet-general")
    eq = ids("equite")
    result = score(
        Q,
        {
            "items": {
                ig[0]: {"answer": "yes", "evidence": "Mesure des délais 2026"},
                ig[1]: {"answer": "partial"},
                ig[2]: {"answer": "na"},
                eq[0]: {"answer": "no"},
            }
        },
    )
    by_id = {p.id: p for p in result.principles}
    assert by_id["interet-general"].score == 75  # (100 + 50) / 2, N/A excluded
    assert by_id["interet-general"].answered == 3
    assert by_id["interet-general"].counted == 2
    assert [(s.id, s.lost) for s in by_id["interet-general"].lowered_by] == [(ig[1], 25)]
    assert by_id["equite"].score == 0
    assert by_id["equite"].unanswered == tuple(eq[1:])
    assert by_id["securite"].score is None
    assert result.scores == {"interet-general": 75, "equite": 0}
    assert not result.complete


def test_all_yes_gives_100_everywhere():
    items = {i: {"answer": "yes", "evidence": "doc"} for i in Q.all_items()}
    result = score(Q, {"items": items})
    assert set(result.scores.values()) == {100}
    assert result.complete
    assert result.to_dict()["missing"] == []


def test_yes_without_evidence_is_refused():
    item = ids("transparence")[0]
    with pytest.raises(AnswersError) as exc:
        score(Q, {"items": {item: {"answer": "yes"}}})
    assert exc.value.item_id == item


def test_trust_questionnaire_must_keep_the_principles_in_order():
    data = copy.deepcopy(shipped_questionnaire())
    data["themes"].reverse()
    with pytest.raises(QuestionnaireError, match="principe"):
        parse_questionnaire(data)
    data = copy.deepcopy(shipped_questionnaire())
    data["themes"][2]["items"][0]["question"] = ""
    with pytest.raises(QuestionnaireError, match=r"themes\[2\]\.items\[0\]\.question"):
        parse_questionnaire(data)


def test_diff_names_a_new_question():
    data = copy.deepcopy(shipped_questionnaire())
    data["version"] = "2"
    data["themes"][6]["items"].append(
        {
            "id": "tests-intrusion",
            "question": "Tests d'intrusion ?",
            "help": "h",
            "reference": "ALTAI 2",
        }
    )
    lines = diff_questionnaires(Q, parse_questionnaire(data))
    assert "Question ajoutée : « Tests d'intrusion ? » (ALTAI 2)." in lines


def test_profile_svg_is_accessible_and_carries_values_as_text():
    ig = ids("interet-general")
    result = score(
        Q, {"items": {ig[0]: {"answer": "yes", "evidence": "e"}, ig[1]: {"answer": "no"}}}
    )
    svg = profile_svg(result, id_prefix="p1")
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "p1-title p1-desc"
    assert root.find(f"{SVG}title").text.startswith("Profil de confiance")
    desc = root.find(f"{SVG}desc").text
    assert "Intérêt général 50" in desc
    assert "Non évalué : Sobriété" in desc
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for title in PRINCIPLES.values():
        assert title in texts
    assert "50 / 100" in texts
    assert texts.count("non évalué") == 7
    # The same chart from the stored JSON result.
    assert profile_svg(result.to_dict(), id_prefix="p1") == svg


def test_profile_svg_escapes_titles():
    svg = profile_svg({"principles": [{"title": "<script>&", "score": 40}]})
    assert "<script>" not in svg
    ET.fromstring(svg)  # noqa: S314 (our own output)


def test_profile_in_english():
    result = score(Q, {"items": {ids("securite")[0]: {"answer": "no"}}})
    svg = profile_svg(result, lang="en")
    assert "Trust profile by principle" in svg
    assert "Security 0" in svg and "not assessed" in svg
    assert "Sécurité" not in svg
