from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from citeia.accounts.models import PUBLIC_AUTHORITY_KINDS, Organisation
from citeia.core import search
from citeia.core.permissions import Action, PlatformRole, can, platform_role, require

from .models import (
    Criterion,
    Deployment,
    Domain,
    GridAxis,
    GridVersion,
    Hosting,
    Maturity,
    PersonalData,
    Reference,
    ReferenceStatus,
    Review,
    ReviewScore,
    Solution,
    SolutionFigures,
    SolutionStatus,
    Technique,
)
from .scoring import CriterionStats, aggregate


@search.register
class SolutionIndex(search.SearchIndex):
    model = Solution
    fields = {"name": "A", "summary": "B", "vendor": "B", "domains": "B", "description": "C"}

    def get_queryset(self):
        return Solution.objects.select_related("vendor").prefetch_related("domains", "techniques")

    def document(self, obj):
        return {
            "name": obj.name,
            "summary": obj.summary,
            "vendor": obj.vendor.name,
            "domains": " ".join(
                [d.name for d in obj.domains.all()] + [t.name for t in obj.techniques.all()]
            ),
            "description": obj.description,
        }


def published_solutions() -> QuerySet[Solution]:
    return Solution.objects.filter(status=SolutionStatus.PUBLISHED)


def get_solution_for_user(user, slug: str, *, write: bool = False) -> Solution:
    """The only way views fetch a solution: 404 if unknown, 403/404 if not allowed."""
    try:
        solution = Solution.objects.select_related("vendor").get(slug=slug)
    except Solution.DoesNotExist as exc:
        raise Http404(
            _("Aucune solution ne porte l'identifiant « %(slug)s ».") % {"slug": slug}
        ) from exc
    if write:
        require(user, Action.CHANGE, solution)
    else:
        if not can(user, Action.VIEW, solution):
            # Drafts do not exist for those who may not see them.
            raise Http404(
                _("Aucune solution ne porte l'identifiant « %(slug)s ».") % {"slug": slug}
            )
    return solution


# --- Public catalogue: search, facets, sorting -------------------------------------------


class AssessmentChoices:
    """Choices of a facet read from the assessment app (AI Act class, frugality grade),
    with labels in the active language, like a model's `TextChoices`."""

    def __init__(self, values: tuple[str, ...], label):
        self.values = list(values)
        self._label = label

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(value, self._label(value)) for value in self.values]


def _aiact_label(outcome: str) -> str:
    from citeia.assessment.selectors import outcome_label

    return outcome_label({"outcome": outcome})


AIACT_OUTCOMES = ("prohibited", "high_risk", "minimal", "out_of_scope", "undetermined")
FRUGALITY_GRADES = ("A", "B", "C", "D", "E")
AiActClass = AssessmentChoices(AIACT_OUTCOMES, _aiact_label)
FrugalityGrade = AssessmentChoices(
    FRUGALITY_GRADES, lambda grade: _("Sobriété : %(grade)s") % {"grade": grade}
)

# Scalar facets: GET parameter of the page -> model field and its choices.
CHOICE_FACETS = {
    "maturite": ("maturity", Maturity),
    "deploiement": ("deployment", Deployment),
    "hebergement": ("hosting", Hosting),
    "donnees": ("personal_data", PersonalData),
    "aiact": ("figures__aiact_outcome", AiActClass),
    "sobriete": ("figures__frugality_grade", FrugalityGrade),
}
SORTS = ("pertinence", "recentes", "utilisees", "note")
YES_NO = ("oui", "non")


@dataclass
class CatalogueFilters:
    """What a visitor asked the catalogue for (page GET parameters or API query)."""

    q: str = ""
    domains: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)  # page key -> values
    free_software: str = ""  # "", "oui", "non"
    reviewed: str = ""  # "", "oui", "non"
    my_territory: bool = False
    sort: str = ""

    @classmethod
    def from_query(cls, params) -> "CatalogueFilters":
        """Unknown values are ignored, never an error: a shared link keeps working."""
        choices = {}
        for key, (_field, enum) in CHOICE_FACETS.items():
            values = [v for v in params.getlist(key) if v in enum.values]
            if values:
                choices[key] = values
        sort = params.get("tri", "")
        return cls(
            q=params.get("q", "")[:200].replace("\x00", ""),
            domains=[v[:60] for v in params.getlist("domaine") if v][:30],
            techniques=[v[:60] for v in params.getlist("technique") if v][:30],
            choices=choices,
            free_software=params.get("libre", "") if params.get("libre") in YES_NO else "",
            reviewed=params.get("evaluee", "") if params.get("evaluee") in YES_NO else "",
            my_territory=params.get("mon_territoire") == "oui",
            sort=sort if sort in SORTS else "",
        )

    @property
    def has_text(self) -> bool:
        """A text query with at least one searchable word: "le" or "?" alone search
        nothing and, like no text at all, leave the catalogue whole."""
        return bool(self.q.strip()) and not search.parse(self.q).is_empty

    @property
    def effective_sort(self) -> str:
        return self.sort or ("pertinence" if self.q.strip() else "recentes")

    @property
    def is_empty(self) -> bool:
        return not (
            self.q.strip()
            or self.domains
            or self.techniques
            or self.choices
            or self.free_software
            or self.reviewed
            or self.my_territory
        )


