"""The AI Act rules module: one test per article path, JSON, validation, and properties."""

import datetime
import json
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeia.assessment.aiact import (
    CONSOLIDATED_TEXT_DATE,
    FACT_NAMES,
    OUTCOME_ORDER,
    RULE_SET_VERSION,
    UNKNOWN,
    Facts,
    FactsError,
    Result,
    ResultFormatError,
    classify,
    rules,
)

ABSENT = object()

# Every fact answered, for a public deployer of a system that is only an AI system.
BASE = {
    "is_ai_system": True,
    "exclusion": None,
    "role": "deployer",
    "deployer_changes": [],
    "public_body": True,
    "provides_public_service": True,
    "prohibited_practices": [],
    "annex_i_safety_component": False,
    "annex_iii_point": None,
    "derogation": None,
    "profiles_natural_persons": False,
    "interacts_with_people": False,
    "generates_synthetic_content": False,
    "emotion_recognition_or_biometric_categorisation": False,
    "deepfake_or_public_interest_text": False,
    "first_put_into_service": None,
}
PRIVATE = {"public_body": False, "provides_public_service": False}
ANNEX_III_POINTS = list(rules.ANNEX_III_POINTS)
LETTERS = list(rules.PROHIBITED_PRACTICES)


def facts_dict(**changes):
    data = {**BASE, **changes}
    return {key: value for key, value in data.items() if value is not ABSENT}


def run(**changes):
    return classify(Facts.from_dict(facts_dict(**changes)))


def articles(result):
    return [obligation.article for obligation in result.obligations]


def obligation(result, article):
    (found,) = [item for item in result.obligations if item.article == article]
    return found


def steps(result, name):
    return [step for step in result.reasoning if step.step == name]


def test_the_rules_module_imports_nothing_from_django():
    code = "import sys, citeia.assessment.aiact; print(any(m.startswith('django') for m in sys.modules))"
    command = [sys.executable, "-c", code]
    root = Path(__file__).resolve().parent.parent
    completed = subprocess.run(command, capture_output=True, text=True, check=True, cwd=root)  # noqa: S603
    assert completed.stdout.strip() == "False"


# Scope (Art. 2, 3(1))


def test_a_system_that_is_not_ai_is_out_of_scope_and_still_recorded():
    result = run(is_ai_system=False)
    assert result.outcome == "out_of_scope"
    assert result.obligations == ()
    assert result.missing_facts == ()
    assert [step.article for step in result.reasoning] == ["Art. 3(1)", "Art. 3(1)"]


@pytest.mark.parametrize(
    ("exclusion", "article"),
    [
        ("defence", "Art. 2(3)"),
        ("scientific_research", "Art. 2(6)"),
        ("pre_market_rnd", "Art. 2(8)"),
        ("personal_use", "Art. 2(10)"),
    ],
)
def test_each_exclusion_puts_the_system_out_of_scope(exclusion, article):
    result = run(exclusion=exclusion, annex_iii_point="5a")
    assert result.outcome == "out_of_scope"
    assert result.high_risk_basis is None
    assert not result.fria_required
    assert not result.registration_required
    assert result.obligations == ()
    assert result.reasoning[-1].article == article


def test_an_exclusion_decides_even_when_ai_status_is_unknown():
    result = run(is_ai_system=ABSENT, exclusion="defence")
    assert result.outcome == "out_of_scope"
    assert result.missing_facts == ()


# Prohibited practices (Art. 5)


@pytest.mark.parametrize("letter", LETTERS)
def test_each_prohibited_practice_is_prohibited_from_its_date(letter):
    result = run(prohibited_practices=[letter], annex_iii_point="5a")
    assert result.outcome == "prohibited"
    stop = obligation(result, f"Art. 5(1)({letter})")
    expected = datetime.date(2026, 12, 2) if letter in ("ba", "bb") else datetime.date(2025, 2, 2)
    assert stop.applies_from == expected
    assert obligation(result, "Art. 4").applies_from == datetime.date(2025, 2, 2)
    assert result.reasoning[-1].article == f"Art. 5(1)({letter})"
    assert result.transparency == ()
    assert not result.fria_required


def test_a_known_prohibited_practice_wins_over_later_unknown_facts():
    result = classify(Facts(is_ai_system=True, exclusion=None, prohibited_practices=("c",)))
    assert result.outcome == "prohibited"
    assert result.missing_facts == ()


