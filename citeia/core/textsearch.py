"""French text normalisation for full-text search: pure logic, no Django.

Both search backends see the same *words*: lowercased, accents removed, split on
anything that is not a letter or a digit, French stop words dropped. What a user
types therefore never reaches a database query language as-is: a query is reduced
to plain words made of letters and digits, and the query strings for SQLite FTS5
and PostgreSQL `to_tsquery` are built here from those words only. Quotes, `AND`,
`NEAR(`, `*`, parentheses or SQL cannot survive that reduction.

SQLite indexes the Snowball French stems computed here (`stems`, `stem_scores`);
PostgreSQL stems with its own Snowball dictionary (`french_unaccent`). Each backend
stems documents and queries the same way, which is what matters.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

# PostgreSQL's french.stop (the Snowball French list), accents removed, because
# the words are compared after normalisation.
_FRENCH_STOP = """
    au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur
    ta te tes toi ton tu un une vos votre vous c d j l a m n s t y ete etee etees etes
    etant etante etants etantes suis es est sommes etes sont serai seras sera serons
    serez seront serais serait serions seriez seraient etais etait etions etiez
    etaient fus fut fumes futes furent sois soit soyons soyez soient fusse fusses
    fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai as avons
    avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez
    auraient avais avait avions aviez avaient eut eumes eutes eurent aie aies ait
    ayons ayez aient eusse eusses eut eussions eussiez eussent
"""
STOP_WORDS = frozenset(_FRENCH_STOP.split())

MAX_QUERY_TERMS = 12
MAX_WORD_LENGTH = 64
MAX_QUERY_LENGTH = 1000
MIN_PREFIX_LENGTH = 2
# Snowball may remove a suffix of up to about five letters ("ations", "ements").
# While a word is being typed, its stem can be shorter than what is typed so far
# ("numeriq" is on its way to "numerique", whose stem is "numer"): the prefix term
# also accepts these shorter truncations as whole stems.
PREFIX_TRUNCATION = 5
MIN_TRUNCATION_LENGTH = 4

# Letters that NFKD does not decompose but PostgreSQL's unaccent rewrites.
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"}
_LIGATURE = re.compile("|".join(_LIGATURES))
# Combining diacritical marks, left by NFKD decomposition: "é" -> "e" + U+0301.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_WORD = re.compile(r"[^\W_]+")
# Boolean operators typed in capitals ("déchets OR eau") are read as nothing rather
# than as words that no document contains; lowercase "or" stays a French word.
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")

_stemmer = snowballstemmer.stemmer("french")


def normalise(text: str) -> str:
    """Lowercase and remove accents: "Délibérations" -> "deliberations"."""
    text = _LIGATURE.sub(lambda match: _LIGATURES[match.group()], text.casefold())
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text))


def words(text: str) -> list[str]:
    """The normalised words of a text, stop words and overlong tokens left out."""
    return [
        word
        for word in _WORD.findall(normalise(text))
        if word not in STOP_WORDS and len(word) <= MAX_WORD_LENGTH
    ]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball French stem of a normalised word: "dechets" -> "dechet"."""
    result: str = _stemmer.stemWord(word)
    return result


def stems(text: str) -> list[str]:
    return [stem(word) for word in words(text)]


def stem_scores(stems_by_weight: Mapping[str, Iterable[str]], weights: Mapping[str, float]) -> str:
    """Each stem of a document with its relevance, best first: " dechet:0.3000 tri:0.1000 ".

    `stems_by_weight` maps a weight name to the stems of its text. A stem found n times
    in a text of weight w scores w * n / (n + 1), summed over the texts: weights first,
    then diminishing repetitions, as PostgreSQL's ts_rank does. SQLite reads the score
    of a query stem from this string with instr() (the first " p" is the best stem
    with the prefix p, since the string is sorted).
    """
    scores: dict[str, float] = {}
    for weight, text_stems in stems_by_weight.items():
        for term, count in Counter(text_stems).items():
            scores[term] = scores.get(term, 0.0) + weights[weight] * count / (count + 1)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    return " " + " ".join(f"{term}:{score:.4f}" for term, score in ranked) + " " if ranked else ""


@dataclass(frozen=True)
class Term:
    """One word of a query.

    `word` is the normalised word (PostgreSQL stems it itself), `stem` its Snowball
    stem (for SQLite). A `prefix` term matches every stem that starts with `stem`,
    or equals one of the `truncations`.
    """

    word: str
    stem: str
    prefix: bool = False
    truncations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...]

    @property
    def is_empty(self) -> bool:
        return not self.terms


def _truncations(word: str, word_stem: str) -> tuple[str, ...]:
    shortest = max(MIN_TRUNCATION_LENGTH, len(word) - PREFIX_TRUNCATION)
    return tuple(word[:length] for length in range(len(word_stem) - 1, shortest - 1, -1))


def parse_query(text: str, *, prefix: bool = True) -> Query:
    """Turn what a user typed into plain terms, all of which must match.

    With `prefix`, the last word is a prefix unless the text ends with a space or a
    punctuation mark, so that results follow the user while they type.
    """
    text = _OPERATORS.sub(" ", text[:MAX_QUERY_LENGTH])
    query_words = list(dict.fromkeys(words(text)))[:MAX_QUERY_TERMS]
    if not query_words:
        return Query(terms=())
    terms = [Term(word=word, stem=stem(word)) for word in query_words]
    last = terms[-1]
    typing = prefix and bool(_WORD.search(text[-1:])) and normalise(text).endswith(last.word)
    if typing and len(last.stem) >= MIN_PREFIX_LENGTH:
        terms[-1] = Term(
            word=last.word,
            stem=last.stem,
            prefix=True,
            truncations=_truncations(last.word, last.stem),
        )
    return Query(terms=tuple(terms))


def _fts5_phrase(value: str) -> str:
    # Terms hold letters and digits only, so the quotes cannot be closed early.
    return f'"{value}"'


def fts5_match(query: Query) -> str:
    """FTS5 MATCH expression: every term required, the prefix term with a `*`."""
    parts = []
    for term in query.terms:
        if not term.prefix:
            parts.append(_fts5_phrase(term.stem))
            continue
        options = [_fts5_phrase(term.stem) + "*", *map(_fts5_phrase, term.truncations)]
        parts.append("(" + " OR ".join(options) + ")" if len(options) > 1 else options[0])
    return " AND ".join(parts)


def tsquery_word(word: str, *, prefix: bool = False) -> str:
    """One operand of a PostgreSQL `to_tsquery` expression."""
    # Words hold letters and digits only: no quote, backslash or operator.
    return f"'{word}'" + (":*" if prefix else "")


def tsquery_required(query: Query) -> str:
    """`to_tsquery` text for the exact terms, all required ("" when none)."""
    return " & ".join(tsquery_word(term.word) for term in query.terms if not term.prefix)


def prefix_term(query: Query) -> Term | None:
    return next((term for term in query.terms if term.prefix), None)
