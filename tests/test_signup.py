"""Signing up, and what managers do with the requests: approve, reject, change a role."""

import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from citeia.accounts.models import Membership, MembershipStatus, Organisation
from citeia.core.permissions import MemberRole

from .factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
SIGNUP = reverse("accounts:signup")
VALID_SIREN = "987654324"  # fictional, passes the Luhn check


@pytest.fixture
def form_data(commune_org, password):
    def build(**overrides):
        data = {
            "full_name": "Camille Exemple",
            "email": "camille.exemple@montreuil.test",
            "job_title": "Chargée de mission numérique",
            "organisation": str(commune_org.pk),
            "new_organisation_name": "",
            "new_organisation_kind": "",
            "new_organisation_siren": "",
            "password1": password,
            "password2": password,
        }
        data.update(overrides)
        return data

    return build


def _new_company(**overrides):
    data = {
        "organisation": "",
        "new_organisation_name": "Algorithmes Sobres SAS",
        "new_organisation_kind": "company",
        "new_organisation_siren": VALID_SIREN,
    }
    data.update(overrides)
    return data


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_signup_page_explains_the_form_in_french(client):
    response = client.get(SIGNUP)
    assert response.status_code == 200
    page = _text(response)
    assert "Créer un compte" in page
    assert "Votre organisation n’est pas dans la liste ?" in page


