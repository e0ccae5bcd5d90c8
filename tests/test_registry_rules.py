"""Pure rules of the register: French readability, deadlines, the explicit mention."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citeia.registry import deadlines, readability
from citeia.registry.mention import CADA_URL, explicit_mention

PLAIN = "La commune calcule votre tarif. Elle regarde vos revenus. Un agent vérifie."
HARD = (
    "L'administration territoriale procède à l'optimisation algorithmique multicritère des "
    "affectations scolaires conformément aux dispositions réglementaires applicables en la matière, "
    "après consolidation des informations administratives transmises préalablement par les familles."
)


def test_short_plain_sentences_meet_the_target():
    result = readability.analyse(PLAIN)
    assert result.sentences == 3
    assert result.words == 12
    assert result.meets_target
    assert result.level in ("easy", "very_easy", "fairly_easy", "standard")


def test_long_administrative_sentence_misses_the_target():
    result = readability.analyse(HARD)
    assert result.sentences == 1
    assert not result.meets_target
    assert result.score < readability.TARGET_SCORE
    assert result.long_word_share > readability.TARGET_LONG_WORD_SHARE
    assert result.level in ("very_hard", "hard")


def test_plain_text_scores_higher_than_administrative_text():
    assert readability.analyse(PLAIN).score > readability.analyse(HARD).score


def test_empty_text_has_no_score_and_misses_target():
    result = readability.analyse("  \n ")
    assert result.words == 0
    assert not result.meets_target


@pytest.mark.parametrize(
    ("word", "syllables"),
    [("tarif", 2), ("école", 2), ("algorithme", 3), ("calcule", 2), ("l'agent", 2), ("eau", 1)],
)
def test_french_syllables_are_counted_by_vowel_groups_without_mute_e(word, syllables):
    assert readability.count_syllables(word) == syllables


def test_elided_words_count_once_and_long_words_follow_lix():
    assert readability.words("l'algorithme décide") == ["l'algorithme", "décide"]
    assert readability.is_long("algorithme")
    assert not readability.is_long("décision")


@given(st.text(max_size=400))
def test_score_is_always_between_0_and_100(text):
    result = readability.analyse(text)
    assert 0 <= result.score <= 100
    assert 0 <= result.long_word_share <= 1


def test_default_deadline_is_one_calendar_month():
    assert deadlines.due_date(date(2026, 3, 10)) == date(2026, 4, 10)
    # 31 January + one month: the last day of February.
    assert deadlines.due_date(date(2026, 1, 31)) == date(2026, 2, 28)
    assert deadlines.due_date(date(2028, 1, 31)) == date(2028, 2, 29)
    assert deadlines.due_date(date(2026, 12, 15)) == date(2027, 1, 15)


def test_an_organisation_may_set_its_deadline_in_days():
    assert deadlines.due_date(date(2026, 3, 10), 15) == date(2026, 3, 25)


def test_lateness_and_median_delay():
    assert deadlines.days_late(date(2026, 3, 10), date(2026, 3, 9)) == 0
    assert deadlines.days_late(date(2026, 3, 10), date(2026, 3, 13)) == 3
    assert deadlines.median_delay_days([3, 10, 20]) == 10
    assert deadlines.median_delay_days([]) is None
    assert deadlines.erase_after(date(2026, 1, 1), 30) == date(2026, 1, 31)


def test_explicit_mention_says_purpose_right_how_to_ask_and_cada():
    mention = explicit_mention(
        organisation="Montreuil",
        name="Calcul du quotient familial",
        purpose="Fixer le tarif de la cantine.",
        record_url="https://citeia.example/registre/fiches/CIA-93048-0001/",
        request_url="https://citeia.example/registre/fiches/CIA-93048-0001/demande/",
        contact="Direction de l'éducation, 1 place Jean-Jaurès",
    )
    text = mention.text
    assert "traitement algorithmique" in text
    assert "L311-3-1" in text
    assert "Fixer le tarif de la cantine" in text
    assert "droit d'obtenir la communication des règles" in text
    assert "https://citeia.example/registre/fiches/CIA-93048-0001/demande/" in text
    assert "Direction de l'éducation" in text
    assert CADA_URL in text
    assert '<a href="https://citeia.example/registre/fiches/CIA-93048-0001/">' in mention.html
    assert "&#x27;" in mention.html or "&#39;" in mention.html  # escaped, safe to paste


def test_mention_escapes_html_in_record_fields():
    mention = explicit_mention(
        organisation="Ville",
        name="<script>alert(1)</script>",
        purpose="x",
        record_url="https://a/",
        request_url="https://b/",
        contact="",
    )
    assert "<script>" not in mention.html