def test_a_prohibited_practice_with_unknown_scope_is_undetermined():
    result = run(is_ai_system=ABSENT, prohibited_practices=["c"])
    assert result.outcome == "undetermined"
    assert result.missing_facts == ("is_ai_system",)


def test_several_prohibited_practices_are_listed_in_the_order_of_the_article():
    result = run(prohibited_practices=["g", "c", "ba"])
    prohibited = [step.article for step in steps(result, "prohibited")]
    assert prohibited == ["Art. 5(1)(ba)", "Art. 5(1)(c)", "Art. 5(1)(g)"]


# Product route (Art. 6(1), Annex I)


def test_annex_i_safety_component_is_high_risk_from_2028():
    result = run(annex_i_safety_component=True, annex_iii_point=ABSENT)
    assert result.outcome == "high_risk"
    assert result.high_risk_basis == "annex_i"
    assert not result.fria_required
    assert not result.registration_required
    assert obligation(result, "Art. 26(1)").applies_from == datetime.date(2028, 8, 2)
    assert "Art. 27" not in articles(result)
    assert "Art. 86" not in articles(result)


# Annex III (Art. 6(2))


@pytest.mark.parametrize("point", ANNEX_III_POINTS)
def test_each_annex_iii_point_is_high_risk_with_its_basis(point):
    result = run(annex_iii_point=point)
    assert result.outcome == "high_risk"
    assert result.high_risk_basis == f"annex_iii:{point}"
    assert result.missing_facts == ()
    exempt = point == "2"
    assert result.fria_required is not exempt
    assert result.registration_required is not exempt
    assert ("Art. 27" in articles(result)) is not exempt
    assert ("Art. 49(3)" in articles(result)) is not exempt
    assert obligation(result, "Art. 26(1)").applies_from == datetime.date(2027, 12, 2)


@pytest.mark.parametrize("point", [p for p in ANNEX_III_POINTS if p.startswith("6")])
def test_law_enforcement_points_are_flagged_for_legal_review(point):
    result = run(annex_iii_point=point)
    (review,) = [step for step in result.reasoning if step.legal_review]
    assert "police municipale" in review.explanation
    assert "annexe III 6" in review.article


def test_other_points_are_not_flagged_for_legal_review():
    assert not any(step.legal_review for step in run(annex_iii_point="5a").reasoning)


def test_critical_infrastructure_is_exempt_from_fria_and_eu_registration_for_provider_too():
    result = run(annex_iii_point="2", role="provider")
    assert result.outcome == "high_risk"
    assert not result.fria_required
    assert not result.registration_required
    national = obligation(result, "Art. 49(5)")
    assert "niveau national" in national.explanation
    assert "Art. 49(1)" not in articles(result)
    (registration,) = steps(result, "registration")
    assert registration.article == "Art. 49(5)"
    assert "niveau national" in registration.explanation


# Derogation (Art. 6(3))


@pytest.mark.parametrize("letter", ["a", "b", "c", "d"])
def test_a_derogation_without_profiling_makes_it_not_high_risk_but_the_provider_registers(letter):
    result = run(
        annex_iii_point="5a", derogation=letter, profiles_natural_persons=False, role="provider"
    )
    assert result.outcome == "minimal"
    assert result.high_risk_basis is None
    assert result.registration_required
    assert not result.fria_required
    assert {"Art. 6(4)", "Art. 49(2)", "Art. 4"} <= set(articles(result))
    assert result.reasoning[-1].article == f"Art. 6(3)({letter})"


@pytest.mark.parametrize("letter", ["a", "b", "c", "d"])
def test_a_deployer_relying_on_a_derogation_asks_the_vendor_and_does_not_register(letter):
    result = run(annex_iii_point="4a", derogation=letter, profiles_natural_persons=False)
    assert result.outcome == "minimal"
    assert not result.registration_required
    assert "fournisseur" in obligation(result, "Art. 6(4)").explanation


@pytest.mark.parametrize("letter", ["a", "b", "c", "d"])
def test_a_derogation_never_applies_when_the_system_profiles_people(letter):
    result = run(annex_iii_point="5a", derogation=letter, profiles_natural_persons=True)
    assert result.outcome == "high_risk"
    assert result.high_risk_basis == "annex_iii:5a"
    assert steps(result, "derogation")[0].finding == "excluded_by_profiling"


