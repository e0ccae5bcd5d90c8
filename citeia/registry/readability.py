"""French readability indicators for plain-language texts (pure, no Django).

Kandel and Moles (1958) adapted Flesch's reading-ease formula to French:

    L = 207 - 1.015 × (words / sentences) - 73.6 × (syllables / words)

The score reads like Flesch's: 60-70 is standard prose, 70 and above is easy. Syllables
are counted with a spelling heuristic (groups of vowels, a final mute "e" dropped), good
enough to rank drafts, not to certify a text. "Long words" have nine letters or more:
LIX's six-letter bound flags half of ordinary French, where words are longer than in Swedish.
"""

import re
from dataclasses import dataclass

FORMULA_VERSION = 1
# The register asks for B1-level French: a "standard" text or easier, short sentences.
TARGET_SCORE = 60.0
TARGET_SENTENCE_WORDS = 20.0
TARGET_LONG_WORD_SHARE = 0.15
LONG_WORD_LETTERS = 9

_VOWELS = "aeiouyàâäéèêëîïôöùûüÿœæ"
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…;:]+(?:\s|$)|\n\s*\n")
_VOWEL_GROUP = re.compile(f"[{_VOWELS}]+")


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    long_words: int
    score: float  # Kandel-Moles reading ease, clamped to 0-100
    mean_sentence_words: float
    long_word_share: float

    @property
    def level(self) -> str:
        """A key of LEVELS."""
        for threshold, key in LEVELS:
            if self.score >= threshold:
                return key
        return "very_hard"

    @property
    def meets_target(self) -> bool:
        return (
            self.words > 0
            and self.score >= TARGET_SCORE
            and self.mean_sentence_words <= TARGET_SENTENCE_WORDS
            and self.long_word_share <= TARGET_LONG_WORD_SHARE
        )


LEVELS: list[tuple[float, str]] = [
    (90.0, "very_easy"),
    (80.0, "easy"),
    (70.0, "fairly_easy"),
    (60.0, "standard"),
    (50.0, "fairly_hard"),
    (30.0, "hard"),
]


def words(text: str) -> list[str]:
    """The words of `text`; an elided article ("l'algorithme") counts with its noun."""
    return _WORD.findall(text)


def count_sentences(text: str) -> int:
    parts = [part for part in _SENTENCE_END.split(text) if words(part)]
    return max(len(parts), 1 if words(text) else 0)


def count_syllables(word: str) -> int:
    """Spoken syllables of a French word, approximately (at least one)."""
    lowered = word.lower().replace("’", "'")
    lowered = lowered.split("'")[-1] or lowered
    groups = _VOWEL_GROUP.findall(lowered)
    count = len(groups)
    # A final mute e (-e, -es) is written but not spoken in everyday French.
    if count > 1 and (lowered.endswith("e") or lowered.endswith("es")) and groups[-1] == "e":
        count -= 1
    return max(count, 1)


def is_long(word: str) -> bool:
    return sum(1 for char in word if char.isalpha()) >= LONG_WORD_LETTERS


def analyse(text: str) -> Readability:
    found = words(text)
    word_count = len(found)
    if word_count == 0:
        return Readability(0, 0, 0, 0, 0.0, 0.0, 0.0)
    sentences = max(count_sentences(text), 1)
    syllables = sum(count_syllables(word) for word in found)
    long_words = sum(1 for word in found if is_long(word))
    mean_words = word_count / sentences
    raw = 207 - 1.015 * mean_words - 73.6 * (syllables / word_count)
    return Readability(
        words=word_count,
        sentences=sentences,
        syllables=syllables,
        long_words=long_words,
        score=round(min(max(raw, 0.0), 100.0), 1),
        mean_sentence_words=round(mean_words, 1),
        long_word_share=round(long_words / word_count, 3),
    )
