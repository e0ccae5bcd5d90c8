"""The public catalogue's filters, facet counts and sorts, computed in memory.

`selectors.catalogue_search` and `selectors.catalogue_facets` express the catalogue's
semantics in SQL; on 20,000 solutions their facet aggregate alone costs about half a
second a request (docs/PERFORMANCE.md). This module keeps, per process, one compact
row of facet values per published solution (NumPy arrays: a few hundred kilobytes at
20,000 solutions), built in four queries and rebuilt only when
`selectors.catalogue_version()` changes. A request then costs:

- the text match, when there is one: one query through `core.search` (the index's
  primary keys and, for the relevance sort, their rank);
- boolean masks and counts over the arrays (well under a millisecond);
- the 20 solutions of the page, fetched by primary key with their figures (three
  queries), published ones only, so a stale index can never show a draft.

The results are the same as the SQL selectors' (tested on both databases:
`tests/test_catalogue_facet_index.py`); the exports and the API keep using the SQL
selectors, which stream every row anyway.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.db.models import F, Value, Window
from django.db.models.functions import Lower, RowNumber

from citeia.core import search

from .models import Domain, Reference, ReferenceStatus, Solution, SolutionStatus, Technique

# Scalar facets read by the index: page key -> column of the values_list below.
_CHOICE_COLUMNS = {
    "maturite": "maturity",
    "deploiement": "deployment",
    "hebergement": "hosting",
    "donnees": "personal_data",
    "aiact": "figures__aiact_outcome",
    "sobriete": "figures__frugality_grade",
}


@dataclass
class Options:
    """The options of a domain or technique facet, in their display order."""

    slugs: list[str]
    names: list[str]
    matrix: np.ndarray  # bool, solutions × options

    def column(self, slug: str) -> int | None:
        try:
            return self.slugs.index(slug)
        except ValueError:
            return None

    def any_of(self, slugs: list[str], size: int) -> np.ndarray:
        columns = [c for c in (self.column(slug) for slug in slugs) if c is not None]
        if not columns:
            # Only unknown values: like the SQL filter, nothing matches.
            return np.zeros(size, dtype=bool)
        return self.matrix[:, columns].any(axis=1)


@dataclass
class FacetIndex:
    version: str
    ids: np.ndarray  # primary keys, in name order ("name", "pk")
    position: dict[int, int]  # primary key -> row
    sorted_ids: np.ndarray  # the primary keys in increasing order, for `lookup`
    sorted_rows: np.ndarray  # the row of each of them
    updated: np.ndarray  # int64, microseconds since the epoch
    reference_count: np.ndarray
    mean_score: np.ndarray  # float, NaN when not reviewed
    free_software: np.ndarray  # bool
    reviewed: np.ndarray  # bool: at least one review
    choices: dict[str, np.ndarray]  # page key -> int8 codes, -1 for no value
    choice_values: dict[str, list[str]]
    domains: Options
    techniques: Options
    territories: Options  # slugs are territory ids as str: used there, not abandoned
    # For the needs ranking: the Action-1 criterion means (NaN when not reviewed), the
    # territories using each solution by code (the organisation's or its commune's, not
    # abandoned), and each solution's place in the order of ("lower(name)", "pk").
    means: dict[str, np.ndarray]
    territory_codes: Options
    lower_name_rank: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)

    def lookup(self, primary_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Rows of the given primary keys, and which of them are known (drafts are not):
        `rows[known]` are the rows of `primary_keys[known]`, in their order."""
        if not self.size or not len(primary_keys):
            return np.zeros(0, dtype=np.int64), np.zeros(len(primary_keys), dtype=bool)
        at = np.searchsorted(self.sorted_ids, primary_keys)
        at[at == self.size] = 0
        known = self.sorted_ids[at] == primary_keys
        return self.sorted_rows[at[known]], known

    def rows_of(self, primary_keys) -> np.ndarray:
        """Rows of the given primary keys (unknown ones, e.g. drafts, are dropped)."""
        keys = np.fromiter(primary_keys, dtype=np.int64)
        return self.lookup(keys)[0]


def _options(items, pairs, position: dict[int, int], size: int) -> Options:
    """`items`: (id, slug, name) in display order; `pairs`: (solution id, item id)."""
    slugs = [slug for _id, slug, _name in items]
    column = {item_id: i for i, (item_id, _slug, _name) in enumerate(items)}
    matrix = np.zeros((size, len(slugs)), dtype=bool)
    for solution_id, item_id in pairs:
        row = position.get(solution_id)
        if row is not None and item_id in column:
            matrix[row, column[item_id]] = True
    return Options(slugs, [name for _id, _slug, name in items], matrix)


