"""French full-text search over any model, on PostgreSQL or SQLite (ADR 0012).

An app declares what to index in its `selectors.py` (discovered on first use)::

    @search.register
    class SolutionIndex(search.SearchIndex):
        model = Solution
        fields = {"name": "A", "summary": "B", "vendor": "B", "domains": "B", "description": "C"}

        def get_queryset(self):  # what `reindex` reads
            return Solution.objects.select_related("vendor").prefetch_related("domains")

        def document(self, obj):  # by default, the attribute of each name in `fields`
            return {
                **super().document(obj),
                "domains": " ".join(domain.label for domain in obj.domains.all()),
            }

Its services call `search.index(obj)` after each write and `search.remove(obj)`
before a delete; its selectors filter, then search and rank::

    solutions = Solution.objects.filter(status="published", maturity="production")
    solutions = search.filter_and_rank(solutions, request.GET["q"])  # .search_rank

Search only ever narrows the queryset it is given: what the caller may not show is
never reached through the index, so drafts can be indexed like anything else.
"""

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.exceptions import ImproperlyConfigured
from django.db import NotSupportedError, connections, models, router, transaction
from django.db.models import Expression, F, FloatField, OuterRef, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.module_loading import autodiscover_modules

from . import textsearch
from .models import SearchDocument
from .textsearch import Query

WEIGHTS = ("A", "B", "C", "D")
# Relative importance of the weights, PostgreSQL's ts_rank defaults, used on both
# databases so that a name (A) match outranks any number of description (C) matches.
RANK_WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
POSTGRESQL_CONFIG = "french_unaccent"
# SQLite only, created by migration 0003, both keyed by the SearchDocument id.
FTS_TABLE = "core_searchdocument_fts"
RANK_TABLE = "core_searchdocument_rank"
_SQLITE_DELETE = (
    "DELETE FROM core_searchdocument_fts WHERE rowid = %s",
    "DELETE FROM core_searchdocument_rank WHERE id = %s",
)
_SQLITE_INSERT_TERMS = "INSERT INTO core_searchdocument_fts (rowid, terms) VALUES (%s, %s)"
_SQLITE_INSERT_SCORES = "INSERT INTO core_searchdocument_rank (id, scores) VALUES (%s, %s)"
_SQLITE_MATCH = "SELECT rowid FROM core_searchdocument_fts WHERE core_searchdocument_fts MATCH %s"
MAX_TEXT_LENGTH = 200_000
BATCH_SIZE = 500

_COLUMNS = {"A": "text_a", "B": "text_b", "C": "text_c", "D": "text_d"}


class SearchIndex:
    """What to index for one model: `fields` maps a name to a weight, A to D.

    By default each name is an attribute of the object (str() of it; None and "" are
    skipped); override `document` to index related or computed text, and
    `get_queryset` to prefetch it for `reindex`.
    """

    model: ClassVar[type[models.Model]]
    fields: ClassVar[dict[str, str]]

    def get_queryset(self) -> models.QuerySet[Any]:
        return self.model._default_manager.all()

    def document(self, obj: Any) -> dict[str, str]:
        return {name: getattr(obj, name) for name in self.fields}


_registry: dict[type[models.Model], SearchIndex] = {}
_discovered = False


def register(index_class: type[SearchIndex]) -> type[SearchIndex]:
    """Class decorator: make a model searchable."""
    model = index_class.model
    if not isinstance(model._meta.pk, models.AutoField | models.IntegerField):
        raise ImproperlyConfigured(f"{model.__name__}: search needs an integer primary key.")
    unknown = set(index_class.fields.values()) - set(WEIGHTS)
    if unknown:
        raise ImproperlyConfigured(f"{index_class.__name__}: unknown weights {sorted(unknown)}.")
    _registry[model] = index_class()
    return index_class


def _discover() -> None:
    global _discovered
    if not _discovered:
        autodiscover_modules("selectors")
        _discovered = True


def get_index(model: type[models.Model]) -> SearchIndex:
    if model not in _registry:
        _discover()
    try:
        return _registry[model]
    except KeyError:
        raise ImproperlyConfigured(f"{model.__name__} is not registered for search.") from None


def registered_models() -> list[type[models.Model]]:
    _discover()
    return sorted(_registry, key=lambda model: model._meta.label)


# --- Writing ---------------------------------------------------------------------------


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotSupportedError(f"Full-text search is not available on {vendor}.")
    return vendor


