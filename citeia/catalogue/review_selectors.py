"""Reads for expert reviews, vendor answers, needs profiles and the ranking."""

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Avg,
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce, Lower, Round
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citeia.core.permissions import MemberRole, PlatformRole, has_org_role, platform_role

from . import facet_index
from .models import (
    Criterion,
    GridAxis,
    GridVersion,
    NeedsProfile,
    Reference,
    Review,
    ReviewScore,
    RubricLevel,
    Solution,
    SolutionStatus,
)
from .scoring import MAX_SCORE, MUST_HAVES, Ranked, SolutionFacts, score_solution
from .selectors import catalogue_version, choice_values, get_solution_for_user

REVIEWER_ROLES = {PlatformRole.EXPERT, PlatformRole.PROGRAMME_TEAM, PlatformRole.ADMINISTRATOR}

MUST_HAVE_LABELS = {
    "free_software": gettext_lazy("Logiciel libre"),
    "hosted_in_eu": gettext_lazy("Hébergé dans l'Union européenne"),
    "data_stays_in_commune": gettext_lazy("Les données personnelles ne quittent pas la commune"),
    "used_in_my_territory": gettext_lazy("Déjà utilisée par une commune de mon territoire"),
}
assert set(MUST_HAVE_LABELS) == set(MUST_HAVES)

MAX_WEIGHT = 5
DEFAULT_WEIGHT = 3


# Grid -------------------------------------------------------------------------------


def current_grid() -> GridVersion | None:
    """The grid in force: the version with the highest number."""
    return GridVersion.objects.order_by("-number").first()


def grid_criteria(grid: GridVersion | None, *, axis: str | None = None) -> list[Criterion]:
    """The grid's criteria ("criterion" axis first, then principles) with their levels."""
    if grid is None:
        return []
    criteria = Criterion.objects.filter(grid=grid).prefetch_related(
        Prefetch("levels", queryset=RubricLevel.objects.order_by("score"))
    )
    if axis:
        criteria = criteria.filter(axis=axis)
    return sorted(criteria, key=lambda c: (c.axis != GridAxis.ACTION1, c.position, c.name))


def weight_criteria() -> list[Criterion]:
    """The criteria a needs profile weights: the "criterion" axis of the current grid."""
    grid = current_grid()
    if grid is None:
        return []
    return list(Criterion.objects.filter(grid=grid, axis=GridAxis.ACTION1).order_by("position"))


# Reviews ----------------------------------------------------------------------------


def is_reviewer(user) -> bool:
    return platform_role(user) in REVIEWER_ROLES


def is_own_solution(user, solution: Solution) -> bool:
    """The user belongs to the vendor: reviewing would judge one's own product."""
    if not getattr(user, "is_authenticated", False):
        return False
    return solution.vendor_id in user.active_roles()


def get_solution_to_review(user, slug: str) -> Solution:
    """A published solution the user may review; 404 if unknown or not public, 403 otherwise.

    Reviews are made on published solutions, not during the submission workflow, so this
    does not use Action.REVIEW (reserved for objects waiting in review).
    """
    solution = get_solution_for_user(user, slug)
    if solution.status != SolutionStatus.PUBLISHED:
        raise Http404(_("Seules les solutions publiées peuvent être évaluées."))
    if not is_reviewer(user):
        raise PermissionDenied
    # Members of the vendor get their own explanation from the view; the rule itself is
    # core.permissions' Action.EVALUATE, checked again by review_services.review_save.
    return solution


def own_review(user, solution: Solution) -> Review | None:
    return (
        Review.objects.filter(solution=solution, expert=user)
        .select_related("grid")
        .prefetch_related(
            Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
        )
        .first()
    )


def can_see_reviews(user, solution: Solution) -> bool:
    """The detailed reviews page: the vendor's members, the programme team and experts."""
    return is_reviewer(user) or has_org_role(user, solution.vendor, MemberRole.MEMBER)


def can_answer(user, solution: Solution) -> bool:
    return platform_role(user) == PlatformRole.ADMINISTRATOR or has_org_role(
        user, solution.vendor, MemberRole.EDITOR
    )


def get_solution_reviews_for_user(user, slug: str) -> Solution:
    solution = get_solution_for_user(user, slug)
    if not can_see_reviews(user, solution):
        raise PermissionDenied
    return solution