def user_territory_ids(user) -> list[int]:
    """Territories of the organisations the user is an active member of (communes, EPT)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    org_ids = list(user.active_roles())
    if not org_ids:
        return []
    return list(
        Organisation.objects.filter(pk__in=org_ids, territory__isnull=False)
        .values_list("territory_id", flat=True)
        .distinct()
    )


def _used_in(territory_ids) -> Exists:
    return Exists(
        Reference.objects.filter(
            solution=OuterRef("pk"), organisation__territory_id__in=territory_ids
        ).exclude(status=ReferenceStatus.ABANDONED)
    )


def _reviewed() -> Exists:
    return Exists(Review.objects.filter(solution=OuterRef("pk")))


def _conditions(filters: CatalogueFilters, territory_ids) -> dict[str, Q]:
    """Each active filter but the text match as a condition, keyed by its facet."""
    conditions: dict[str, Q] = {}
    if filters.domains:
        conditions["domaine"] = Q(
            pk__in=Solution.domains.through.objects.filter(domain__slug__in=filters.domains).values(
                "solution_id"
            )
        )
    if filters.techniques:
        conditions["technique"] = Q(
            pk__in=Solution.techniques.through.objects.filter(
                technique__slug__in=filters.techniques
            ).values("solution_id")
        )
    for key, values in filters.choices.items():
        conditions[key] = Q(**{f"{CHOICE_FACETS[key][0]}__in": values})
    if filters.free_software:
        conditions["libre"] = Q(is_free_software=filters.free_software == "oui")
    if filters.reviewed:
        conditions["evaluee"] = Q(_reviewed()) if filters.reviewed == "oui" else ~Q(_reviewed())
    if filters.my_territory and territory_ids:
        conditions["mon_territoire"] = Q(_used_in(territory_ids))
    return conditions


def _matching(filters: CatalogueFilters) -> QuerySet[Solution]:
    """Published solutions matching the text query (all of them without one)."""
    qs = published_solutions()
    if filters.has_text:
        qs = qs.filter(pk__in=search.matching(Solution, filters.q))
    return qs


def _filtered(filters: CatalogueFilters, territory_ids, *, skip: str = "") -> QuerySet[Solution]:
    """Published solutions narrowed by every filter but `skip` ("q" for the text match)."""
    qs = published_solutions() if skip == "q" else _matching(filters)
    for key, condition in _conditions(filters, territory_ids).items():
        if key != skip:
            qs = qs.filter(condition)
    return qs


def with_figures(qs: QuerySet[Solution]) -> QuerySet[Solution]:
    """Solutions with their vendor, domains, techniques, `reference_count`, `review_count`
    and `mean_score` (None when not reviewed), read from their stored figures, in a
    constant number of queries whatever their number."""
    return (
        qs.select_related("vendor").prefetch_related("domains", "techniques").annotate(**_figures())
    )


def _figures() -> dict:
    return {
        "reference_count": Coalesce(F("figures__reference_count"), 0),
        "review_count": Coalesce(F("figures__review_count"), 0),
        "mean_score": F("figures__mean_score"),
        "aiact_outcome": Coalesce(F("figures__aiact_outcome"), Value("")),
        "frugality_grade": Coalesce(F("figures__frugality_grade"), Value("")),
    }


def all_published(primary_keys) -> bool:
    """Whether every one of these solutions is still published: one query, for pages
    kept in a cache."""
    wanted = set(primary_keys)
    return published_solutions().filter(pk__in=wanted).count() == len(wanted)


def card_solutions(primary_keys) -> QuerySet[Solution]:
    """These published solutions with what a result card shows (the template
    `includes/public_card.html`: name, vendor's name, summary, maturity, free software,
    domains and the figures of `with_figures`), and nothing else: two queries."""
    return (
        published_solutions()
        .filter(pk__in=primary_keys)
        .select_related("vendor")
        .only("name", "slug", "summary", "maturity", "is_free_software", "vendor__name")
        .prefetch_related(Prefetch("domains", queryset=Domain.objects.only("name")))
        .annotate(**_figures())
    )


def catalogue_search(filters: CatalogueFilters, *, user=None) -> QuerySet[Solution]:
    """The public catalogue's results for `filters`, sorted."""
    territory_ids = user_territory_ids(user) if filters.my_territory else []
    sort = filters.effective_sort
    if sort == "pertinence" and filters.q.strip():
        # filter_and_rank applies the text match itself: not twice.
        qs = with_figures(_filtered(filters, territory_ids, skip="q"))
        return search.filter_and_rank(qs.order_by("name"), filters.q)
    qs = with_figures(_filtered(filters, territory_ids))
    if sort == "utilisees":
        return qs.order_by("-reference_count", "name", "pk")
    if sort == "note":
        return qs.order_by(F("mean_score").desc(nulls_last=True), "name", "pk")
    return qs.order_by("-updated_at", "name", "pk")


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    key: str
    label: str
    options: list[FacetOption]
    multiple: bool = True


