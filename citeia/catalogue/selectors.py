from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
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

# Scalar facets: GET parameter of the page -> model field and its choices.
CHOICE_FACETS = {
    "maturite": ("maturity", Maturity),
    "deploiement": ("deployment", Deployment),
    "hebergement": ("hosting", Hosting),
    "donnees": ("personal_data", PersonalData),
}
SORTS = ("pertinence", "recentes", "utilisees", "note")
YES_NO = ("oui", "non")

# Mean over criteria of each criterion's mean score ("meilleure note"): a criterion
# reviewed by five experts weighs as much as one reviewed by one.
_MEAN_OF_CRITERION_MEANS = """(
    SELECT AVG(criterion_mean) FROM (
        SELECT AVG(rs.score) AS criterion_mean
        FROM catalogue_reviewscore rs
        JOIN catalogue_review r ON r.id = rs.review_id
        JOIN catalogue_criterion c ON c.id = rs.criterion_id
        WHERE r.solution_id = catalogue_solution.id
        GROUP BY c.key
    ) AS criterion_means
)"""


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


def _filtered(filters: CatalogueFilters, territory_ids, *, skip: str = "") -> QuerySet[Solution]:
    """Published solutions narrowed by every filter but `skip` (for that facet's counts)."""
    qs = published_solutions()
    if filters.q.strip():
        qs = qs.filter(pk__in=search.matching(Solution, filters.q))
    if filters.domains and skip != "domaine":
        qs = qs.filter(
            pk__in=Solution.domains.through.objects.filter(domain__slug__in=filters.domains).values(
                "solution_id"
            )
        )
    if filters.techniques and skip != "technique":
        qs = qs.filter(
            pk__in=Solution.techniques.through.objects.filter(
                technique__slug__in=filters.techniques
            ).values("solution_id")
        )
    for key, values in filters.choices.items():
        if key != skip:
            qs = qs.filter(**{f"{CHOICE_FACETS[key][0]}__in": values})
    if filters.free_software and skip != "libre":
        qs = qs.filter(is_free_software=filters.free_software == "oui")
    if filters.reviewed and skip != "evaluee":
        qs = qs.filter(_reviewed()) if filters.reviewed == "oui" else qs.filter(~_reviewed())
    if filters.my_territory and territory_ids and skip != "mon_territoire":
        qs = qs.filter(_used_in(territory_ids))
    return qs


def with_figures(qs: QuerySet[Solution]) -> QuerySet[Solution]:
    """Solutions with their vendor, domains, techniques, `reference_count` and `mean_score`
    (None when not reviewed), in a constant number of queries whatever their number."""
    references = (
        Reference.objects.filter(solution=OuterRef("pk"))
        .exclude(status=ReferenceStatus.ABANDONED)
        .order_by()
        .values("solution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    reviews = (
        Review.objects.filter(solution=OuterRef("pk"))
        .order_by()
        .values("solution")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        qs.select_related("vendor")
        .prefetch_related("domains", "techniques")
        .annotate(
            reference_count=Coalesce(Subquery(references, output_field=IntegerField()), 0),
            review_count=Coalesce(Subquery(reviews, output_field=IntegerField()), 0),
            mean_score=RawSQL(_MEAN_OF_CRITERION_MEANS, [], output_field=FloatField()),  # noqa: S611
        )
    )


def catalogue_search(filters: CatalogueFilters, *, user=None) -> QuerySet[Solution]:
    """The public catalogue's results for `filters`, sorted."""
    territory_ids = user_territory_ids(user) if filters.my_territory else []
    qs = with_figures(_filtered(filters, territory_ids))
    sort = filters.effective_sort
    if sort == "pertinence" and filters.q.strip():
        return search.filter_and_rank(qs.order_by("name"), filters.q)
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


def _count_by(qs: QuerySet[Solution], path: str) -> dict:
    return dict(qs.order_by().values_list(path).annotate(n=Count("pk", distinct=True)))


def catalogue_facets(filters: CatalogueFilters, *, user=None) -> list[Facet]:
    """Each facet's options with the number of results choosing it would give (the
    other facets' filters applied): one query per facet, whatever the number of results."""
    territory_ids = user_territory_ids(user)
    facets = []
    counts = _count_by(_filtered(filters, territory_ids, skip="domaine"), "domains__slug")
    facets.append(
        Facet(
            "domaine",
            _("Domaine métier"),
            [
                FacetOption(d.slug, d.name, counts.get(d.slug, 0), d.slug in filters.domains)
                for d in Domain.objects.all()
            ],
        )
    )
    counts = _count_by(_filtered(filters, territory_ids, skip="technique"), "techniques__slug")
    facets.append(
        Facet(
            "technique",
            _("Technique d'IA"),
            [
                FacetOption(t.slug, t.name, counts.get(t.slug, 0), t.slug in filters.techniques)
                for t in Technique.objects.all()
            ],
        )
    )
    labels = {
        "maturite": _("Maturité"),
        "deploiement": _("Déploiement"),
        "hebergement": _("Hébergement"),
        "donnees": _("Données personnelles"),
    }
    for key, (model_field, enum) in CHOICE_FACETS.items():
        counts = _count_by(_filtered(filters, territory_ids, skip=key), model_field)
        selected = filters.choices.get(key, [])
        facets.append(
            Facet(
                key,
                labels[key],
                [
                    FacetOption(value, str(label), counts.get(value, 0), value in selected)
                    for value, label in enum.choices
                ],
            )
        )
    counts = _count_by(_filtered(filters, territory_ids, skip="libre"), "is_free_software")
    facets.append(
        Facet(
            "libre",
            _("Logiciel libre"),
            [
                FacetOption(
                    "oui", _("Logiciel libre"), counts.get(True, 0), filters.free_software == "oui"
                ),
                FacetOption(
                    "non",
                    _("Logiciel non libre"),
                    counts.get(False, 0),
                    filters.free_software == "non",
                ),
            ],
            multiple=False,
        )
    )
    reviewed = (
        _filtered(filters, territory_ids, skip="evaluee")
        .order_by()
        .aggregate(yes=Count("pk", filter=_reviewed()), total=Count("pk"))
    )
    facets.append(
        Facet(
            "evaluee",
            _("Évaluation par des experts"),
            [
                FacetOption("oui", _("Évaluée"), reviewed["yes"], filters.reviewed == "oui"),
                FacetOption(
                    "non",
                    _("Pas encore évaluée"),
                    reviewed["total"] - reviewed["yes"],
                    filters.reviewed == "non",
                ),
            ],
            multiple=False,
        )
    )
    if territory_ids:
        used = (
            _filtered(filters, territory_ids, skip="mon_territoire")
            .filter(_used_in(territory_ids))
            .count()
        )
        facets.append(
            Facet(
                "mon_territoire",
                _("Mon territoire"),
                [FacetOption("oui", _("Utilisée dans mon territoire"), used, filters.my_territory)],
                multiple=False,
            )
        )
    return facets


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