def reviews_of(solution: Solution) -> QuerySet[Review]:
    """Every review of the solution with its scores, each scored against its own grid."""
    scores = ReviewScore.objects.select_related("criterion").order_by(
        "criterion__axis", "criterion__position"
    )
    return (
        Review.objects.filter(solution=solution)
        .select_related("expert", "grid", "answer", "answer__author")
        .prefetch_related(
            Prefetch("scores", queryset=scores),
            Prefetch("scores__criterion__levels", queryset=RubricLevel.objects.order_by("score")),
        )
        .order_by("-updated_at")
    )


def with_levels(reviews) -> list[Review]:
    """Attach to each score the rubric level it names, in the review's own grid."""
    reviews = list(reviews)
    for review in reviews:
        for score in review.scores.all():
            score.level = next(
                (level for level in score.criterion.levels.all() if level.score == score.score),
                None,
            )
    return reviews


def get_review_for_answer(user, slug: str, review_id: int) -> Review:
    solution = get_solution_reviews_for_user(user, slug)
    found = with_levels(reviews_of(solution).filter(pk=review_id))
    if not found:
        raise Http404(_("Cette évaluation n'existe pas."))
    review = found[0]
    if not can_answer(user, solution):
        raise PermissionDenied
    return review


# Needs profiles and ranking ------------------------------------------------------------


def profiles_of(user) -> QuerySet[NeedsProfile]:
    if not getattr(user, "is_authenticated", False):
        return NeedsProfile.objects.none()
    return NeedsProfile.objects.filter(owner=user)


def get_profile_for_user(user, profile_id) -> NeedsProfile:
    """A needs profile is private to its owner: anyone else gets a 404."""
    try:
        return profiles_of(user).get(pk=int(profile_id))
    except (NeedsProfile.DoesNotExist, TypeError, ValueError) as exc:
        raise Http404(_("Ce profil de besoins n'existe pas ou ne vous appartient pas.")) from exc