def _all_but(conditions: dict[str, Q], skip: str) -> Q:
    return Q(*[condition for key, condition in conditions.items() if key != skip])


def _options_with_counts(model, filters: CatalogueFilters, territory_ids, key: str):
    """Every domain (or technique) with the number of results choosing it would give."""
    matching = _filtered(filters, territory_ids, skip=key)
    # An aggregate drops Meta.ordering: order as the model does, explicitly.
    return model.objects.annotate(
        n=Count("solutions", filter=Q(solutions__in=matching.values("pk")), distinct=True)
    ).order_by(*model._meta.ordering)


def catalogue_facets(filters: CatalogueFilters, *, user=None) -> list[Facet]:
    """Each facet's options with the number of results choosing it would give (the other
    facets' filters applied), in three queries whatever the number of results: one per
    list of domains and techniques, and one aggregate for every other facet."""
    territory_ids = user_territory_ids(user)
    conditions = _conditions(filters, territory_ids)
    options = {
        key: [
            (row.slug, row.name, row.n)
            for row in _options_with_counts(model, filters, territory_ids, key)
        ]
        for key, model in (("domaine", Domain), ("technique", Technique))
    }
    # One conditional count per option of the other facets, over the text matches.
    counts = {}
    for key, (model_field, enum) in CHOICE_FACETS.items():
        for value in enum.values:
            counts[f"{key}:{value}"] = Count(
                "pk", filter=Q(**{model_field: value}) & _all_but(conditions, key)
            )
    for value in YES_NO:
        counts[f"libre:{value}"] = Count(
            "pk", filter=Q(is_free_software=value == "oui") & _all_but(conditions, "libre")
        )
    reviewed = Q(_reviewed())
    counts["evaluee:oui"] = Count("pk", filter=reviewed & _all_but(conditions, "evaluee"))
    counts["evaluee:non"] = Count("pk", filter=~reviewed & _all_but(conditions, "evaluee"))
    if territory_ids:
        counts["mon_territoire:oui"] = Count(
            "pk", filter=Q(_used_in(territory_ids)) & _all_but(conditions, "mon_territoire")
        )
    counted = _matching(filters).order_by().aggregate(**counts)
    return facets_from_counts(filters, options, counted, territory_ids)


def choice_values() -> dict[str, list[str]]:
    """The options of each scalar facet, in display order."""
    return {key: list(enum.values) for key, (_field, enum) in CHOICE_FACETS.items()}


