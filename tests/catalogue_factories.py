"""Factories for the catalogue (shared by the catalogue test modules; add, don't change)."""

import factory

from citeia.catalogue.models import (
    Criterion,
    Domain,
    GridVersion,
    Reference,
    Review,
    ReviewScore,
    Solution,
    SolutionStatus,
    Technique,
)
from citeia.catalogue.services import solution_figures_refresh

from .factories import OrganisationFactory, UserFactory


class VendorFactory(OrganisationFactory):
    kind = "company"


class SolutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Solution
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Solution de test {n}")
    slug = factory.Sequence(lambda n: f"solution-de-test-{n}")
    summary = "Assistant de test pour les services municipaux."
    description = "Une **solution** de démonstration."
    maturity = "pilot"
    licence = "MIT"
    is_free_software = True
    deployment = "saas"
    hosting = "france"
    personal_data = "personal"
    model_provenance = "own"
    status = SolutionStatus.PUBLISHED
    is_demo = True

    @factory.post_generation
    def domains(obj, create, extracted, **kwargs):
        if create:
            obj.domains.set(extracted or [Domain.objects.get(slug="relation-citoyen")])

    @factory.post_generation
    def techniques(obj, create, extracted, **kwargs):
        if create:
            obj.techniques.set(extracted or [Technique.objects.get(slug="langage")])


def current_grid() -> GridVersion:
    return GridVersion.objects.order_by("-number").first()


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    solution = factory.SubFactory(SolutionFactory)
    expert = factory.SubFactory(UserFactory, platform_role="expert")
    grid = factory.LazyFunction(current_grid)
    summary = "Évaluation de test."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Like the services: a review changes the solution's derived figures.
        review = super()._create(model_class, *args, **kwargs)
        solution_figures_refresh(solution_ids=[review.solution_id])
        return review


def score_review(review: Review, scores: dict[str, int]) -> Review:
    """Give `review` a score per criterion key, with a justification each."""
    for key, score in scores.items():
        ReviewScore.objects.create(
            review=review,
            criterion=Criterion.objects.get(grid=review.grid, key=key),
            score=score,
            justification=f"Justification de la note {score} pour {key}.",
        )
    solution_figures_refresh(solution_ids=[review.solution_id])
    return review


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    solution = factory.SubFactory(SolutionFactory)
    organisation = factory.LazyFunction(
        lambda: __import__(
            "citeia.accounts.models", fromlist=["Organisation"]
        ).Organisation.objects.get(slug="montreuil")
    )
    status = "deployed"
    public_feedback = "Retour d'expérience de test."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        reference = super()._create(model_class, *args, **kwargs)
        solution_figures_refresh(solution_ids=[reference.solution_id])
        return reference