def user_territory(user):
    """The territory of the user's first active membership of a commune or EPT."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = (
        user.memberships.filter(status="active", organisation__kind__in=["commune", "ept"])
        .exclude(organisation__territory=None)
        .select_related("organisation__territory")
        .order_by("requested_at", "pk")
        .first()
    )
    return membership.organisation.territory if membership else None


def ranking_facts(*, domain=None) -> list[SolutionFacts]:
    """Facts on every published solution, from the review scores as stored, in three
    queries whatever their number. `scoring.rank` over these is the reference order that
    `ranked_solutions` computes in SQL (the tests and the benchmark compare both)."""
    solutions = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    if domain is not None:
        solutions = solutions.filter(domains=domain)
    rows = list(
        solutions.values("id", "name", "is_free_software", "hosting", "deployment", "personal_data")
    )
    means: dict[int, dict[str, float]] = {}
    for row in (
        ReviewScore.objects.filter(
            review__solution__status=SolutionStatus.PUBLISHED,
            criterion__axis=GridAxis.ACTION1,
        )
        .values("review__solution_id", "criterion__key")
        .annotate(mean=Avg("score"))
        .order_by()
    ):
        means.setdefault(row["review__solution_id"], {})[row["criterion__key"]] = float(row["mean"])
    territories: dict[int, set[str]] = {}
    for solution_id, code, commune_code in (
        Reference.objects.filter(solution__status=SolutionStatus.PUBLISHED)
        .exclude(status="abandoned")
        .values_list(
            "solution_id", "organisation__territory__code", "organisation__commune__territory__code"
        )
    ):
        for value in (code, commune_code):
            if value:
                territories.setdefault(solution_id, set()).add(value)
    return [
        SolutionFacts(
            id=row["id"],
            name=row["name"],
            means=means.get(row["id"], {}),
            is_free_software=row["is_free_software"],
            hosting=row["hosting"],
            deployment=row["deployment"],
            personal_data=row["personal_data"],
            territories_using=frozenset(territories.get(row["id"], ())),
        )
        for row in rows
    ]


# The must-haves of `scoring.MUST_HAVES` as SQL conditions (the same tests; a test checks
# that both give the same order).
def _used_in_territory(code: str | None) -> Q:
    if code is None:
        return Q(pk__in=[])
    return Q(
        Exists(
            Reference.objects.filter(solution=OuterRef("pk"))
            .exclude(status="abandoned")
            .filter(
                Q(organisation__territory__code=code)
                | Q(organisation__commune__territory__code=code)
            )
        )
    )


MUST_HAVE_CONDITIONS = {
    "free_software": lambda code: Q(is_free_software=True),
    "hosted_in_eu": lambda code: (
        Q(hosting__in=["france", "eu", "customer"]) | Q(deployment="on_premise")
    ),
    "data_stays_in_commune": lambda code: (
        Q(personal_data="none") | Q(deployment="on_premise") | Q(hosting="customer")
    ),
    "used_in_my_territory": _used_in_territory,
}
assert set(MUST_HAVE_CONDITIONS) == set(MUST_HAVES)


def ranked_solutions(
    *, weights: dict[str, int], must_haves, territory: str | None = None, domain=None
) -> QuerySet[Solution]:
    """Published solutions in the order of `scoring.rank`, computed by the database from
    each solution's stored criterion means: must-haves met first, then the weighted score,
    then the name. Paginate it; `explain_page` gives the reasons for the rows shown."""
    solutions = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    if domain is not None:
        solutions = solutions.filter(domains=domain)
    total = sum(weights.values())
    score = Value(0.0, output_field=FloatField())
    for key, weight in weights.items():
        if weight and total:
            mean = Cast(KeyTextTransform(key, "figures__criterion_means"), FloatField())
            score = score + Coalesce(mean, Value(0.0)) * Value(
                100 * weight / MAX_SCORE / total, output_field=FloatField()
            )
    conditions = [MUST_HAVE_CONDITIONS[key](territory) for key in must_haves]
    eligible = (
        Case(When(Q(*conditions), then=Value(1)), default=Value(0), output_field=IntegerField())
        if conditions
        else Value(1, output_field=IntegerField())
    )
    return (
        solutions.select_related("vendor", "figures")
        .annotate(ranking_score=Round(score, 9), eligible=eligible)
        .order_by(F("eligible").desc(), F("ranking_score").desc(), Lower("name"), "pk")
    )


def ranking_page(
    *,
    weights: dict[str, int],
    must_haves,
    territory: str | None = None,
    domain=None,
    version: str | None = None,
) -> facet_index.ResultPage:
    """The order of `ranked_solutions`, computed in memory from the facet index (kept per
    process until the catalogue's version changes): a sequence to paginate whose slices
    are fetched with their vendor and figures, published solutions only."""
    index = facet_index.current(version or catalogue_version(), choice_values())
    rows = facet_index.rank(
        index,
        weights=weights,
        must_haves=must_haves,
        territory=territory,
        domain_slug=domain.slug if domain is not None else None,
        max_score=MAX_SCORE,
    )

    def fetch(primary_keys):
        return Solution.objects.filter(
            pk__in=primary_keys, status=SolutionStatus.PUBLISHED
        ).select_related("vendor", "figures")

    return facet_index.ResultPage(index, rows, fetch)


def explain_page(
    solutions, *, weights: dict[str, int], must_haves, territory: str | None = None
) -> list[tuple[Solution, Ranked]]:
    """Each solution of a ranking page with its explanation by `scoring.score_solution`
    (one query for the territories of the page's references)."""
    territories: dict[int, set[str]] = {}
    for solution_id, code, commune_code in (
        Reference.objects.filter(solution__in=[s.pk for s in solutions])
        .exclude(status="abandoned")
        .values_list(
            "solution_id", "organisation__territory__code", "organisation__commune__territory__code"
        )
    ):
        for value in (code, commune_code):
            if value:
                territories.setdefault(solution_id, set()).add(value)
    rows = []
    for solution in solutions:
        figures = getattr(solution, "figures", None)
        facts = SolutionFacts(
            id=solution.pk,
            name=solution.name,
            means=figures.criterion_means if figures else {},
            is_free_software=solution.is_free_software,
            hosting=solution.hosting,
            deployment=solution.deployment,
            personal_data=solution.personal_data,
            territories_using=frozenset(territories.get(solution.pk, ())),
        )
        rows.append((solution, score_solution(facts, weights, must_haves, territory)))
    return rows