def test_a_derogation_with_unknown_profiling_is_undetermined():
    result = run(annex_iii_point="5a", derogation="a", profiles_natural_persons=ABSENT)
    assert result.outcome == "undetermined"
    assert result.missing_facts == ("profiles_natural_persons",)


def test_profiling_decides_high_risk_even_if_the_derogation_is_unknown():
    result = run(annex_iii_point="5a", derogation=ABSENT, profiles_natural_persons=True)
    assert result.outcome == "high_risk"


def test_an_unknown_derogation_without_profiling_is_undetermined():
    result = run(annex_iii_point="5a", derogation=ABSENT, profiles_natural_persons=False)
    assert result.outcome == "undetermined"
    assert result.missing_facts == ("derogation",)


# Role and Art. 25


@pytest.mark.parametrize(
    ("change", "article"),
    [
        ("own_name", "Art. 25(1)(a)"),
        ("substantial_modification", "Art. 25(1)(b)"),
        ("purpose_change", "Art. 25(1)(c)"),
    ],
)
def test_a_deployer_changing_a_high_risk_system_becomes_its_provider(change, article):
    result = run(annex_iii_point="5a", deployer_changes=[change])
    assert result.role == "provider"
    assert article in [step.article for step in steps(result, "art25")]
    # Provider duties are added to the deployer's, which still uses the system.
    assert {
        "Art. 9",
        "Art. 17",
        "Art. 43(2)",
        "Art. 49(1)",
        "Art. 26(1)",
        "Art. 27",
        "Art. 49(3)",
    } <= set(articles(result))
    assert result.registration_required
    assert result.fria_required


def test_a_deployer_without_changes_stays_deployer():
    result = run(annex_iii_point="5a")
    assert result.role == "deployer"
    assert "Art. 9" not in articles(result)


def test_changes_to_a_system_that_is_not_high_risk_do_not_change_the_role():
    result = run(deployer_changes=["own_name", "purpose_change"])
    assert result.outcome == "minimal"
    assert result.role == "deployer"
    assert steps(result, "art25")[0].finding == "not_applicable"


def test_unknown_changes_of_a_high_risk_deployer_leave_the_role_open():
    result = run(annex_iii_point="5a", deployer_changes=ABSENT)
    assert result.outcome == "high_risk"
    assert result.role is None
    assert result.missing_facts == ("deployer_changes",)
    # A public deployer registers its use whatever its final role.
    assert result.registration_required


def test_a_private_provider_of_an_annex_iii_system_registers_but_runs_no_fria():
    result = run(annex_iii_point="5a", role="provider", deployer_changes=ABSENT, **PRIVATE)
    assert result.role == "provider"
    assert result.registration_required
    assert not result.fria_required
    assert "Art. 49(1)" in articles(result)
    assert "Art. 26(1)" not in articles(result)


def test_biometric_provider_conformity_depends_on_harmonised_standards():
    result = run(annex_iii_point="1a", role="provider")
    assert "Art. 43(1)" in articles(result)


# FRIA (Art. 27) and registration (Art. 49)


def test_a_public_body_deploying_an_annex_iii_system_runs_a_fria_and_registers():
    result = run(annex_iii_point="5a", provides_public_service=False)
    assert result.fria_required
    assert result.registration_required
    assert obligation(result, "Art. 49(3)").applies_from == datetime.date(2027, 12, 2)


def test_a_private_entity_providing_a_public_service_runs_a_fria_without_registering():
    result = run(annex_iii_point="3a", public_body=False, provides_public_service=True)
    assert result.fria_required
    assert not result.registration_required


def test_a_private_deployer_without_public_service_neither_runs_a_fria_nor_registers():
    result = run(annex_iii_point="4a", **PRIVATE)
    assert result.outcome == "high_risk"
    assert not result.fria_required
    assert not result.registration_required


@pytest.mark.parametrize("point", ["5b", "5c"])
def test_any_deployer_of_credit_scoring_or_insurance_pricing_runs_a_fria(point):
    result = run(annex_iii_point=point, **PRIVATE)
    assert result.fria_required
    assert not result.registration_required


def test_an_unknown_public_status_is_a_missing_fact_for_fria_and_registration():
    result = run(annex_iii_point="5a", public_body=ABSENT, provides_public_service=ABSENT)
    assert result.outcome == "high_risk"
    assert not result.fria_required
    assert not result.registration_required
    assert result.missing_facts == ("public_body", "provides_public_service")


