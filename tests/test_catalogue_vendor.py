"""The submission workflow through HTTP: "Mes solutions", submit, review queue, decisions,
e-mails, history, and who may do what."""

import pytest
from django.core import mail
from django.urls import reverse

from citeia.catalogue import selectors, services
from citeia.catalogue.models import Domain, SolutionStatus, Technique
from citeia.core.permissions import MemberRole

from .catalogue_factories import SolutionFactory, VendorFactory
from .factories import MembershipFactory

MINE = reverse("catalogue:my_solutions")
QUEUE = reverse("catalogue:moderation_queue")


@pytest.fixture
def vendor(db):
    return VendorFactory(name="Logiciels Exemple")


@pytest.fixture
def manager(vendor):
    return MembershipFactory(
        organisation=vendor, role=MemberRole.MANAGER, user__email="gestion@logiciels.test"
    ).user


@pytest.fixture
def editor(vendor):
    return MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user


@pytest.fixture
def team(make_user):
    return make_user("programme_team")


def submit_url(solution):
    return reverse("catalogue:solution_submit", args=[solution.slug])


def decide_url(solution, transition=None):
    if transition:
        return reverse("catalogue:solution_decide_confirm", args=[solution.slug, transition])
    return reverse("catalogue:solution_decide", args=[solution.slug])


def history_url(solution):
    return reverse("catalogue:solution_history", args=[solution.slug])


# "Mes solutions" -------------------------------------------------------------------------


def test_my_solutions_lists_the_vendors_solutions_with_status_words_and_messages(
    client, vendor, editor
):
    SolutionFactory(vendor=vendor, name="Brouillon A", status=SolutionStatus.DRAFT)
    SolutionFactory(
        vendor=vendor,
        name="À corriger B",
        status=SolutionStatus.CHANGES_REQUESTED,
        status_message="Précisez l'hébergement.",
    )
    SolutionFactory(
        vendor=vendor,
        name="Refusée C",
        status=SolutionStatus.REJECTED,
        status_message="Hors champ.",
    )
    SolutionFactory(vendor=vendor, name="Publiée D", status=SolutionStatus.PUBLISHED)
    SolutionFactory(name="Solution d'un autre", status=SolutionStatus.DRAFT)
    client.force_login(editor)
    page = client.get(MINE)
    assert page.status_code == 200
    text = page.text
    for word in ("Brouillon", "Modifications demandées", "Refusée", "Publiée"):
        assert word in text
    assert "Précisez l&#x27;hébergement." in text
    assert "Hors champ." in text
    assert "Solution d&#x27;un autre" not in text
    assert "Proposer une solution" in text
    assert text.count("Soumettre pour relecture") == 2  # the draft and the one to correct


def test_my_solutions_empty_state_explains_the_workflow(client, vendor, editor):
    client.force_login(editor)
    text = client.get(MINE).text
    assert "Aucune solution pour l’instant" in text
    assert "Comment une solution entre au catalogue" in text


def test_my_solutions_for_a_plain_member_has_no_create_button(client, vendor, make_user):
    SolutionFactory(vendor=vendor, name="Brouillon A", status=SolutionStatus.DRAFT)
    client.force_login(make_user("member", vendor))
    text = client.get(MINE).text
    assert "Brouillon A" in text
    assert "Proposer une solution" not in text
    assert "Soumettre pour relecture" not in text


def test_my_solutions_for_a_commune_agent_explains_who_it_is_for(client, make_user, commune_org):
    client.force_login(make_user("editor", commune_org))
    text = client.get(MINE).text
    assert "Vous n’êtes membre d’aucune d’entre elles" in text


def test_my_solutions_needs_login(client):
    assert client.get(MINE).status_code == 302


def test_my_solutions_query_count_is_bounded(client, vendor, editor, django_assert_max_num_queries):
    for n in range(15):
        SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT, name=f"Solution {n}")
    client.force_login(editor)
    with django_assert_max_num_queries(8):
        assert client.get(MINE).status_code == 200


# Submit ---------------------------------------------------------------------------------


def test_editor_submits_a_draft_and_the_programme_team_is_told(
    client, vendor, editor, team, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(submit_url(solution))
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [team.email]
    assert solution.name in mail.outbox[0].subject
    assert decide_url(solution) in mail.outbox[0].body


@pytest.mark.parametrize("kind", ["member", "other_editor", "expert", "programme_team"])
def test_only_the_vendors_editors_submit(client, make_user, vendor, kind):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT)
    if kind == "other_editor":
        user = make_user("editor", VendorFactory())
    else:
        user = make_user(kind, vendor if kind == "member" else None)
    client.force_login(user)
    response = client.post(submit_url(solution))
    # Another vendor does not even learn that the draft exists.
    assert response.status_code == (404 if kind in ("other_editor", "expert") else 403)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.DRAFT


