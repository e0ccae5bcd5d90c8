"""Expert reviews of published solutions and the vendors' answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from citeia.core.permissions import Action, can

from .. import review_selectors as selectors
from .. import review_services as services
from ..review_forms import AnswerForm, ReviewForm

INVALID = 422  # a submitted form with errors: re-rendered, nothing saved


def safe_url(name: str, *args) -> str | None:
    """The URL of a page another area of the catalogue owns, or None if it is not wired."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _solution_url(solution) -> str | None:
    return safe_url("catalogue:solution_detail", solution.slug)


def _crumbs(solution, *last):
    return [
        (_("Catalogue"), safe_url("catalogue:solution_list")),
        (solution.name, _solution_url(solution)),
        *last,
    ]


@login_required
def review_edit(request, slug: str):
    solution = selectors.get_solution_to_review(request.user, slug)
    if selectors.is_own_solution(request.user, solution):
        return render(
            request,
            "catalogue/review_refused.html",
            {
                "solution": solution,
                "reason": services.own_solution_message(solution),
                "crumbs": _crumbs(solution, (_("Évaluer"), None)),
            },
            status=403,
        )
    grid = selectors.current_grid()
    criteria = selectors.grid_criteria(grid)
    existing = selectors.own_review(request.user, solution)
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.review_save(
                    actor=request.user,
                    solution=solution,
                    grid=grid,
                    scores=form.scores(),
                    summary=form.cleaned_data["summary"].strip(),
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Votre évaluation de « %(name)s » est enregistrée.")
                    % {"name": solution.name},
                )
                return redirect("catalogue:review_list", slug=solution.slug)
        status = INVALID
    else:
        form = ReviewForm(criteria=criteria, initial=ReviewForm.initial_from(existing))
    return render(
        request,
        "catalogue/review_form.html",
        {
            "solution": solution,
            "solution_url": _solution_url(solution),
            "form": form,
            "grid": grid,
            "existing": existing,
            "crumbs": _crumbs(solution, (_("Évaluer"), None)),
        },
        status=status,
    )


@login_required
def review_list(request, slug: str):
    solution = selectors.get_solution_reviews_for_user(request.user, slug)
    reviews = selectors.with_levels(selectors.reviews_of(solution))
    can_review = can(request.user, Action.EVALUATE, solution)
    return render(
        request,
        "catalogue/review_list.html",
        {
            "solution": solution,
            "solution_url": _solution_url(solution),
            "reviews": reviews,
            "can_answer": selectors.can_answer(request.user, solution),
            "can_review": can_review,
            "crumbs": _crumbs(solution, (_("Évaluations"), None)),
        },
    )


@login_required
def review_answer(request, slug: str, review_id: int):
    review = selectors.get_review_for_answer(request.user, slug, review_id)
    solution = review.solution
    status = 200
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.answer_create(
                    actor=request.user, review=review, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("text", message)
            else:
                messages.success(request, _("Votre réponse est publiée sous l'évaluation."))
                return redirect(
                    reverse("catalogue:review_list", args=[solution.slug])
                    + f"#evaluation-{review.pk}"
                )
        status = INVALID
    return render(
        request,
        "catalogue/review_answer.html",
        {
            "solution": solution,
            "review": review,
            "form": form,
            "already_answered": hasattr(review, "answer"),
            "crumbs": _crumbs(
                solution,
                (_("Évaluations"), reverse("catalogue:review_list", args=[solution.slug])),
                (_("Répondre"), None),
            ),
        },
        status=status,
    )