def _texts(index: SearchIndex, obj: Any) -> dict[str, str]:
    """The document of `obj` grouped by weight."""
    values = index.document(obj)
    texts: dict[str, list[str]] = {weight: [] for weight in WEIGHTS}
    for name, weight in index.fields.items():
        value = values.get(name)
        if value:
            texts[weight].append(str(value))
    return {weight: "\n".join(parts)[:MAX_TEXT_LENGTH] for weight, parts in texts.items()}


def _postgresql_vector() -> Any:
    """The weighted tsvector of a document, computed by PostgreSQL from its texts."""
    vector = None
    for weight, column in _COLUMNS.items():
        part = SearchVector(column, weight=weight, config=POSTGRESQL_CONFIG)
        vector = part if vector is None else vector + part
    return vector


def write_documents(
    document_model: type[models.Model],
    content_type_id: int,
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    using: str,
) -> int:
    """Replace the documents of `rows` (object id, texts by weight) in the index.

    Takes the document model as an argument so that data migrations can pass their
    historical model.
    """
    vendor = _vendor(using)
    manager = document_model._default_manager.db_manager(using)
    count = 0
    with transaction.atomic(using=using):
        for batch in _batches(rows, BATCH_SIZE):
            # An upsert keeps the document id (the SQLite rowid) of an object stable.
            documents = manager.bulk_create(
                [
                    document_model(
                        content_type_id=content_type_id,
                        object_id=object_id,
                        **{column: texts.get(weight, "") for weight, column in _COLUMNS.items()},
                    )
                    for object_id, texts in batch
                ],
                update_conflicts=True,
                unique_fields=["content_type", "object_id"],
                update_fields=[*_COLUMNS.values(), "updated_at"],
            )
            if vendor == "postgresql":
                # One UPDATE per batch: an expression per row in the upsert would cost
                # Django far more time to compile than PostgreSQL to run.
                manager.filter(pk__in=[document.pk for document in documents]).update(
                    vector=_postgresql_vector()
                )
            else:
                _write_sqlite(documents, using)
            count += len(documents)
    return count