@pytest.mark.parametrize(
    "status",
    [
        SolutionStatus.IN_REVIEW,
        SolutionStatus.PUBLISHED,
        SolutionStatus.REJECTED,
        SolutionStatus.ARCHIVED,
    ],
)
def test_cannot_submit_from_a_status_other_than_draft_or_changes_requested(
    client, vendor, editor, status
):
    solution = SolutionFactory(vendor=vendor, status=status)
    client.force_login(editor)
    response = client.post(submit_url(solution))
    assert response.status_code == 409
    assert "Impossible depuis le statut" in response.text
    solution.refresh_from_db()
    assert solution.status == status


def test_submit_needs_post_and_login(client, vendor):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT)
    assert reverse("accounts:login") in client.post(submit_url(solution)).url
    client.force_login(MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user)
    assert client.get(submit_url(solution)).status_code == 405


# Review queue and decisions -------------------------------------------------------------


def test_review_queue_lists_solutions_in_review_oldest_first(
    client, team, django_assert_max_num_queries
):
    older = SolutionFactory(name="Zèbre ancienne", status=SolutionStatus.IN_REVIEW)
    newer = SolutionFactory(name="Abeille récente", status=SolutionStatus.IN_REVIEW)
    for n in range(10):
        SolutionFactory(status=SolutionStatus.IN_REVIEW, name=f"Autre {n}")
    SolutionFactory(name="Brouillon caché", status=SolutionStatus.DRAFT)
    client.force_login(team)
    with django_assert_max_num_queries(8):
        page = client.get(QUEUE)
    assert page.status_code == 200
    text = page.text
    assert text.index(older.name) < text.index(newer.name)
    assert "Brouillon caché" not in text
    published = client.get(QUEUE, {"statut": "published"}).text
    assert older.name not in published


@pytest.mark.parametrize("kind", ["editor", "manager", "expert", "commune", "authenticated"])
def test_review_queue_and_decisions_are_for_the_programme_team_only(
    client, make_user, vendor, kind, commune_org
):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW)
    if kind == "commune":
        user = make_user("editor", commune_org)
    else:
        user = make_user(kind, vendor if kind in ("editor", "manager") else None)
    client.force_login(user)
    assert client.get(QUEUE).status_code == 403
    assert client.post(decide_url(solution), {"decision": "publish"}).status_code in (403, 404)
    assert client.post(decide_url(solution, "reject"), {"message": "Non"}).status_code in (
        403,
        404,
    )
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW


def test_anonymous_is_sent_to_login_from_the_queue_and_decisions(client, vendor):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW)
    for url in (QUEUE, decide_url(solution), history_url(solution)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response.url


def test_programme_team_publishes_and_the_vendors_managers_are_told(
    client, vendor, manager, editor, team, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW)
    client.force_login(team)
    page = client.get(decide_url(solution))
    assert page.status_code == 200
    assert "Publier la solution" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(solution), {"decision": "publish"})
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED
    assert solution.published_at is not None
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "publiée" in mail.outbox[0].subject
    # The public now finds it.
    assert selectors.published_solutions().filter(pk=solution.pk).exists()


def test_request_changes_needs_a_message_then_reaches_the_vendor(
    client, vendor, manager, team, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW)
    client.force_login(team)
    empty = client.post(
        decide_url(solution), {"decision": "request_changes", "changes-message": " "}
    )
    assert empty.status_code == 422
    assert "Expliquez votre décision au fournisseur." in empty.text
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            decide_url(solution),
            {"decision": "request_changes", "changes-message": "Précisez la licence."},
        )
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.CHANGES_REQUESTED
    assert solution.status_message == "Précisez la licence."
    assert "Précisez la licence." in mail.outbox[0].body
    assert mail.outbox[0].to == [manager.email]


def test_reject_is_confirmed_on_its_own_page_with_a_required_reason(
    client, vendor, manager, team, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW)
    client.force_login(team)
    # The decision page's button leads to a confirmation page (no JavaScript needed).
    assert client.post(decide_url(solution), {"decision": "reject"}).url == decide_url(
        solution, "reject"
    )
    confirm = client.get(decide_url(solution, "reject"))
    assert confirm.status_code == 200
    assert "Refuser la solution" in confirm.text
    assert client.post(decide_url(solution, "reject"), {"message": ""}).status_code == 422
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url(solution, "reject"), {"message": "Hors du champ du catalogue."})
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.REJECTED
    assert "Hors du champ du catalogue." in mail.outbox[0].body