def _labelled(queryset, kind: str, *fields: str):
    return queryset.order_by().annotate(kind=Value(kind)).values_list("kind", *fields)


def build(version: str, choice_values: dict[str, list[str]]) -> FacetIndex:
    """Read every published solution's facet values (four queries)."""
    rows = list(
        Solution.objects.filter(status=SolutionStatus.PUBLISHED)
        .annotate(
            # The needs ranking's tie-break, in the database's collation.
            lower_name_rank=Window(RowNumber(), order_by=[Lower("name").asc(), F("pk").asc()])
        )
        .order_by("name", "pk")
        .values_list(
            "pk",
            "updated_at",
            "is_free_software",
            "figures__reference_count",
            "figures__mean_score",
            "figures__review_count",
            *_CHOICE_COLUMNS.values(),
            "figures__criterion_means",
            "lower_name_rank",
        )
    )
    size = len(rows)
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=size)
    position = {int(pk): i for i, pk in enumerate(ids)}
    order = np.argsort(ids, kind="stable")
    choices = {}
    for offset, key in enumerate(_CHOICE_COLUMNS, start=6):
        code = {value: i for i, value in enumerate(choice_values[key])}
        choices[key] = np.fromiter(
            (code.get(row[offset], -1) for row in rows), dtype=np.int8, count=size
        )
    published = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    # Domains and techniques, then which solutions have them: two queries for both.
    items: dict[str, list] = {"d": [], "t": []}
    for kind, *item in (
        _labelled(Domain.objects.all(), "d", "id", "slug", "name", "position")
        .union(_labelled(Technique.objects.all(), "t", "id", "slug", "name", "position"), all=True)
        .order_by("kind", "position", "name")
    ):
        items[kind].append(item[:3])
    pairs: dict[str, list] = {"d": [], "t": []}
    for kind, solution_id, item_id in _labelled(
        Solution.domains.through.objects.filter(solution__in=published),
        "d",
        "solution_id",
        "domain_id",
    ).union(
        _labelled(
            Solution.techniques.through.objects.filter(solution__in=published),
            "t",
            "solution_id",
            "technique_id",
        ),
        all=True,
    ):
        pairs[kind].append((solution_id, item_id))
    domains = _options(items["d"], pairs["d"], position, size)
    techniques = _options(items["t"], pairs["t"], position, size)
    usage = list(
        Reference.objects.filter(solution__in=published)
        .exclude(status=ReferenceStatus.ABANDONED)
        .values_list(
            "solution_id",
            "organisation__territory_id",
            "organisation__territory__code",
            "organisation__commune__territory__code",
        )
    )
    usage_pairs = [
        (solution_id, str(territory_id))
        for solution_id, territory_id, _code, _commune_code in usage
        if territory_id is not None
    ]
    code_pairs = [
        (solution_id, code)
        for solution_id, *codes in ((row[0], row[2], row[3]) for row in usage)
        for code in codes
        if code
    ]
    codes = sorted({code for _id, code in code_pairs})
    code_column = {code: i for i, code in enumerate(codes)}
    code_matrix = np.zeros((size, len(codes)), dtype=bool)
    for solution_id, code in code_pairs:
        if solution_id in position:
            code_matrix[position[solution_id], code_column[code]] = True
    means_offset = 6 + len(_CHOICE_COLUMNS)
    keys = sorted({key for row in rows for key in (row[means_offset] or {})})
    means = {
        key: np.fromiter(
            (
                np.nan if (row[means_offset] or {}).get(key) is None else row[means_offset][key]
                for row in rows
            ),
            dtype=np.float64,
            count=size,
        )
        for key in keys
    }
    territory_slugs = sorted({slug for _id, slug in usage_pairs}, key=int)
    territory_column = {slug: i for i, slug in enumerate(territory_slugs)}
    territory_matrix = np.zeros((size, len(territory_slugs)), dtype=bool)
    for solution_id, slug in usage_pairs:
        if solution_id in position:
            territory_matrix[position[solution_id], territory_column[slug]] = True
    return FacetIndex(
        version=version,
        ids=ids,
        position=position,
        sorted_ids=ids[order],
        sorted_rows=order,
        updated=np.fromiter(
            (int(row[1].timestamp() * 1_000_000) for row in rows), dtype=np.int64, count=size
        ),
        reference_count=np.fromiter((row[3] or 0 for row in rows), dtype=np.int64, count=size),
        mean_score=np.fromiter(
            (np.nan if row[4] is None else row[4] for row in rows), dtype=np.float64, count=size
        ),
        free_software=np.fromiter((bool(row[2]) for row in rows), dtype=bool, count=size),
        # Kept up to date with the reviews by `services.solution_figures_refresh`.
        reviewed=np.fromiter((bool(row[5]) for row in rows), dtype=bool, count=size),
        choices=choices,
        choice_values=choice_values,
        domains=domains,
        techniques=techniques,
        territories=Options(territory_slugs, territory_slugs, territory_matrix),
        means=means,
        territory_codes=Options(codes, codes, code_matrix),
        lower_name_rank=np.fromiter((row[-1] for row in rows), dtype=np.int64, count=size),
    )


