"""Expert reviews of published solutions and the vendors' answers, through HTTP."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citeia.accounts.models import Organisation
from citeia.catalogue.models import (
    Criterion,
    GridVersion,
    Review,
    ReviewScore,
    RubricLevel,
    SolutionStatus,
    VendorAnswer,
)

from .catalogue_factories import ReviewFactory, SolutionFactory, score_review
from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def current_grid():
    return GridVersion.objects.order_by("-number").first()


def action1_keys(grid=None):
    grid = grid or current_grid()
    return list(
        Criterion.objects.filter(grid=grid, axis="criterion")
        .order_by("position")
        .values_list("key", flat=True)
    )


def principle_keys(grid=None):
    grid = grid or current_grid()
    return list(
        Criterion.objects.filter(grid=grid, axis="principle")
        .order_by("position")
        .values_list("key", flat=True)
    )


def valid_data(score=3, **overrides):
    data = {"summary": "Solution solide, à suivre."}
    for key in action1_keys():
        data[f"score_{key}"] = str(score)
        data[f"justification_{key}"] = f"Constaté chez deux clients pour {key}."
        data[f"evidence_{key}"] = ""
    data.update(overrides)
    return data


def review_url(solution):
    return reverse("catalogue:review_edit", args=[solution.slug])


def list_url(solution):
    return reverse("catalogue:review_list", args=[solution.slug])


@pytest.fixture
def solution(db):
    return SolutionFactory()


@pytest.fixture
def expert(db):
    return UserFactory(platform_role="expert")


def vendor_user(solution, role="editor", **extra):
    return MembershipFactory(organisation=solution.vendor, role=role, **extra).user


# The review form ----------------------------------------------------------------------


def test_review_form_shows_every_criterion_its_questions_and_levels(client, solution, expert):
    client.force_login(expert)
    response = client.get(review_url(solution))
    assert response.status_code == 200
    html = response.content.decode()
    grid = current_grid()
    for criterion in Criterion.objects.filter(grid=grid):
        assert criterion.name in html
        if criterion.question:
            assert criterion.question.replace("'", "&#x27;") in html
    for level in RubricLevel.objects.filter(criterion__grid=grid):
        assert level.description.replace("'", "&#x27;") in html
    assert "enregistrée qu’à l’envoi du formulaire" in html


def test_expert_review_is_saved_with_its_grid_and_scores(client, solution, expert):
    client.force_login(expert)
    key = action1_keys()[0]
    data = valid_data(**{f"evidence_{key}": "https://exemple.fr/etude\n\nhttp://exemple.org/a"})
    response = client.post(review_url(solution), data)
    assert response.status_code == 302
    assert response["Location"] == list_url(solution)
    review = Review.objects.get(solution=solution, expert=expert)
    assert review.grid == current_grid()
    assert review.summary == "Solution solide, à suivre."
    assert review.scores.count() == len(action1_keys())
    score = review.scores.get(criterion__key=key)
    assert score.score == 3
    assert score.evidence == "https://exemple.fr/etude\nhttp://exemple.org/a"


def test_saving_again_replaces_the_experts_single_review(client, solution, expert):
    client.force_login(expert)
    client.post(review_url(solution), valid_data(score=1))
    response = client.get(review_url(solution))
    assert "Vous avez déjà évalué cette solution" in response.content.decode()
    assert response.context["form"].initial[f"score_{action1_keys()[0]}"] == "1"
    client.post(review_url(solution), valid_data(score=4))
    assert Review.objects.filter(solution=solution, expert=expert).count() == 1
    assert set(
        ReviewScore.objects.filter(review__expert=expert).values_list("score", flat=True)
    ) == {4}


def test_programme_team_may_review(client, solution):
    client.force_login(UserFactory(platform_role="programme_team"))
    assert client.post(review_url(solution), valid_data()).status_code == 302
    assert Review.objects.filter(solution=solution).count() == 1


def test_expert_member_of_the_vendor_is_refused_with_a_clear_message(client, solution):
    expert = UserFactory(platform_role="expert")
    MembershipFactory(user=expert, organisation=solution.vendor, role="member")
    client.force_login(expert)
    response = client.get(review_url(solution))
    assert response.status_code == 403
    assert "vous ne pouvez pas évaluer votre propre solution" in response.content.decode()
    response = client.post(review_url(solution), valid_data())
    assert response.status_code == 403
    assert not Review.objects.exists()


@pytest.mark.parametrize("kind", ["agent", "vendor_editor", "authenticated"])
def test_non_experts_may_not_review(client, solution, kind):
    if kind == "agent":
        user = MembershipFactory(
            organisation=Organisation.objects.get(slug="montreuil"), role="manager"
        ).user
    elif kind == "vendor_editor":
        user = vendor_user(solution)
    else:
        user = UserFactory()
    client.force_login(user)
    assert client.get(review_url(solution)).status_code == 403
    assert client.post(review_url(solution), valid_data()).status_code == 403
    assert not Review.objects.exists()


def test_anonymous_is_sent_to_login(client, solution):
    response = client.post(review_url(solution), valid_data())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not Review.objects.exists()


@pytest.mark.parametrize("status", [SolutionStatus.DRAFT, SolutionStatus.IN_REVIEW])
def test_unpublished_solution_cannot_be_reviewed(client, expert, status):
    solution = SolutionFactory(status=status)
    client.force_login(expert)
    assert client.post(review_url(solution), valid_data()).status_code == 404
    assert not Review.objects.exists()


# Validation ---------------------------------------------------------------------------


def test_score_outside_the_rubric_is_refused_and_input_kept(client, solution, expert):
    client.force_login(expert)
    key = action1_keys()[0]
    response = client.post(review_url(solution), valid_data(**{f"score_{key}": "5"}))
    assert response.status_code == 422
    html = response.content.decode()
    assert "La note doit être l&#x27;un des niveaux de la grille, de 0 à 4." in html
    assert f"Constaté chez deux clients pour {key}." in html
    assert "Le formulaire contient des erreurs" in html
    assert f'href="#id_score_{key}_0"' in html
    assert not Review.objects.exists()


def test_missing_justification_and_missing_score_are_refused(client, solution, expert):
    client.force_login(expert)
    first, second = action1_keys()[:2]
    data = valid_data(**{f"justification_{first}": "  "})
    del data[f"score_{second}"]
    response = client.post(review_url(solution), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "La justification est obligatoire" in html
    assert "Choisissez une note pour ce critère." in html
    assert not Review.objects.exists()


def test_invalid_evidence_link_is_refused_with_its_line(client, solution, expert):
    client.force_login(expert)
    key = action1_keys()[0]
    data = valid_data(**{f"evidence_{key}": "https://exemple.fr/ok\njavascript:alert(1)"})
    response = client.post(review_url(solution), data)
    assert response.status_code == 422
    assert "Ligne 2 : « javascript:alert(1) » n&#x27;est pas une adresse web valide" in (
        response.content.decode()
    )
    assert not Review.objects.exists()


def test_principles_are_optional_but_a_scored_principle_needs_a_justification(
    client, solution, expert
):
    client.force_login(expert)
    principle = principle_keys()[0]
    response = client.post(review_url(solution), valid_data(**{f"score_{principle}": "2"}))
    assert response.status_code == 422
    assert "La justification est obligatoire dès que vous notez ce principe." in (
        response.content.decode()
    )
    data = valid_data(
        **{f"score_{principle}": "2", f"justification_{principle}": "Sobriété mesurée."}
    )
    assert client.post(review_url(solution), data).status_code == 302
    review = Review.objects.get()
    assert review.scores.count() == len(action1_keys()) + 1


# Grid versions ------------------------------------------------------------------------


def make_grid_v2(new_label="Nouvelle étiquette"):
    """A copy of the current grid with the level 2 of the first criterion renamed."""
    old = current_grid()
    grid = GridVersion.objects.create(number=old.number + 1, notes="Test")
    for criterion in Criterion.objects.filter(grid=old).prefetch_related("levels"):
        levels = list(criterion.levels.all())
        criterion.pk = None
        criterion.grid = grid
        criterion.save()
        for level in levels:
            level.pk = None
            level.criterion = criterion
            if criterion.key == action1_keys(old)[0] and level.score == 2:
                level.label = new_label
                level.description = "Description du niveau 2 dans la grille 2."
            level.save()
    return old, grid


def test_a_new_grid_version_does_not_alter_old_reviews(client, solution, expert):
    key = action1_keys()[0]
    old_label = RubricLevel.objects.get(
        criterion__grid=current_grid(), criterion__key=key, score=2
    ).label
    client.force_login(expert)
    client.post(review_url(solution), valid_data(score=2))
    old, new = make_grid_v2()

    other = UserFactory(platform_role="expert")
    client.force_login(other)
    form = client.get(review_url(solution)).content.decode()
    assert "Description du niveau 2 dans la grille 2." in form
    assert f"version {new.number}" in form
    assert client.post(review_url(solution), valid_data(score=2)).status_code == 302

    assert Review.objects.get(expert=expert).grid == old
    assert Review.objects.get(expert=other).grid == new
    assert ReviewScore.objects.get(review__expert=expert, criterion__key=key).criterion.grid == old
    html = client.get(list_url(solution)).content.decode()
    assert f"avec la grille version {old.number}" in html
    assert f"avec la grille version {new.number}" in html
    assert f"— {old_label}" in html
    assert "— Nouvelle étiquette" in html


# Reviews page and vendor answers -------------------------------------------------------


@pytest.fixture
def reviewed(solution):
    review = score_review(ReviewFactory(solution=solution), {k: 3 for k in action1_keys()})
    return review


@pytest.mark.parametrize("kind", ["vendor_member", "expert", "programme_team"])
def test_reviews_page_shows_scores_and_justifications(client, reviewed, kind):
    solution = reviewed.solution
    user = {
        "vendor_member": lambda: vendor_user(solution, role="member"),
        "expert": lambda: UserFactory(platform_role="expert"),
        "programme_team": lambda: UserFactory(platform_role="programme_team"),
    }[kind]()
    client.force_login(user)
    response = client.get(list_url(solution))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(reviewed.expert) in html
    assert f"Justification de la note 3 pour {action1_keys()[0]}." in html
    assert "3 sur 4" in html
    assert ("Répondre à l’évaluation" in html) is False


@pytest.mark.parametrize("kind", ["agent", "other_vendor", "authenticated"])
def test_reviews_page_is_refused_to_others(client, reviewed, kind):
    if kind == "agent":
        user = MembershipFactory(organisation=Organisation.objects.get(slug="montreuil")).user
    elif kind == "other_vendor":
        user = MembershipFactory(organisation=SolutionFactory().vendor, role="manager").user
    else:
        user = UserFactory()
    client.force_login(user)
    assert client.get(list_url(reviewed.solution)).status_code == 403


def test_reviews_page_of_a_draft_is_hidden_from_experts(client):
    draft = SolutionFactory(status=SolutionStatus.DRAFT)
    client.force_login(UserFactory(platform_role="expert"))
    assert client.get(list_url(draft)).status_code == 404


def answer_url(review):
    return reverse("catalogue:review_answer", args=[review.solution.slug, review.pk])


def test_vendor_editor_answers_a_review_once(client, reviewed):
    editor = vendor_user(reviewed.solution, role="editor")
    client.force_login(editor)
    page = client.get(list_url(reviewed.solution)).content.decode()
    assert answer_url(reviewed) in page
    assert client.get(answer_url(reviewed)).status_code == 200
    response = client.post(answer_url(reviewed), {"text": "Nous avons publié l'étude depuis."})
    assert response.status_code == 302
    answer = VendorAnswer.objects.get(review=reviewed)
    assert answer.author == editor
    page = client.get(list_url(reviewed.solution)).content.decode()
    assert "Nous avons publié l&#x27;étude depuis." in page
    assert answer_url(reviewed) not in page

    manager = vendor_user(reviewed.solution, role="manager")
    client.force_login(manager)
    response = client.post(answer_url(reviewed), {"text": "Deuxième réponse."})
    assert response.status_code == 422
    assert "a déjà répondu à cette évaluation" in response.content.decode()
    assert VendorAnswer.objects.count() == 1


def test_empty_answer_is_refused(client, reviewed):
    client.force_login(vendor_user(reviewed.solution, role="manager"))
    response = client.post(answer_url(reviewed), {"text": "   "})
    assert response.status_code == 422
    assert "Écrivez votre réponse avant de l&#x27;envoyer." in response.content.decode()
    assert not VendorAnswer.objects.exists()


@pytest.mark.parametrize("kind", ["vendor_member", "other_vendor_editor", "expert"])
def test_only_the_vendors_editors_may_answer(client, reviewed, kind):
    user = {
        "vendor_member": lambda: vendor_user(reviewed.solution, role="member"),
        "other_vendor_editor": lambda: (
            MembershipFactory(organisation=SolutionFactory().vendor, role="editor").user
        ),
        "expert": lambda: UserFactory(platform_role="expert"),
    }[kind]()
    client.force_login(user)
    assert client.post(answer_url(reviewed), {"text": "Réponse."}).status_code == 403
    assert not VendorAnswer.objects.exists()


def test_answer_to_a_review_of_another_solution_is_not_found(client, reviewed):
    other = SolutionFactory()
    editor = vendor_user(other, role="editor")
    client.force_login(editor)
    url = reverse("catalogue:review_answer", args=[other.slug, reviewed.pk])
    assert client.post(url, {"text": "Réponse."}).status_code == 404


def test_reviews_page_queries_do_not_grow_with_reviews(client, solution):
    def add_reviews(n):
        for _ in range(n):
            score_review(ReviewFactory(solution=solution), {k: 2 for k in action1_keys()})

    client.force_login(UserFactory(platform_role="programme_team"))
    add_reviews(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(list_url(solution)).status_code == 200
    add_reviews(6)
    with CaptureQueriesContext(connection) as many:
        assert client.get(list_url(solution)).status_code == 200
    assert len(many) == len(few)