def test_a_public_body_already_using_an_annex_iii_system_has_until_2030():
    result = run(annex_iii_point="5a", first_put_into_service="2024-05-01")
    assert obligation(result, "Art. 26(1)").applies_from == datetime.date(2030, 8, 2)
    assert steps(result, "dates")[0].article == "Art. 111(2)"


def test_a_private_deployer_already_using_an_annex_iii_system_has_no_extension():
    result = run(annex_iii_point="4a", first_put_into_service="2024-05-01", **PRIVATE)
    assert obligation(result, "Art. 26(1)").applies_from == datetime.date(2027, 12, 2)


def test_an_unknown_start_date_gives_the_earliest_date_and_says_when_it_could_be_later():
    result = run(annex_iii_point="5a", first_put_into_service=ABSENT)
    assert obligation(result, "Art. 26(1)").applies_from == datetime.date(2027, 12, 2)
    assert "2 août 2030" in steps(result, "dates")[0].explanation


# Transparency (Art. 50)


@pytest.mark.parametrize(
    ("interacts", "generates", "expected"),
    [
        (False, False, []),
        (True, False, ["50(1)"]),
        (False, True, ["50(2)"]),
        (True, True, ["50(1)", "50(2)"]),
    ],
)
def test_provider_transparency_combinations(interacts, generates, expected):
    result = run(
        role="provider",
        interacts_with_people=interacts,
        generates_synthetic_content=generates,
        emotion_recognition_or_biometric_categorisation=True,
        deepfake_or_public_interest_text=True,
    )
    assert result.outcome == "minimal"
    assert list(result.transparency) == expected
    assert ("Art. 50(5)" in articles(result)) is bool(expected)


@pytest.mark.parametrize(
    ("exposed", "deepfake", "expected"),
    [
        (False, False, []),
        (True, False, ["50(3)"]),
        (False, True, ["50(4)"]),
        (True, True, ["50(3)", "50(4)"]),
    ],
)
def test_deployer_transparency_combinations(exposed, deepfake, expected):
    result = run(
        interacts_with_people=True,
        generates_synthetic_content=True,
        emotion_recognition_or_biometric_categorisation=exposed,
        deepfake_or_public_interest_text=deepfake,
    )
    assert result.outcome == "minimal"
    assert list(result.transparency) == expected


def test_a_residents_chatbot_built_by_the_commune_is_minimal_with_the_duty_to_say_it_is_ai():
    result = run(role="provider", interacts_with_people=True)
    assert result.outcome == "minimal"
    assert result.role == "provider"
    assert result.transparency == ("50(1)",)
    assert obligation(result, "Art. 50(1)").applies_from == datetime.date(2026, 8, 2)
    assert not result.fria_required
    assert not result.registration_required


@pytest.mark.parametrize(
    ("started", "expected"),
    [
        ("2025-06-01", datetime.date(2026, 12, 2)),
        ("2026-09-01", datetime.date(2026, 8, 2)),
        (None, datetime.date(2026, 8, 2)),
    ],
)
def test_marking_synthetic_content_starts_later_for_systems_already_on_the_market(
    started, expected
):
    result = run(role="provider", generates_synthetic_content=True, first_put_into_service=started)
    assert obligation(result, "Art. 50(2)").applies_from == expected


def test_an_unknown_start_date_keeps_the_earliest_marking_date_with_a_note():
    result = run(role="provider", generates_synthetic_content=True, first_put_into_service=ABSENT)
    marking = obligation(result, "Art. 50(2)")
    assert marking.applies_from == datetime.date(2026, 8, 2)
    assert "2 décembre 2026" in marking.explanation


def test_transparency_adds_to_a_high_risk_outcome():
    result = run(annex_iii_point="1c", emotion_recognition_or_biometric_categorisation=True)
    assert result.outcome == "high_risk"
    assert result.transparency == ("50(3)",)


def test_a_deployer_turned_provider_gets_the_provider_transparency_duties():
    result = run(annex_iii_point="5a", deployer_changes=["own_name"], interacts_with_people=True)
    assert result.transparency == ("50(1)",)


# Missing facts