def test_archive_a_published_solution_with_a_reason(
    client, vendor, manager, team, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    client.force_login(team)
    assert "Archiver la solution" in client.get(decide_url(solution)).text
    assert client.post(decide_url(solution, "archive"), {"message": ""}).status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(solution, "archive"), {"message": "Plus maintenue."})
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.ARCHIVED
    assert not selectors.published_solutions().filter(pk=solution.pk).exists()
    assert "archivée" in mail.outbox[0].subject


@pytest.mark.parametrize(
    ("status", "transition"),
    [
        (SolutionStatus.DRAFT, "publish"),
        (SolutionStatus.PUBLISHED, "publish"),
        (SolutionStatus.DRAFT, "reject"),
        (SolutionStatus.IN_REVIEW, "archive"),
        (SolutionStatus.REJECTED, "publish"),
    ],
)
def test_decisions_follow_the_status_rules(client, vendor, team, status, transition):
    solution = SolutionFactory(vendor=vendor, status=status)
    client.force_login(team)
    if transition == "publish":
        response = client.post(decide_url(solution), {"decision": "publish"})
    else:
        response = client.post(decide_url(solution, transition), {"message": "Motif."})
    assert response.status_code == 409
    solution.refresh_from_db()
    assert solution.status == status


def test_unknown_decision_is_not_found(client, vendor, team):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW)
    client.force_login(team)
    assert client.post(decide_url(solution), {"decision": "delete"}).status_code == 404
    assert client.get(decide_url(solution, "delete")).status_code == 404


def test_services_refuse_a_decision_without_message(vendor, team):
    from django.core.exceptions import ValidationError

    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.solution_transition(
            actor=team, solution=solution, transition="reject", message="  "
        )


# Drafts stay private --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["anonymous", "other_editor", "commune", "authenticated"])
def test_a_draft_is_invisible_to_others(client, make_user, vendor, kind, commune_org):
    from django.http import Http404

    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT)
    if kind == "other_editor":
        user = make_user("editor", VendorFactory())
    elif kind == "commune":
        user = make_user("member", commune_org)
    else:
        user = make_user(kind)
    with pytest.raises(Http404):
        selectors.get_solution_for_user(user, solution.slug)
    if kind != "anonymous":
        client.force_login(user)
        assert solution.name not in client.get(MINE).text
    detail = client.get(reverse("catalogue:solution_detail", args=[solution.slug]))
    assert detail.status_code == 404
    assert solution.name not in detail.text


# History --------------------------------------------------------------------------------


def test_history_lists_who_when_why_and_a_field_by_field_diff(client, vendor, editor, team):
    solution = services.solution_create(
        actor=editor,
        vendor=vendor,
        data={
            "name": "Assistant budget",
            "summary": "Prépare le budget.",
            "maturity": "pilot",
            "deployment": "saas",
            "personal_data": "none",
            "model_provenance": "own",
            "licence": "MIT",
        },
        m2m={"domains": [Domain.objects.first()], "techniques": [Technique.objects.first()]},
    )
    solution = services.solution_update(
        actor=editor, solution=solution, data={"summary": "Prépare et suit le budget."}
    )
    services.solution_transition(actor=editor, solution=solution, transition="submit")
    client.force_login(team)
    page = client.get(history_url(solution))
    assert page.status_code == 200
    text = page.text
    assert text.count(editor.full_name) == 3
    for reason in ("Création", "Modification", "Soumise pour relecture"):
        assert reason in text
    assert "Prépare le budget." in text and "Prépare et suit le budget." in text
    assert "En relecture" in text


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("editor", 403), ("member", 403), ("other_editor", 404), ("commune", 404), ("expert", 404)],
)
def test_history_is_for_staff_only(client, make_user, vendor, commune_org, kind, expected):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT)
    if kind in ("editor", "member"):
        user = make_user(kind, vendor)
    elif kind == "other_editor":
        user = make_user("editor", VendorFactory())
    elif kind == "commune":
        user = make_user("member", commune_org)
    else:
        user = make_user(kind)
    client.force_login(user)
    assert client.get(history_url(solution)).status_code == expected


def test_history_of_a_published_solution_is_still_staff_only(client, make_user, vendor):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    client.force_login(make_user("authenticated"))
    assert client.get(history_url(solution)).status_code == 403
    client.force_login(make_user("administrator"))
    assert client.get(history_url(solution)).status_code == 200


def test_loaders_may_move_solutions_without_e_mails(
    vendor, editor, team, manager, django_capture_on_commit_callbacks
):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.solution_transition(
            actor=editor, solution=solution, transition="submit", notify=False
        )
        services.solution_transition(
            actor=team, solution=solution, transition="publish", notify=False
        )
    assert mail.outbox == []
    latest = solution.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (team, "Publiée")
