"""The demo catalogue: fictional, complete enough to show every page, and idempotent."""

import pytest
from django.db.models import Count

from citeia.accounts.demo import load_demo_accounts
from citeia.accounts.models import Organisation, User
from citeia.catalogue.demo import load_demo_catalogue
from citeia.catalogue.models import (
    Criterion,
    Deployment,
    Domain,
    GridAxis,
    Maturity,
    Reference,
    Review,
    ReviewScore,
    Solution,
    SolutionStatus,
    Technique,
    VendorAnswer,
)
from citeia.core import search
from citeia.territory.models import Territory

pytestmark = pytest.mark.django_db

PASSWORD = "demo-mot-de-passe"


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    load_demo_accounts(password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        counts = load_demo_catalogue(password=PASSWORD)
    return counts


def _snapshot() -> dict[str, int]:
    return {
        "solutions": Solution.objects.count(),
        "history": Solution.history.count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "references": Reference.objects.count(),
        "reviews": Review.objects.count(),
        "scores": ReviewScore.objects.count(),
        "answers": VendorAnswer.objects.count(),
    }


def test_demo_catalogue_has_enough_of_everything(demo):
    solutions = Solution.objects.all()
    assert solutions.count() >= 25
    vendors = Organisation.objects.filter(solutions__isnull=False).distinct()
    assert vendors.count() >= 12
    assert set(vendors.values_list("kind", flat=True)) == {
        "company",
        "association",
        "public_agency",
    }
    assert set(solutions.values_list("maturity", flat=True)) == set(Maturity.values)
    assert set(solutions.values_list("deployment", flat=True)) == set(Deployment.values)
    assert set(
        Domain.objects.filter(solutions__isnull=False).values_list("slug", flat=True)
    ) == set(Domain.objects.values_list("slug", flat=True))
    assert set(
        Technique.objects.filter(solutions__isnull=False).values_list("slug", flat=True)
    ) == set(Technique.objects.values_list("slug", flat=True))
    free = solutions.filter(is_free_software=True)
    assert free.count() >= 5
    assert all(s.licence and not s.licence.startswith("LicenseRef") for s in free)
    assert solutions.filter(techniques__slug="generative").count() >= 3


def test_demo_has_every_workflow_status_and_mostly_published(demo):
    statuses = dict(
        Solution.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    for status in ("draft", "in_review", "changes_requested"):
        assert statuses.get(status, 0) >= 1
    assert statuses["published"] > sum(statuses.values()) / 2
    changes = Solution.objects.get(status=SolutionStatus.CHANGES_REQUESTED)
    assert changes.status_message
    assert Solution.objects.filter(status="published", published_at__isnull=True).count() == 0


def test_references_cover_twenty_communes_in_all_twelve_territories(demo):
    references = Reference.objects.select_related("organisation", "referent")
    communes = {r.organisation.commune_id for r in references}
    assert None not in communes
    assert len(communes) >= 20
    territories = {r.organisation.territory_id for r in references}
    assert territories == set(Territory.objects.values_list("pk", flat=True))
    assert len(territories) == 12
    for reference in references:
        assert reference.referent.email.endswith("@demo.citeia.example")
        assert reference.referent_consent
        assert reference.referent.memberships.filter(organisation=reference.organisation).exists()
        assert reference.solution.status == SolutionStatus.PUBLISHED


def test_three_experts_score_every_criterion_with_a_justification(demo):
    experts = User.objects.filter(platform_role="expert", solution_reviews__isnull=False).distinct()
    assert experts.count() >= 3
    criteria = set(Criterion.objects.filter(axis=GridAxis.ACTION1).values_list("pk", flat=True))
    for expert in experts:
        assert expert.email.endswith("@demo.citeia.example")
        assert expert.check_password(PASSWORD)
    for review in Review.objects.prefetch_related("scores"):
        assert {s.criterion_id for s in review.scores.all()} == criteria
        assert all(s.justification and 0 <= s.score <= 4 for s in review.scores.all())
    # Plausible spreads: experts do not always agree.
    spreads = [
        len(set(ReviewScore.objects.filter(review__solution=s, criterion=c).values_list("score")))
        for s in Solution.objects.filter(reviews__isnull=False).distinct()
        for c in Criterion.objects.filter(axis=GridAxis.ACTION1)
    ]
    assert 1 in spreads and 2 in spreads


def test_everything_is_flagged_demo_and_vendors_have_no_siren(demo):
    assert not Solution.objects.filter(is_demo=False).exists()
    vendors = Organisation.objects.filter(solutions__isnull=False).distinct()
    assert all(v.is_demo for v in vendors)
    assert all(v.siren == "" for v in vendors)
    assert all(v.vendor_profile.size for v in vendors)
    assert Organisation.objects.filter(slug="demo-civitext").get().solutions.count() >= 3


def test_demo_vendor_manager_sees_an_answer_on_their_solution(demo):
    answer = VendorAnswer.objects.get()
    assert answer.author.email == "fournisseur@demo.citeia.example"
    assert answer.review.solution.vendor.slug == "demo-civitext"


def test_loading_twice_changes_nothing(demo, django_capture_on_commit_callbacks):
    before = _snapshot()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        counts = load_demo_catalogue(password=PASSWORD)
    assert _snapshot() == before
    assert counts == demo
    assert callbacks == []  # nothing re-indexed: nothing changed


def test_loading_keeps_workflow_changes_made_by_demo_users(demo):
    solution = Solution.objects.get(status=SolutionStatus.IN_REVIEW, name="Lumenergie Éclairage")
    solution.status = SolutionStatus.PUBLISHED
    solution.save()
    load_demo_catalogue(password=PASSWORD)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED


def test_demo_solutions_are_found_by_search(demo):
    found = search.filter_and_rank(Solution.objects.filter(status="published"), "deliberation")
    assert "Civitext Actes" in [s.name for s in found]


def test_demo_catalogue_loads_without_the_demo_accounts(db):
    load_demo_catalogue(password=PASSWORD)
    assert Solution.objects.filter(vendor__slug="demo-civitext").exists()
    assert not VendorAnswer.objects.exists()