_lock = threading.Lock()
_current: FacetIndex | None = None


def current(version: str, choice_values: dict[str, list[str]]) -> FacetIndex:
    """This process's index for the catalogue at `version`, rebuilt if it is older."""
    global _current
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:
        if _current is None or _current.version != version:
            _current = build(version, choice_values)
        return _current


def clear() -> None:
    global _current
    with _lock:
        _current = None


# --- Evaluating a search ----------------------------------------------------------------


def conditions(index: FacetIndex, filters, territory_ids) -> dict[str, np.ndarray]:
    """Each active filter but the text match as a mask, keyed by its facet (as
    `selectors._conditions`)."""
    size = index.size
    masks: dict[str, np.ndarray] = {}
    if filters.domains:
        masks["domaine"] = index.domains.any_of(filters.domains, size)
    if filters.techniques:
        masks["technique"] = index.techniques.any_of(filters.techniques, size)
    for key, values in filters.choices.items():
        codes = [index.choice_values[key].index(value) for value in values]
        masks[key] = np.isin(index.choices[key], codes)
    if filters.free_software:
        masks["libre"] = index.free_software == (filters.free_software == "oui")
    if filters.reviewed:
        masks["evaluee"] = index.reviewed if filters.reviewed == "oui" else ~index.reviewed
    if filters.my_territory and territory_ids:
        masks["mon_territoire"] = index.territories.any_of([str(t) for t in territory_ids], size)
    return masks


def all_but(index: FacetIndex, base: np.ndarray, masks: dict[str, np.ndarray], skip: str):
    combined = base.copy()
    for key, mask in masks.items():
        if key != skip:
            combined &= mask
    return combined


@dataclass
class Evaluation:
    """The rows matching a search, in the order of its sort, and the facet counts."""

    rows: np.ndarray
    counts: dict[str, list[int]]  # facet key -> count per option, in option order


def text_match(filters, *, with_rank: bool) -> dict[int, float] | None:
    """Primary keys (and relevance) of the published solutions matching the text, or
    None without a text query. One query."""
    if not filters.has_text:
        return None
    # Drafts among the matches are dropped by `rows_of`: the index holds published only.
    if with_rank:
        # From the search index alone: a join on the solutions, with the relevance in a
        # subquery per row, costs four times as much on PostgreSQL.
        return search.relevance(Solution, filters.q)
    return dict.fromkeys(
        search.matching(Solution, filters.q).values_list("object_id", flat=True), 0.0
    )