def test_no_facts_at_all_is_undetermined_and_lists_the_questions_of_the_path():
    result = classify(Facts())
    assert result.outcome == "undetermined"
    assert result.missing_facts == (
        "is_ai_system",
        "exclusion",
        "prohibited_practices",
        "annex_i_safety_component",
        "annex_iii_point",
        "interacts_with_people",
        "generates_synthetic_content",
        "emotion_recognition_or_biometric_categorisation",
        "deepfake_or_public_interest_text",
    )
    assert result.obligations == ()
    assert result.reasoning[-1].article == "Art. 3(1)"


def test_unknown_prohibited_practices_block_even_a_known_high_risk():
    result = run(prohibited_practices=ABSENT, annex_i_safety_component=True)
    assert result.outcome == "undetermined"
    assert result.missing_facts == ("prohibited_practices",)
    assert result.high_risk_basis is None
    assert not result.fria_required
    # The system is in scope for sure, so AI literacy already applies.
    assert articles(result) == ["Art. 4"]


def test_unknown_prohibited_practices_cannot_give_minimal():
    result = run(prohibited_practices=ABSENT)
    assert result.outcome == "undetermined"
    assert result.missing_facts == ("prohibited_practices",)


def test_an_unknown_annex_iii_point_is_undetermined():
    result = run(annex_iii_point=ABSENT)
    assert result.outcome == "undetermined"
    assert result.missing_facts == ("annex_iii_point",)


def test_an_unknown_transparency_fact_of_the_role_is_undetermined():
    result = run(role="provider", interacts_with_people=ABSENT)
    assert result.outcome == "undetermined"
    assert result.missing_facts == ("interacts_with_people",)


def test_a_transparency_fact_of_the_other_role_is_not_needed():
    result = run(role="provider", deepfake_or_public_interest_text=ABSENT)
    assert result.outcome == "minimal"


def test_an_unknown_role_is_needed_once_a_transparency_duty_applies():
    result = run(role=ABSENT, deployer_changes=ABSENT, interacts_with_people=True)
    assert result.outcome == "undetermined"
    assert result.missing_facts == ("role",)


def test_an_unknown_role_does_not_matter_when_no_duty_applies():
    result = run(role=ABSENT, deployer_changes=ABSENT)
    assert result.outcome == "minimal"
    assert result.role is None


def test_an_unknown_role_of_a_high_risk_system_is_a_missing_fact():
    result = run(role=ABSENT, deployer_changes=ABSENT, annex_iii_point="5a")
    assert result.outcome == "high_risk"
    assert result.missing_facts == ("role",)
    assert not result.fria_required
    assert not result.registration_required


# JSON


def test_facts_round_trip_through_json_keeping_unknown_and_none_apart():
    facts = Facts.from_dict(
        {"is_ai_system": True, "exclusion": None, "prohibited_practices": ["c"]}
    )
    assert facts.exclusion is None
    assert facts.annex_iii_point is UNKNOWN
    assert facts.role is None
    data = json.loads(json.dumps(facts.to_dict()))
    assert data == {"is_ai_system": True, "exclusion": None, "prohibited_practices": ["c"]}
    assert Facts.from_dict(data) == facts


def test_null_for_a_boolean_fact_means_unknown():
    assert Facts.from_dict({"is_ai_system": None}) == Facts()


