"""Writes on expert reviews, vendor answers and needs profiles."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from citeia.accounts.models import User
from citeia.core.permissions import Action, can

from . import review_selectors as selectors
from .models import (
    Criterion,
    GridAxis,
    GridVersion,
    NeedsProfile,
    Review,
    ReviewScore,
    Solution,
    SolutionStatus,
    VendorAnswer,
)
from .scoring import MAX_SCORE, MUST_HAVES
from .services import solution_figures_refresh


class OwnSolutionError(PermissionDenied):
    """An expert who belongs to the vendor may not review its solution."""


def own_solution_message(solution: Solution) -> str:
    return _(
        "Vous êtes membre de %(vendor)s, qui propose « %(solution)s » : vous ne pouvez pas "
        "évaluer votre propre solution. Les évaluations doivent rester indépendantes."
    ) % {"vendor": solution.vendor.name, "solution": solution.name}


@transaction.atomic
def review_save(
    *,
    actor: User,
    solution: Solution,
    grid: GridVersion,
    scores: dict[Criterion, tuple[int, str, str]],
    summary: str = "",
) -> Review:
    """Create or replace the actor's single review of the solution, made with `grid`.

    Scores of the actor's earlier review are replaced; the reviews of others, and the
    grid version each of them was made with, are left as they are.
    """
    if solution.status != SolutionStatus.PUBLISHED:
        raise ValidationError(_("Seules les solutions publiées peuvent être évaluées."))
    if selectors.is_own_solution(actor, solution):
        raise OwnSolutionError(own_solution_message(solution))
    if not can(actor, Action.EVALUATE, solution):
        raise PermissionDenied
    errors = []
    for criterion, (score, justification, _evidence) in scores.items():
        if criterion.grid_id != grid.pk:
            errors.append(
                _("Le critère « %(name)s » n'appartient pas à cette grille.")
                % {"name": criterion.name}
            )
        if not 0 <= score <= MAX_SCORE:
            errors.append(
                _("La note de « %(name)s » doit être comprise entre 0 et 4.")
                % {"name": criterion.name}
            )
        if not justification.strip():
            errors.append(
                _("La justification de « %(name)s » est obligatoire.") % {"name": criterion.name}
            )
    scored = {c.pk for c in scores}
    missing = grid.criteria.filter(axis=GridAxis.ACTION1).exclude(pk__in=scored)
    for criterion in missing:
        errors.append(_("Le critère « %(name)s » doit être noté.") % {"name": criterion.name})
    if errors:
        raise ValidationError(errors)

    review, _created = Review.objects.select_for_update().get_or_create(
        solution=solution, expert=actor, defaults={"grid": grid, "summary": summary}
    )
    review.grid = grid
    review.summary = summary
    review.save()
    review.scores.all().delete()
    ReviewScore.objects.bulk_create(
        ReviewScore(
            review=review,
            criterion=criterion,
            score=score,
            justification=justification.strip(),
            evidence=evidence,
        )
        for criterion, (score, justification, evidence) in scores.items()
    )
    solution_figures_refresh(solution_ids=[solution.pk])
    return review


@transaction.atomic
def answer_create(*, actor: User, review: Review, text: str) -> VendorAnswer:
    """The vendor's one answer to a review."""
    if not selectors.can_answer(actor, review.solution):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Écrivez votre réponse avant de l'envoyer.")})
    if VendorAnswer.objects.filter(review=review).exists():
        raise ValidationError({"text": _("Votre organisation a déjà répondu à cette évaluation.")})
    try:
        with transaction.atomic():
            return VendorAnswer.objects.create(review=review, author=actor, text=text.strip())
    except IntegrityError as exc:  # two answers at the same time
        raise ValidationError(
            {"text": _("Votre organisation a déjà répondu à cette évaluation.")}
        ) from exc


def _check_profile(weights: dict[str, int], must_haves: list[str]) -> None:
    if any(not 0 <= weight <= selectors.MAX_WEIGHT for weight in weights.values()):
        raise ValidationError(_("Chaque poids doit être compris entre 0 et 5."))
    unknown = [key for key in must_haves if key not in MUST_HAVES]
    if unknown:
        raise ValidationError(_("Exigence inconnue : %(keys)s.") % {"keys": ", ".join(unknown)})


@transaction.atomic
def needs_profile_save(
    *,
    actor: User,
    name: str,
    weights: dict[str, int],
    must_haves: list[str],
    profile: NeedsProfile | None = None,
) -> NeedsProfile:
    if not actor.is_authenticated:
        raise PermissionDenied
    if profile is not None and profile.owner_id != actor.pk:
        raise PermissionDenied
    _check_profile(weights, must_haves)
    profile = profile or NeedsProfile(owner=actor)
    profile.name = name.strip()
    profile.weights = dict(weights)
    profile.must_haves = list(must_haves)
    profile.save()
    return profile


@transaction.atomic
def needs_profile_delete(*, actor: User, profile: NeedsProfile) -> None:
    if profile.owner_id != actor.pk:
        raise PermissionDenied
    profile.delete()