def test_signup_creates_a_pending_membership_and_signs_in(client, form_data, commune_org):
    response = client.post(SIGNUP, form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    user = User.objects.get(email="camille.exemple@montreuil.test")
    membership = user.memberships.get()
    assert membership.organisation == commune_org
    assert membership.status == MembershipStatus.PENDING
    assert membership.role == MemberRole.MEMBER
    assert user.job_title == "Chargée de mission numérique"
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 200
    page = _text(profile)
    assert "Votre demande pour rejoindre Montreuil attend la validation" in page
    assert "En attente de validation" in page


def test_signup_stores_the_email_in_lower_case(client, form_data):
    client.post(SIGNUP, form_data(email="Camille.Exemple@Montreuil.TEST"))
    assert User.objects.filter(email="camille.exemple@montreuil.test").exists()


def test_signup_emails_the_managers_of_the_organisation(
    client,
    form_data,
    commune_org,
    other_commune_org,
    make_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    manager = make_user("manager", commune_org)
    make_user("manager", other_commune_org)
    MembershipFactory(
        organisation=commune_org, role=MemberRole.MANAGER, status=MembershipStatus.PENDING
    )
    MembershipFactory(
        organisation=commune_org,
        role=MemberRole.MANAGER,
        user=UserFactory(is_active=False),
    )
    make_user("programme_team")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, form_data())
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [manager.email]
    assert "Montreuil" in message.subject
    assert "Camille Exemple (camille.exemple@montreuil.test)" in message.body
    assert "http://testserver/organisations/montreuil/membres/" in message.body


def test_signup_emails_the_programme_team_when_the_organisation_has_no_manager(
    client, form_data, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    team = make_user("programme_team")
    make_user("expert")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGNUP, form_data())
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [team.email]


def test_signup_with_a_new_company_creates_it_and_asks_to_manage_it(
    client, form_data, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    team = make_user("programme_team")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SIGNUP, form_data(**_new_company(new_organisation_siren="987 654 324"))
        )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Algorithmes Sobres SAS")
    assert organisation.siren == VALID_SIREN
    assert organisation.kind == "company"
    assert organisation.slug == "algorithmes-sobres-sas"
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user.email == "camille.exemple@montreuil.test"
    assert membership.status == MembershipStatus.PENDING
    assert membership.role == MemberRole.MANAGER
    assert [message.to for message in mailoutbox] == [[team.email]]


def test_signup_with_a_foreign_partner_needs_no_siren(client, form_data):
    response = client.post(
        SIGNUP,
        form_data(
            **_new_company(
                new_organisation_name="Laboratorio Ejemplo",
                new_organisation_kind="international_partner",
                new_organisation_siren="",
            )
        ),
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Laboratorio Ejemplo")
    assert organisation.is_french is False
    assert organisation.siren == ""


def _assert_nothing_created(users_before: int, organisations_before: int) -> None:
    assert User.objects.count() == users_before
    assert Organisation.objects.count() == organisations_before
    assert not User.objects.filter(email="camille.exemple@montreuil.test").exists()


@pytest.fixture
def counts(db):
    return User.objects.count(), Organisation.objects.count()


def test_signup_with_an_invalid_siren_is_refused_in_french(client, form_data, counts):
    response = client.post(SIGNUP, form_data(**_new_company(new_organisation_siren="123456789")))
    assert response.status_code == 422
    page = _text(response)
    assert "« 123456789 » n'est pas un SIREN valide" in page
    assert "formule de Luhn" in page
    _assert_nothing_created(*counts)


def test_signup_of_a_company_without_siren_is_refused(client, form_data, counts):
    response = client.post(SIGNUP, form_data(**_new_company(new_organisation_siren="")))
    assert response.status_code == 422
    assert "Le SIREN est obligatoire pour une entreprise française." in _text(response)
    _assert_nothing_created(*counts)


def test_signup_with_the_siren_of_an_existing_organisation_points_to_it(client, form_data, counts):
    existing = Organisation.objects.get(siren="200057875")
    response = client.post(SIGNUP, form_data(**_new_company(new_organisation_siren="200 057 875")))
    assert response.status_code == 422
    assert (
        f"Ce SIREN est déjà celui de « {existing.name} » : choisissez cette organisation "
        "dans la liste." in _text(response)
    )
    _assert_nothing_created(*counts)


def test_signup_with_the_name_of_an_existing_organisation_points_to_it(client, form_data, counts):
    response = client.post(
        SIGNUP,
        form_data(**_new_company(new_organisation_name="MONTREUIL", new_organisation_siren="")),
    )
    assert response.status_code == 422
    assert "Une organisation porte déjà ce nom : choisissez-la dans la liste." in _text(response)
    _assert_nothing_created(*counts)


def test_signup_without_any_organisation_is_refused(client, form_data, counts):
    response = client.post(SIGNUP, form_data(organisation=""))
    assert response.status_code == 422
    assert "Choisissez votre organisation, ou indiquez plus bas celle qui manque" in _text(response)
    _assert_nothing_created(*counts)


def test_signup_with_both_a_listed_and_a_new_organisation_is_refused(client, form_data, counts):
    data = form_data(**_new_company())
    data["organisation"] = form_data()["organisation"]
    response = client.post(SIGNUP, data)
    assert response.status_code == 422
    assert "pas les deux" in _text(response)
    _assert_nothing_created(*counts)


def test_signup_with_an_unknown_organisation_id_is_refused(client, form_data, counts):
    response = client.post(SIGNUP, form_data(organisation="999999"))
    assert response.status_code == 422
    _assert_nothing_created(*counts)


def test_signup_with_an_existing_email_in_another_case_is_refused(client, form_data):
    UserFactory(email="camille.exemple@montreuil.test")
    before = User.objects.count()
    response = client.post(SIGNUP, form_data(email="CAMILLE.Exemple@montreuil.test"))
    assert response.status_code == 422
    assert "Un compte existe déjà avec cette adresse." in _text(response)
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session


def test_signup_with_different_passwords_is_refused(client, form_data, counts):
    response = client.post(SIGNUP, form_data(password2="un-autre-mot-de-passe-99"))
    assert response.status_code == 422
    assert "Les deux mots de passe ne correspondent pas." in _text(response)
    _assert_nothing_created(*counts)


def test_signup_with_a_short_password_is_refused(client, form_data, counts):
    response = client.post(SIGNUP, form_data(password1="court-42", password2="court-42"))
    assert response.status_code == 422
    assert "Ce mot de passe est trop court." in _text(response)
    _assert_nothing_created(*counts)


def test_refused_signup_keeps_what_was_typed_except_passwords(client, form_data, password):
    response = client.post(
        SIGNUP,
        form_data(
            **_new_company(new_organisation_siren="123456789"),
            password2=password,
        ),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="Camille Exemple"' in page
    assert 'value="camille.exemple@montreuil.test"' in page
    assert 'value="Chargée de mission numérique"' in page
    assert 'value="Algorithmes Sobres SAS"' in page
    assert 'value="123456789"' in page
    assert '<option value="company" selected>' in page
    assert password not in page


def test_refused_signup_links_each_error_to_its_field(client, form_data):
    response = client.post(SIGNUP, form_data(password2="un-autre-mot-de-passe-99"))
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert 'href="#id_password2"' in page
    assert 'aria-describedby="id_password2_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'id="id_password2_error"' in page


def test_empty_signup_submission_says_what_is_missing(client, counts):
    response = client.post(SIGNUP, {})
    assert response.status_code == 422
    page = _text(response)
    assert "Le formulaire contient des erreurs" in page
    assert "Ce champ est obligatoire." in page
    _assert_nothing_created(*counts)


def test_signed_in_people_are_sent_from_signup_to_their_profile(client, make_user, commune_org):
    client.force_login(make_user("member", commune_org))
    response = client.get(SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")


# --- Decisions on requests ---------------------------------------------------------


@pytest.fixture
def request_to_decide(client, form_data, commune_org):
    client.post(SIGNUP, form_data())
    client.logout()
    return Membership.objects.get(user__email="camille.exemple@montreuil.test")


def test_manager_approves_a_request_with_a_role_and_the_person_is_told(
    client,
    make_user,
    commune_org,
    request_to_decide,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    manager = make_user("manager", commune_org)
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:membership_decide", args=[request_to_decide.pk]),
            {"decision": "approve", "role": "editor"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisation_members", args=["montreuil"])
    request_to_decide.refresh_from_db()
    assert request_to_decide.status == MembershipStatus.ACTIVE
    assert request_to_decide.role == MemberRole.EDITOR
    assert request_to_decide.decided_by == manager
    assert request_to_decide.decided_at is not None
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["camille.exemple@montreuil.test"]
    assert message.subject == "Cité IA : votre adhésion à Montreuil est validée"
    assert "« Éditeur ou éditrice »" in message.body
    page = _text(client.get(response["Location"]))
    assert "Camille Exemple a rejoint l'organisation." in page


def test_approved_person_now_sees_the_organisation_members(
    client, make_user, commune_org, request_to_decide
):
    client.force_login(make_user("manager", commune_org))
    client.post(
        reverse("accounts:membership_decide", args=[request_to_decide.pk]),
        {"decision": "approve", "role": "member"},
    )
    client.force_login(request_to_decide.user)
    page = _text(client.get(reverse("accounts:organisation_detail", args=["montreuil"])))
    assert "Visible uniquement des membres" in page


def test_manager_rejects_a_request_and_the_person_is_told(
    client,
    make_user,
    commune_org,
    request_to_decide,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(make_user("manager", commune_org))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:membership_decide", args=[request_to_decide.pk]),
            {"decision": "reject"},
        )
    assert response.status_code == 302
    request_to_decide.refresh_from_db()
    assert request_to_decide.status == MembershipStatus.REJECTED
    assert request_to_decide.role == MemberRole.MEMBER
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["camille.exemple@montreuil.test"]
    assert "n'a pas été acceptée" in mailoutbox[0].body


def test_a_request_is_decided_only_once(
    client,
    make_user,
    commune_org,
    request_to_decide,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(make_user("manager", commune_org))
    url = reverse("accounts:membership_decide", args=[request_to_decide.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "approve", "role": "editor"})
    client.force_login(make_user("manager", commune_org))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"decision": "reject"})
    assert response.status_code == 302
    request_to_decide.refresh_from_db()
    assert request_to_decide.status == MembershipStatus.ACTIVE
    assert request_to_decide.role == MemberRole.EDITOR
    assert len(mailoutbox) == 1
    page = _text(client.get(response["Location"]))
    assert "La demande de Camille Exemple a déjà été traitée (Validée)." in page


def test_approval_with_an_unknown_role_changes_nothing(
    client, make_user, commune_org, request_to_decide
):
    client.force_login(make_user("manager", commune_org))
    response = client.post(
        reverse("accounts:membership_decide", args=[request_to_decide.pk]),
        {"decision": "approve", "role": "dictator"},
    )
    assert response.status_code == 302
    request_to_decide.refresh_from_db()
    assert request_to_decide.status == MembershipStatus.PENDING
    page = _text(client.get(response["Location"]))
    assert "Choisissez un rôle valide avant de valider la demande." in page


def test_programme_team_approves_the_manager_of_a_new_organisation(client, form_data, make_user):
    client.post(SIGNUP, form_data(**_new_company()))
    client.logout()
    membership = Membership.objects.get(organisation__name="Algorithmes Sobres SAS")
    client.force_login(make_user("programme_team"))
    client.post(
        reverse("accounts:membership_decide", args=[membership.pk]),
        {"decision": "approve", "role": "manager"},
    )
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.role == MemberRole.MANAGER


def test_pending_requester_cannot_approve_their_own_request(client, form_data):
    client.post(SIGNUP, form_data(**_new_company()))
    membership = Membership.objects.get(organisation__name="Algorithmes Sobres SAS")
    response = client.post(
        reverse("accounts:membership_decide", args=[membership.pk]),
        {"decision": "approve", "role": "manager"},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_manager_changes_the_role_of_a_member(client, make_user, commune_org):
    member = MembershipFactory(organisation=commune_org, role=MemberRole.MEMBER)
    client.force_login(make_user("manager", commune_org))
    response = client.post(
        reverse("accounts:membership_role", args=[member.pk]), {"role": "editor"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == MemberRole.EDITOR
    page = _text(client.get(response["Location"]))
    assert f"Le rôle de {member.user.full_name} est modifié." in page


def test_changing_to_an_unknown_role_changes_nothing(client, make_user, commune_org):
    member = MembershipFactory(organisation=commune_org, role=MemberRole.MEMBER)
    client.force_login(make_user("manager", commune_org))
    client.post(reverse("accounts:membership_role", args=[member.pk]), {"role": "owner"})
    member.refresh_from_db()
    assert member.role == MemberRole.MEMBER


def test_deciding_on_an_unknown_request_is_a_french_404(client, make_user, commune_org):
    client.force_login(make_user("manager", commune_org))
    response = client.post(
        reverse("accounts:membership_decide", args=[999999]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert "Cette demande d'adhésion n'existe pas ou a été supprimée." in _text(response)