def test_a_result_round_trips_through_json():
    result = run(
        annex_iii_point="6a", deployer_changes=["own_name"], first_put_into_service="2025-01-15"
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert Result.from_dict(data) == result
    assert data["rule_set"] == {"version": RULE_SET_VERSION, "consolidated_text_date": "2026-07-27"}
    assert set(data) == {
        "outcome",
        "role",
        "high_risk_basis",
        "transparency",
        "fria_required",
        "registration_required",
        "obligations",
        "missing_facts",
        "reasoning",
        "rule_set",
    }
    assert set(data["obligations"][0]) == {"article", "title", "applies_from", "explanation"}


def test_the_result_names_the_rule_set_and_the_consolidated_text():
    result = run()
    assert result.rule_set.version == RULE_SET_VERSION
    assert result.rule_set.consolidated_text_date == CONSOLIDATED_TEXT_DATE


@pytest.mark.parametrize(
    "mutate",
    [
        lambda data: data.pop("outcome"),
        lambda data: data.update(outcome="dangerous"),
        lambda data: data.update(role="vendor"),
        lambda data: data.update(fria_required="yes"),
        lambda data: data["obligations"][0].update(applies_from="2 février 2025"),
        lambda data: data.update(rule_set=None),
    ],
)
def test_a_malformed_stored_result_is_rejected(mutate):
    data = run().to_dict()
    mutate(data)
    with pytest.raises(ResultFormatError):
        Result.from_dict(data)


# Validation


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        (
            {"exclusion": "defence", "prohibited_practices": ["c"]},
            "prohibited_practices",
            "contradiction",
        ),
        (
            {"is_ai_system": False, "prohibited_practices": ["a"]},
            "prohibited_practices",
            "contradiction",
        ),
        ({"annex_iii_point": None, "derogation": "a"}, "derogation", "contradiction"),
        (
            {"role": "provider", "deployer_changes": ["own_name"]},
            "deployer_changes",
            "contradiction",
        ),
        ({"annex_iii_point": "9a"}, "annex_iii_point", "unknown_value"),
        ({"annex_iii_point": "5"}, "annex_iii_point", "unknown_value"),
        ({"annex_iii_point": "5a", "derogation": "e"}, "derogation", "unknown_value"),
        ({"exclusion": "military"}, "exclusion", "unknown_value"),
        ({"role": "user"}, "role", "unknown_value"),
        ({"prohibited_practices": ["z"]}, "prohibited_practices", "unknown_value"),
        ({"prohibited_practices": ["c", "c"]}, "prohibited_practices", "duplicate_value"),
        ({"deployer_changes": ["rename"]}, "deployer_changes", "unknown_value"),
        ({"prohibited_practices": "c"}, "prohibited_practices", "invalid_type"),
        ({"public_body": "oui"}, "public_body", "invalid_type"),
        ({"is_ai_system": 1}, "is_ai_system", "invalid_type"),
        ({"first_put_into_service": "2025-13-01"}, "first_put_into_service", "invalid_date"),
        ({"first_put_into_service": "01/02/2025"}, "first_put_into_service", "invalid_date"),
        ({"first_put_into_service": "20250101"}, "first_put_into_service", "invalid_date"),
        ({"first_put_into_service": 20250101}, "first_put_into_service", "invalid_date"),
        ({"annex_iii": "5a"}, "annex_iii", "unknown_field"),
    ],
)
def test_bad_facts_raise_an_error_naming_the_field(changes, field, code):
    with pytest.raises(FactsError) as caught:
        Facts.from_dict(facts_dict(**changes))
    (error,) = caught.value.errors
    assert (error.field, error.code) == (field, code)
    assert error.message and error.message_en
    assert field in str(caught.value)


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(FactsError) as caught:
        Facts.from_dict(
            {
                "exclusion": "defence",
                "prohibited_practices": ["c"],
                "annex_iii_point": "9a",
                "derogation": "e",
                "colour": "red",
                "first_put_into_service": "hier",
            }
        )
    assert [(error.field, error.code) for error in caught.value.errors] == [
        ("colour", "unknown_field"),
        ("first_put_into_service", "invalid_date"),
        ("annex_iii_point", "unknown_value"),
        ("derogation", "unknown_value"),
        ("prohibited_practices", "contradiction"),
    ]
    assert caught.value.to_dict()[0]["code"] == "unknown_field"


def test_facts_that_are_not_an_object_are_rejected():
    with pytest.raises(FactsError) as caught:
        Facts.from_dict(["is_ai_system"])
    assert caught.value.errors[0].code == "not_an_object"


def test_the_french_message_quotes_the_allowed_values():
    with pytest.raises(FactsError) as caught:
        Facts.from_dict({"annex_iii_point": "9a"})
    message = caught.value.errors[0].message
    assert "Valeur inconnue" in message
    assert "5a" in message


def test_facts_built_in_python_are_validated_too():
    with pytest.raises(FactsError):
        Facts(exclusion="defence", prohibited_practices=("c",))
    with pytest.raises(FactsError):
        Facts(first_put_into_service=datetime.datetime(2025, 1, 1, 12, 0))


# Properties