def facets_from_counts(
    filters: CatalogueFilters,
    options: dict[str, list[tuple[str, str, int]]],
    counted: dict[str, int],
    territory_ids,
) -> list[Facet]:
    """The facets of the page from their counts: `options` gives, for "domaine" and
    "technique", (slug, name, count) in display order; `counted` the count of every other
    option as "key:value"."""
    facets = [
        Facet(
            key,
            label,
            [FacetOption(slug, _(name), n, slug in selected) for slug, name, n in options[key]],
        )
        for key, label, selected in (
            ("domaine", _("Domaine métier"), filters.domains),
            ("technique", _("Technique d'IA"), filters.techniques),
        )
    ]
    labels = {
        "maturite": _("Maturité"),
        "deploiement": _("Déploiement"),
        "hebergement": _("Hébergement"),
        "donnees": _("Données personnelles"),
        "aiact": _("Classe AI Act"),
        "sobriete": _("Sobriété (AFNOR SPEC 2314)"),
    }
    for key, (_model_field, enum) in CHOICE_FACETS.items():
        selected = filters.choices.get(key, [])
        facets.append(
            Facet(
                key,
                labels[key],
                [
                    FacetOption(value, str(label), counted[f"{key}:{value}"], value in selected)
                    for value, label in enum.choices
                ],
            )
        )
    facets.append(
        Facet(
            "libre",
            _("Logiciel libre"),
            [
                FacetOption(
                    "oui", _("Logiciel libre"), counted["libre:oui"], filters.free_software == "oui"
                ),
                FacetOption(
                    "non",
                    _("Logiciel non libre"),
                    counted["libre:non"],
                    filters.free_software == "non",
                ),
            ],
            multiple=False,
        )
    )
    facets.append(
        Facet(
            "evaluee",
            _("Évaluation par des experts"),
            [
                FacetOption("oui", _("Évaluée"), counted["evaluee:oui"], filters.reviewed == "oui"),
                FacetOption(
                    "non",
                    _("Pas encore évaluée"),
                    counted["evaluee:non"],
                    filters.reviewed == "non",
                ),
            ],
            multiple=False,
        )
    )
    if territory_ids:
        facets.append(
            Facet(
                "mon_territoire",
                _("Mon territoire"),
                [
                    FacetOption(
                        "oui",
                        _("Utilisée dans mon territoire"),
                        counted["mon_territoire:oui"],
                        filters.my_territory,
                    )
                ],
                multiple=False,
            )
        )
    return facets


def catalogue_page(filters: CatalogueFilters, *, user=None, version: str | None = None, fetch=None):
    """What the catalogue page shows, computed in memory (`facet_index`): the sorted
    results, a sequence to paginate whose slices are fetched with their figures, and the
    facets. Same results and counts as `catalogue_search` and `catalogue_facets`.

    `fetch(primary_keys)`: what a slice of the results holds (objects with a `pk`,
    published solutions only), by default the solutions with `with_figures`."""
    from . import facet_index

    territory_ids = user_territory_ids(user)
    index = facet_index.current(version or catalogue_version(), choice_values())
    evaluation = facet_index.evaluate(index, filters, territory_ids)
    counted = {
        f"{key}:{value}": n
        for key, values in [*index.choice_values.items(), ("libre", YES_NO), ("evaluee", YES_NO)]
        for value, n in zip(values, evaluation.counts[key], strict=True)
    }
    if territory_ids:
        counted["mon_territoire:oui"] = evaluation.counts["mon_territoire"][0]
    options = {
        key: list(
            zip(index_options.slugs, index_options.names, evaluation.counts[key], strict=True)
        )
        for key, index_options in (("domaine", index.domains), ("technique", index.techniques))
    }

    def solutions(primary_keys):
        return with_figures(published_solutions().filter(pk__in=primary_keys))

    results = facet_index.ResultPage(index, evaluation.rows, fetch or solutions)
    return results, facets_from_counts(filters, options, counted, territory_ids)


def catalogue_version() -> str:
    """Changes whenever the catalogue's results or facet counts may change: a solution
    added, saved (status included) or deleted, or its figures recomputed (reviews,
    references, assessments). One query of three index look-ups: the last entry of the
    solutions' history (django-simple-history writes one on every save and deletion), the
    last save of a solution, the last refresh of figures, and the last indexing for search
    (done after the commit: `search.last_indexed_sql`). No COUNT(*): on PostgreSQL it
    reads the whole table (about 60 ms at 20,000 solutions before a VACUUM)."""
    history = connection.ops.quote_name(Solution.history.model._meta.db_table)
    solutions = connection.ops.quote_name(Solution._meta.db_table)
    figures = connection.ops.quote_name(SolutionFigures._meta.db_table)
    indexed, params = search.last_indexed_sql(Solution)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(history_id) FROM {history}), "  # noqa: S608 (table names only)
            f"(SELECT MAX(updated_at) FROM {solutions}), "
            f"(SELECT MAX(updated_at) FROM {figures}), {indexed}",
            params,
        )
        return ":".join(str(value) for value in cursor.fetchone())


def last_catalogue_update():
    return published_solutions().aggregate(last=Max("updated_at"))["last"]