def evaluate(index: FacetIndex, filters, territory_ids) -> Evaluation:
    """Filter, count and sort in memory. `territory_ids`: the signed-in agent's
    territories (the "my territory" facet and filter)."""
    sort = filters.effective_sort
    matched = text_match(filters, with_rank=sort == "pertinence")
    size = index.size
    base = np.ones(size, dtype=bool)
    relevance = np.zeros(size, dtype=np.float64)
    if matched is not None:
        base = np.zeros(size, dtype=bool)
        rows, known = index.lookup(np.fromiter(matched, dtype=np.int64, count=len(matched)))
        base[rows] = True
        relevance[rows] = np.fromiter(matched.values(), dtype=np.float64, count=len(matched))[known]
    masks = conditions(index, filters, territory_ids)
    selected = all_but(index, base, masks, skip="")
    counts: dict[str, list[int]] = {}
    for key, options in (("domaine", index.domains), ("technique", index.techniques)):
        scope = all_but(index, base, masks, key)
        counts[key] = options.matrix[scope].sum(axis=0).tolist()
    for key, values in index.choice_values.items():
        codes = index.choices[key][all_but(index, base, masks, key)]
        counts[key] = np.bincount(codes[codes >= 0], minlength=len(values)).tolist()
    scope = all_but(index, base, masks, "libre")
    free = int(index.free_software[scope].sum())
    counts["libre"] = [free, int(scope.sum()) - free]
    scope = all_but(index, base, masks, "evaluee")
    reviewed = int(index.reviewed[scope].sum())
    counts["evaluee"] = [reviewed, int(scope.sum()) - reviewed]
    if territory_ids:
        scope = all_but(index, base, masks, "mon_territoire")
        used = index.territories.any_of([str(t) for t in territory_ids], size)
        counts["mon_territoire"] = [int((used & scope).sum())]
    rows = np.flatnonzero(selected)
    # `ids` is in name order, so the row number breaks ties as ("name", "pk") does.
    if sort == "pertinence" and filters.q.strip():
        # Relevance, then name (all relevances are 0 for a text without searchable words).
        order = np.lexsort((rows, -relevance[rows]))
    elif sort == "utilisees":
        order = np.lexsort((rows, -index.reference_count[rows]))
    elif sort == "note":
        scores = index.mean_score[rows]
        order = np.lexsort((rows, -np.nan_to_num(scores, nan=-1.0), np.isnan(scores)))
    else:  # "recentes", and relevance without a text query
        order = np.lexsort((rows, -index.updated[rows]))
    return Evaluation(rows=rows[order], counts=counts)


class ResultPage(Sequence):
    """The sorted results for Django's paginator: `len` without a query, and a slice
    fetched by primary key with `fetch` (published solutions only)."""

    def __init__(self, index: FacetIndex, rows: np.ndarray, fetch):
        self.ids = index.ids[rows]
        self.fetch = fetch

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item : item + 1][0]
        wanted = [int(pk) for pk in self.ids[item]]
        found = {solution.pk: solution for solution in self.fetch(wanted)}
        return [found[pk] for pk in wanted if pk in found]


# --- The needs ranking ------------------------------------------------------------------


def _codes(index: FacetIndex, key: str, values) -> np.ndarray:
    known = [index.choice_values[key].index(v) for v in values if v in index.choice_values[key]]
    return np.isin(index.choices[key], known)


def must_have_masks(index: FacetIndex, territory: str | None) -> dict[str, np.ndarray]:
    """`scoring.MUST_HAVES` as masks over the index (the same tests; a test compares)."""
    on_premise = _codes(index, "deploiement", ["on_premise"])
    customer = _codes(index, "hebergement", ["customer"])
    used = (
        index.territory_codes.any_of([territory], index.size)
        if territory is not None
        else np.zeros(index.size, dtype=bool)
    )
    return {
        "free_software": index.free_software,
        "hosted_in_eu": _codes(index, "hebergement", ["france", "eu", "customer"]) | on_premise,
        "data_stays_in_commune": _codes(index, "donnees", ["none"]) | on_premise | customer,
        "used_in_my_territory": used,
    }


def rank(
    index: FacetIndex,
    *,
    weights: dict[str, int],
    must_haves,
    territory: str | None = None,
    domain_slug: str | None = None,
    max_score: float,
) -> np.ndarray:
    """Rows of the published solutions in the order of `review_selectors.ranked_solutions`:
    every must-have met first, then the weighted score of the criterion means (rounded to
    9 decimals, a criterion not reviewed counting 0), then lower(name) and primary key."""
    rows = np.arange(index.size)
    if domain_slug is not None:
        rows = rows[index.domains.any_of([domain_slug], index.size)]
    total = sum(weights.values())
    score = np.zeros(index.size, dtype=np.float64)
    for key, weight in weights.items():
        if weight and total and key in index.means:
            # The same operations, in the same order, as the SQL expression.
            score = score + np.nan_to_num(index.means[key], nan=0.0) * (
                100 * weight / max_score / total
            )
    score = np.round(score, 9)
    eligible = np.ones(index.size, dtype=bool)
    masks = must_have_masks(index, territory)
    for key in must_haves:
        eligible &= masks[key]
    order = np.lexsort((index.lower_name_rank[rows], -score[rows], ~eligible[rows]))
    return rows[order]