def _value(name):
    if name in ("role",):
        return st.sampled_from([None, "provider", "deployer"])
    if name == "exclusion":
        return st.sampled_from([UNKNOWN, None, *rules.EXCLUSIONS])
    if name == "annex_iii_point":
        return st.sampled_from([UNKNOWN, None, *ANNEX_III_POINTS])
    if name == "derogation":
        return st.sampled_from([UNKNOWN, None, *rules.DEROGATIONS])
    if name == "first_put_into_service":
        return st.one_of(
            st.just(UNKNOWN),
            st.none(),
            st.dates(datetime.date(2020, 1, 1), datetime.date(2032, 1, 1)),
        )
    if name == "prohibited_practices":
        return st.one_of(
            st.none(),
            st.just(()),
            st.lists(st.sampled_from(LETTERS), max_size=3, unique=True).map(tuple),
        )
    if name == "deployer_changes":
        return st.one_of(
            st.none(),
            st.lists(st.sampled_from(list(rules.DEPLOYER_CHANGES)), unique=True).map(tuple),
        )
    return st.sampled_from([None, True, False])


@st.composite
def any_facts(draw):
    """Any valid facts: contradictory combinations are repaired rather than filtered out."""
    values = {name: draw(_value(name)) for name in FACT_NAMES}
    if isinstance(values["exclusion"], str) or values["is_ai_system"] is False:
        values["prohibited_practices"] = draw(st.sampled_from([None, ()]))
    if values["annex_iii_point"] is None and isinstance(values["derogation"], str):
        values["derogation"] = None
    if values["role"] == "provider" and values["deployer_changes"]:
        values["deployer_changes"] = ()
    return Facts(**values)


def _rank(outcome):
    return OUTCOME_ORDER.index(outcome)


@given(any_facts())
def test_results_are_always_json_serialisable_and_round_trip(facts):
    result = classify(facts)
    text = json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False)
    assert Result.from_dict(json.loads(text)) == result
    assert Facts.from_dict(json.loads(json.dumps(facts.to_dict()))) == facts


@given(any_facts())
def test_every_obligation_has_an_article_and_an_iso_date(facts):
    for item in classify(facts).to_dict()["obligations"]:
        assert re.fullmatch(r"Art\. \d+.*", item["article"])
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["applies_from"])
        assert item["applies_from"] in {day.isoformat() for day in rules.DATES.values()}
        assert item["title"] and item["explanation"] and "\n" not in item["explanation"]


@given(any_facts())
def test_every_reasoning_step_cites_an_article(facts):
    result = classify(facts)
    assert result.reasoning[-1].step == "outcome"
    assert result.reasoning[-1].finding == result.outcome
    for step in result.reasoning:
        assert re.match(r"Art\. \d+", step.article)
        assert step.explanation and "\n" not in step.explanation


@given(any_facts())
def test_unknown_facts_never_produce_minimal(facts):
    result = classify(facts)
    if result.outcome == "minimal":
        assert result.missing_facts == ()
    core = (
        "is_ai_system",
        "exclusion",
        "prohibited_practices",
        "annex_i_safety_component",
        "annex_iii_point",
    )
    if any(not facts.is_known(name) for name in core):
        assert result.outcome != "minimal"


@given(any_facts(), st.sampled_from(FACT_NAMES))
def test_forgetting_a_fact_never_turns_an_outcome_into_another_definite_one(facts, name):
    before = classify(facts).outcome
    after = classify(facts.forget(name)).outcome
    assert after in (before, "undetermined")
    if before != "minimal":
        assert after != "minimal"


@given(any_facts(), st.sampled_from(LETTERS))
def test_adding_a_prohibited_practice_never_lowers_the_outcome(facts, letter):
    # Order: out_of_scope < minimal < high_risk < prohibited; "undetermined" is unranked
    # and may only stay undetermined (the scope is not known yet).
    if isinstance(facts.exclusion, str) or facts.is_ai_system is False:
        return  # a prohibited practice would contradict the scope answers
    before = classify(facts).outcome
    practices = tuple(sorted({*(facts.prohibited_practices or ()), letter}))
    after = classify(replace(facts, prohibited_practices=practices)).outcome
    assert after in ("prohibited", "undetermined")
    if after == "undetermined":
        assert before == "undetermined"
    elif before != "undetermined":
        assert _rank(after) >= _rank(before)


@given(any_facts())
def test_fria_and_registration_only_follow_their_articles(facts):
    result = classify(facts)
    if result.fria_required:
        assert result.outcome == "high_risk"
        assert result.high_risk_basis not in (None, "annex_i", "annex_iii:2")
    if result.high_risk_basis == "annex_iii:2":
        assert not result.fria_required
        assert not result.registration_required
    if result.registration_required and result.outcome == "minimal":
        assert facts.role == "provider" and isinstance(facts.derogation, str)