# --- One solution ------------------------------------------------------------------------


def published_related(solution: Solution) -> dict[str, list[Solution]]:
    """Similar and alternative solutions, published ones only."""
    published = Q(status=SolutionStatus.PUBLISHED)
    return {
        "similar": list(solution.similar_to.filter(published).select_related("vendor")),
        "alternatives": list(
            Solution.objects.filter(published)
            .filter(Q(alternatives=solution) | Q(alternative_to=solution))
            .exclude(pk=solution.pk)
            .select_related("vendor")
            .distinct()
        ),
    }


def solution_references(solution: Solution) -> list[Reference]:
    return list(
        solution.references.select_related(
            "organisation", "organisation__commune", "organisation__territory", "referent"
        ).order_by("organisation__name")
    )


def may_see_referents(user) -> bool:
    """Referent contacts go to agents of public authorities and the programme team only."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if platform_role(user) in (PlatformRole.PROGRAMME_TEAM, PlatformRole.ADMINISTRATOR):
        return True
    org_ids = list(user.active_roles())
    return Organisation.objects.filter(pk__in=org_ids, kind__in=PUBLIC_AUTHORITY_KINDS).exists()


@dataclass
class CriterionEvaluation:
    criterion: Criterion
    stats: CriterionStats | None
    scores: list[ReviewScore]


def solution_evaluation(solution: Solution) -> dict:
    """Per criterion of the grid (both axes): statistics and each reviewer's score."""
    reviews = list(
        solution.reviews.select_related("expert", "grid", "answer").order_by("created_at")
    )
    scores = list(
        ReviewScore.objects.filter(review__solution=solution)
        .select_related("criterion", "review__expert")
        .order_by("review__created_at", "pk")
    )
    for score in scores:
        # Only web addresses become links: never javascript: or data: URLs.
        score.evidence_links = [
            line.strip()
            for line in score.evidence.splitlines()
            if line.strip().lower().startswith(("https://", "http://"))
        ]
    stats = aggregate((score.criterion.key, score.score) for score in scores)
    grid = GridVersion.objects.order_by("-number").first()
    criteria = list(grid.criteria.all()) if grid else []
    known = {criterion.key for criterion in criteria}
    # Criteria of older grids still carried by reviews made with them.
    for score in scores:
        if score.criterion.key not in known:
            criteria.append(score.criterion)
            known.add(score.criterion.key)
    rows = {
        axis: [
            CriterionEvaluation(
                criterion=criterion,
                stats=stats.get(criterion.key),
                scores=[s for s in scores if s.criterion.key == criterion.key],
            )
            for criterion in criteria
            if criterion.axis == axis
        ]
        for axis in GridAxis.values
    }
    return {"reviews": reviews, "axes": rows, "review_count": len(reviews)}


# --- Communes ------------------------------------------------------------------------------


def solutions_used_by(organisation) -> QuerySet[Reference]:
    """The published solutions an organisation uses or tried, with the reference's status."""
    if organisation is None:
        return Reference.objects.none()
    return (
        Reference.objects.filter(
            organisation=organisation, solution__status=SolutionStatus.PUBLISHED
        )
        .select_related("solution", "solution__vendor")
        .order_by("solution__name")
    )


# --- Comparison ------------------------------------------------------------------------------


def compare_solutions(slugs: list[str]) -> dict:
    """Published solutions among `slugs` (in that order) with each criterion's statistics."""
    found = {
        solution.slug: solution
        for solution in with_figures(published_solutions().filter(slug__in=slugs))
    }
    solutions = [found[slug] for slug in dict.fromkeys(slugs) if slug in found]
    from citeia.assessment.selectors import summaries_for_solutions

    summaries = summaries_for_solutions([solution.pk for solution in solutions])
    for solution in solutions:
        solution.assessment = summaries.get(solution.pk)
    pairs: dict[int, list[tuple[str, int]]] = {solution.pk: [] for solution in solutions}
    for solution_id, key, score in ReviewScore.objects.filter(
        review__solution__in=solutions
    ).values_list("review__solution_id", "criterion__key", "score"):
        pairs[solution_id].append((key, score))
    stats = {solution_id: aggregate(values) for solution_id, values in pairs.items()}
    grid = GridVersion.objects.order_by("-number").first()
    criteria = list(grid.criteria.all()) if grid else []
    rows = [
        (criterion, [stats[solution.pk].get(criterion.key) for solution in solutions])
        for criterion in criteria
    ]
    return {"solutions": solutions, "criteria": rows}
