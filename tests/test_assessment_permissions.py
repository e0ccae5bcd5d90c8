"""Who sees and edits which assessment file, for every role."""

import pytest
from django.urls import reverse

from citeia.assessment import services

from .assessment_factories import CHATBOT_FACTS, SOCIAL_BENEFIT_FACTS, SystemFileFactory
from .catalogue_factories import SolutionFactory

# role -> (reads the whole system file, may write it)
SYSTEM_MATRIX = {
    "anonymous": (False, False),
    "authenticated": (False, False),
    "member": (True, False),
    "editor": (True, True),
    "manager": (True, True),
    "other_org_editor": (False, False),
    "expert": (False, False),
    "programme_team": (True, False),
    "administrator": (True, True),
}


def _user(make_user, role, owner, other):
    if role == "other_org_editor":
        return make_user("editor", other)
    if role in ("member", "editor", "manager"):
        return make_user(role, owner)
    return make_user(role)


def _login(client, user):
    if getattr(user, "is_authenticated", False):
        client.force_login(user)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(SYSTEM_MATRIX))
def test_system_file_access(client, make_user, commune_org, other_commune_org, role):
    file = SystemFileFactory(organisation=commune_org, name="Score RSA de Montreuil")
    owner = make_user("editor", commune_org)
    services.ai_act_write_facts(file=file, facts=SOCIAL_BENEFIT_FACTS, user=owner)
    services.fria_save(file=file, data={"processes": "Instruction"}, user=owner)
    reads, writes = SYSTEM_MATRIX[role]
    _login(client, _user(make_user, role, commune_org, other_commune_org))
    detail = client.get(file.get_absolute_url())
    assert detail.status_code == (200 if reads else 404)
    pdf = client.get(reverse("assessment:fria_pdf", args=[file.pk]))
    assert pdf.status_code == (200 if reads else 404)
    start = client.post(reverse("assessment:ai_act_start", args=[file.pk]))
    if writes:
        assert start.status_code == 302
    else:
        assert start.status_code in (403, 404) if reads else start.status_code == 404
    listing = client.get(reverse("assessment:my_files"))
    if role == "anonymous":
        assert listing.status_code == 302
    elif role in ("member", "editor", "manager"):
        assert "Score RSA de Montreuil" in listing.content.decode()
    else:
        assert "Score RSA de Montreuil" not in listing.content.decode()


@pytest.mark.django_db
def test_system_file_never_leaks_to_another_commune_through_the_api(
    client, make_user, commune_org, other_commune_org
):
    file = SystemFileFactory(organisation=commune_org, name="Secret de Montreuil")
    services.ai_act_write_facts(file=file, facts=CHATBOT_FACTS, user=None)
    client.force_login(make_user("manager", other_commune_org))
    assert "Secret de Montreuil" not in client.get("/api/assessments/files").content.decode()
    assert client.get(f"/api/assessments/files/{file.pk}").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        ("anonymous", True, False),
        ("vendor_editor", True, True),
        ("expert", True, True),
        ("programme_team", True, True),
        ("other_org_editor", True, False),
    ],
)
def test_published_solution_file(client, make_user, commune_org, role, reads, writes):
    solution = SolutionFactory(status="published")
    vendor_editor = make_user("editor", solution.vendor)
    file = services.file_for_solution_get_or_create(solution=solution, user=vendor_editor)
    services.ai_act_write_facts(file=file, facts=CHATBOT_FACTS, user=vendor_editor)
    user = {
        "vendor_editor": vendor_editor,
        "other_org_editor": make_user("editor", commune_org),
    }.get(role) or make_user(role)
    _login(client, user)
    page = client.get(file.get_absolute_url())
    assert page.status_code == 200
    assert "Risque minimal" in page.content.decode()
    start = client.post(reverse("assessment:ai_act_start", args=[file.pk]))
    assert (start.status_code == 302) is writes
    # The checklist and history are for the people who assess, not the public.
    assert ("Obligations à suivre" in page.content.decode()) is writes


@pytest.mark.django_db
def test_draft_solution_file_is_hidden_from_the_public(client, make_user):
    solution = SolutionFactory(status="draft")
    vendor_editor = make_user("editor", solution.vendor)
    file = services.file_for_solution_get_or_create(solution=solution, user=vendor_editor)
    services.ai_act_write_facts(file=file, facts=CHATBOT_FACTS, user=vendor_editor)
    assert client.get(file.get_absolute_url()).status_code == 404
    client.force_login(make_user("expert"))
    assert client.get(file.get_absolute_url()).status_code == 404
    assert client.get(reverse("assessment:solution_file", args=[solution.pk])).status_code == 302