def _batches(
    rows: Iterable[tuple[int, dict[str, str]]], size: int
) -> Iterator[list[tuple[int, dict[str, str]]]]:
    batch: list[tuple[int, dict[str, str]]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_sqlite(documents: Iterable[Any], using: str) -> None:
    fts_rows, rank_rows = [], []
    for document in documents:
        stems = {
            weight: textsearch.stems(getattr(document, column))
            for weight, column in _COLUMNS.items()
        }
        fts_rows.append([document.pk, " ".join(" ".join(terms) for terms in stems.values())])
        rank_rows.append([document.pk, textsearch.stem_scores(stems, RANK_WEIGHTS)])
    ids = [row[:1] for row in fts_rows]
    with connections[using].cursor() as cursor:
        for statement in _SQLITE_DELETE:
            cursor.executemany(statement, ids)
        cursor.executemany(_SQLITE_INSERT_TERMS, fts_rows)
        cursor.executemany(_SQLITE_INSERT_SCORES, rank_rows)


def _delete_documents(documents: models.QuerySet[Any], vendor: str, using: str) -> int:
    if vendor == "sqlite":
        ids = [[pk] for pk in documents.values_list("pk", flat=True)]
        if not ids:
            return 0
        with connections[using].cursor() as cursor:
            for statement in _SQLITE_DELETE:
                cursor.executemany(statement, ids)
        documents = documents.model._default_manager.db_manager(using).filter(
            pk__in=[pk for (pk,) in ids]
        )
    deleted, _by_model = documents.delete()
    return deleted


def index(obj: models.Model) -> None:
    """Index (or re-index) one object of a registered model."""
    model = type(obj)._meta.concrete_model
    search_index = get_index(model)
    using = router.db_for_write(SearchDocument)
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    write_documents(
        SearchDocument, content_type.pk, [(obj.pk, _texts(search_index, obj))], using=using
    )


def remove(obj: models.Model) -> None:
    """Take one object out of the index (call it before deleting the object)."""
    model = type(obj)._meta.concrete_model
    using = router.db_for_write(SearchDocument)
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    documents = SearchDocument.objects.using(using).filter(
        content_type_id=content_type.pk, object_id=obj.pk
    )
    with transaction.atomic(using=using):
        _delete_documents(documents, _vendor(using), using)


def reindex(model: type[models.Model]) -> int:
    """Rebuild the whole index of one model; returns the number of documents."""
    search_index = get_index(model)
    using = router.db_for_write(SearchDocument)
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    rows = (
        (obj.pk, _texts(search_index, obj))
        for obj in search_index.get_queryset().iterator(chunk_size=BATCH_SIZE)
    )
    vendor = _vendor(using)
    with transaction.atomic(using=using):
        _delete_documents(
            SearchDocument.objects.using(using).filter(content_type_id=content_type.pk),
            vendor,
            using,
        )
        count = write_documents(SearchDocument, content_type.pk, rows, using=using)
        if vendor == "postgresql":
            # Fresh statistics, or the planner ignores the GIN index until autovacuum runs.
            with connections[using].cursor() as cursor:
                cursor.execute("ANALYZE core_searchdocument")
    return count


# --- Searching ---------------------------------------------------------------------------


def last_indexed_sql(model: type[models.Model], *, using: str | None = None) -> tuple[str, list]:
    """A scalar subquery: when `model` was last (re)indexed, one index look-up. Caches of
    search results put it in their key: the index is written after the commit of the
    change it follows, so a search made in between would otherwise be kept stale."""
    using = using or router.db_for_read(model)
    table = connections[using].ops.quote_name(SearchDocument._meta.db_table)
    return (
        f"(SELECT MAX(updated_at) FROM {table} WHERE content_type_id = %s)",  # noqa: S608
        [_content_type_id(model, using)],
    )


def parse(query: str | Query, *, prefix: bool = True) -> Query:
    """Plain French terms from what a user typed; see `textsearch.parse_query`."""
    if isinstance(query, Query):
        return query
    return textsearch.parse_query(query, prefix=prefix)


def _postgresql_query(query: Query) -> SearchQuery:
    combined: Any = None
    required = textsearch.tsquery_required(query)
    if required:
        combined = SearchQuery(required, search_type="raw", config=POSTGRESQL_CONFIG)
    term = textsearch.prefix_term(query)
    if term is not None:
        prefix: Any = SearchQuery(
            textsearch.tsquery_word(term.word, prefix=True),
            search_type="raw",
            config=POSTGRESQL_CONFIG,
        )
        if term.truncations:
            # Truncations are already stems: the `simple` configuration keeps them as-is.
            exact = " | ".join(textsearch.tsquery_word(word) for word in term.truncations)
            prefix = prefix | SearchQuery(exact, search_type="raw", config="simple")
        combined = prefix if combined is None else combined & prefix
    return combined  # type: ignore[no-any-return]


def _content_type_id(model: type[models.Model], using: str) -> int:
    return ContentType.objects.db_manager(using).get_for_model(model).pk


def matching(
    model: type[models.Model], query: str | Query, *, using: str | None = None
) -> models.QuerySet[Any]:
    """Lazy subquery of the primary keys of `model` matching `query`, for `pk__in`.

    An empty query (nothing but stop words or punctuation) matches nothing.
    """
    parsed = parse(query)
    using = using or router.db_for_read(model)
    documents = SearchDocument.objects.using(using).filter(
        content_type_id=_content_type_id(model, using)
    )
    if parsed.is_empty:
        return documents.none().values("object_id")
    if _vendor(using) == "postgresql":
        documents = documents.filter(vector=_postgresql_query(parsed))
    else:
        documents = documents.filter(
            # The MATCH expression is a parameter, built from plain words only.
            pk__in=RawSQL(_SQLITE_MATCH, [textsearch.fts5_match(parsed)])  # noqa: S611
        )
    return documents.values("object_id")


def rank(model: type[models.Model], query: str | Query, *, using: str | None = None) -> Expression:
    """Relevance of each row of a `model` queryset for `query` (0 when it does not match),
    to use in `annotate`."""
    parsed = parse(query)
    using = using or router.db_for_read(model)
    content_type_id = _content_type_id(model, using)
    if parsed.is_empty:
        return Value(0.0, output_field=FloatField())
    if _vendor(using) == "postgresql":
        weights = [RANK_WEIGHTS[weight] for weight in reversed(WEIGHTS)]
        ranks = (
            SearchDocument.objects.filter(content_type_id=content_type_id, object_id=OuterRef("pk"))
            .annotate(rank=SearchRank(F("vector"), _postgresql_query(parsed), weights=weights))
            .values("rank")[:1]
        )
        return Coalesce(Subquery(ranks, output_field=FloatField()), 0.0)
    return Coalesce(SqliteRank(F("pk"), content_type_id, parsed), 0.0)


def relevance(
    model: type[models.Model], query: str | Query, *, using: str | None = None
) -> dict[int, float]:
    """Object id -> relevance (the value of `rank`) of every `model` object matching
    `query`, read from the index alone in one query, without the model's table.

    For callers that filter in memory: the ids include objects the caller may not
    show (drafts…), which it must drop itself. An empty query matches nothing.
    """
    parsed = parse(query)
    using = using or router.db_for_read(model)
    if parsed.is_empty:
        return {}
    documents = SearchDocument.objects.using(using).filter(
        content_type_id=_content_type_id(model, using)
    )
    if _vendor(using) == "postgresql":
        search_query = _postgresql_query(parsed)
        weights = [RANK_WEIGHTS[weight] for weight in reversed(WEIGHTS)]
        documents = documents.filter(vector=search_query).annotate(
            rank=SearchRank(F("vector"), search_query, weights=weights)
        )
    else:
        documents = documents.filter(
            pk__in=RawSQL(_SQLITE_MATCH, [textsearch.fts5_match(parsed)])  # noqa: S611
        ).annotate(rank=Coalesce(SqliteRank(F("pk"), None, parsed), 0.0))
    return dict(documents.order_by().values_list("object_id", "rank"))


def filter_and_rank(
    queryset: models.QuerySet[Any],
    query: str | Query,
    *,
    prefix: bool = True,
    rank_field: str = "search_rank",
) -> models.QuerySet[Any]:
    """Keep the rows of `queryset` matching `query`, annotate `rank_field`, order by it.

    The queryset's own ordering breaks ties. An empty query leaves the queryset as
    it is, with a rank of 0 for every row.
    """
    parsed = parse(query, prefix=prefix)
    if parsed.is_empty:
        return queryset.annotate(**{rank_field: Value(0.0, output_field=FloatField())})
    model = queryset.model
    ordering = list(queryset.query.order_by or model._meta.ordering)
    return (
        queryset.filter(pk__in=matching(model, parsed, using=queryset.db))
        .annotate(**{rank_field: rank(model, parsed, using=queryset.db)})
        .order_by(F(rank_field).desc(), *ordering, "pk")
    )


class SqliteRank(Expression):
    """SQLite relevance: the mean over the query terms of the score of the term's stem
    in the document, read from its stem scores (`textsearch.stem_scores`).

    A prefix term takes the first stem with that prefix, the best one since the scores
    are sorted, or a truncation of the word if it scores more. With a `content_type_id`,
    `pk` is the primary key of an indexed object; without, that of its document.
    """

    output_field = FloatField()

    def __init__(self, pk: Any, content_type_id: int | None, query: Query) -> None:
        super().__init__()
        self.pk = pk
        self.content_type_id = content_type_id
        self.query = query

    def get_source_expressions(self) -> list[Any]:
        return [self.pk]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.pk,) = exprs

    @staticmethod
    def _exact(stem: str) -> tuple[str, list[str]]:
        found = "instr(_sr.scores, %s)"
        sql = (
            f"CASE WHEN {found} > 0 THEN "
            f"CAST(substr(_sr.scores, {found} + {len(stem) + 2}, 6) AS REAL) ELSE 0 END"
        )
        return sql, [f" {stem}:"] * 2

    @staticmethod
    def _prefix(stem: str) -> tuple[str, list[str]]:
        found = "instr(_sr.scores, %s)"
        # The score follows the ':' after the stem, at most MAX_WORD_LENGTH letters on.
        colon = f"instr(substr(_sr.scores, {found}, {textsearch.MAX_WORD_LENGTH + 4}), ':')"
        sql = (
            f"CASE WHEN {found} > 0 THEN "
            f"CAST(substr(_sr.scores, {found} + {colon}, 6) AS REAL) ELSE 0 END"
        )
        return sql, [f" {stem}"] * 3

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        pk_sql, pk_params = compiler.compile(self.pk)
        parts: list[str] = []
        params: list[Any] = []
        for term in self.query.terms:
            if not term.prefix:
                sql, term_params = self._exact(term.stem)
            else:
                options = [self._prefix(term.stem), *map(self._exact, term.truncations)]
                sql = options[0][0]
                if len(options) > 1:
                    sql = "max(" + ", ".join(option_sql for option_sql, _ in options) + ")"
                term_params = [param for _, option_params in options for param in option_params]
            parts.append(sql)
            params += term_params
        score = f"({' + '.join(parts)}) / {len(self.query.terms)}.0"
        if self.content_type_id is None:  # `pk` is the document's
            sql = f"(SELECT {score} FROM {RANK_TABLE} _sr WHERE _sr.id = {pk_sql})"  # noqa: S608
            return sql, [*params, *pk_params]
        sql = (
            f"(SELECT {score} FROM core_searchdocument _sd"  # noqa: S608 - terms are parameters
            f" JOIN {RANK_TABLE} _sr ON _sr.id = _sd.id"
            f" WHERE _sd.content_type_id = %s AND _sd.object_id = {pk_sql})"
        )
        return sql, [*params, self.content_type_id, *pk_params]
