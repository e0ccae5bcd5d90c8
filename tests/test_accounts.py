"""Login and its throttle, logout, password reset by e-mail, the profile and API tokens."""

import html
import re

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.urls import reverse

from citeia.accounts.models import ApiToken, Membership, MembershipStatus
from citeia.accounts.services import api_token_create
from citeia.core.permissions import MemberRole

from .factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")
RESET = reverse("accounts:password_reset")


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture(autouse=True)
def empty_cache():
    # The throttle counts failures in the cache, which outlives a test's transaction
    # with some backends: every test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db):
    return UserFactory(email="alice.martin@montreuil.test", full_name="Alice Martin")


def _login(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Login ---------------------------------------------------------------------------


def test_login_with_email_and_password_opens_the_profile(client, alice, password):
    response = _login(client, "alice.martin@montreuil.test", password)
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_login_ignores_the_case_of_the_email(client, alice, password):
    response = _login(client, "  Alice.MARTIN@Montreuil.Test ", password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_login_follows_a_local_next_address(client, alice, password):
    response = client.post(
        LOGIN,
        {
            "username": alice.email,
            "password": password,
            "next": reverse("accounts:organisation_list"),
        },
    )
    assert response["Location"] == reverse("accounts:organisation_list")


def test_login_never_redirects_to_another_site(client, alice, password):
    response = client.post(
        LOGIN, {"username": alice.email, "password": password, "next": "https://exemple.test/"}
    )
    assert response.status_code == 302
    assert response["Location"] == PROFILE


def test_login_with_a_wrong_password_is_refused_in_french(client, alice):
    response = _login(client, alice.email, "pas-le-bon-mot-de-passe")
    assert response.status_code == 422
    page = _text(response)
    assert "Adresse e-mail ou mot de passe incorrect." in page
    assert 'value="alice.martin@montreuil.test"' in page
    assert not _signed_in(client)


def test_login_of_an_unknown_email_gives_the_same_answer(client, db):
    response = _login(client, "personne@nulle-part.test", "mot-de-passe-quelconque")
    assert response.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in _text(response)


def test_login_of_a_deactivated_account_is_refused(client, alice, password):
    alice.is_active = False
    alice.save()
    response = _login(client, alice.email, password)
    assert response.status_code == 422
    assert not _signed_in(client)


def test_login_is_throttled_after_repeated_failures_even_with_the_right_password(
    client, alice, password, settings
):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    for _attempt in range(3):
        assert _login(client, alice.email, "mauvais-mot-de-passe").status_code == 422
    response = _login(client, alice.email.upper(), password)
    assert response.status_code == 429
    page = _text(response)
    assert "Trop de tentatives de connexion échouées." in page
    assert "réessayez dans 15 minutes" in page
    assert not _signed_in(client)


def test_locked_login_does_not_even_check_the_password(client, alice, password, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 2
    for _attempt in range(2):
        _login(client, alice.email, "mauvais-mot-de-passe")
    checked = []

    def record(**kwargs):
        checked.append(kwargs)

    user_login_failed.connect(record)
    try:
        response = _login(client, alice.email, "encore-un-mauvais-mot-de-passe")
    finally:
        user_login_failed.disconnect(record)
    assert response.status_code == 429
    assert checked == []
    # The error is said once, at the top of the form.
    assert _text(response).count("Trop de tentatives de connexion échouées.") == 1


def test_throttled_login_works_again_once_the_failures_expire(client, alice, password, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 2
    for _attempt in range(2):
        _login(client, alice.email, "mauvais-mot-de-passe")
    assert _login(client, alice.email, password).status_code == 429
    cache.clear()  # what the end of LOGIN_THROTTLE_WINDOW does
    response = _login(client, alice.email, password)
    assert response.status_code == 302
    assert _signed_in(client)


def test_successful_login_forgets_earlier_failures(client, alice, password, settings):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    for _attempt in range(2):
        _login(client, alice.email, "mauvais-mot-de-passe")
    assert _login(client, alice.email, password).status_code == 302
    client.post(reverse("accounts:logout"))
    for _attempt in range(2):
        _login(client, alice.email, "mauvais-mot-de-passe")
    assert _login(client, alice.email, password).status_code == 302


def test_throttle_on_one_account_does_not_lock_colleagues_behind_the_same_address(
    client, alice, password, settings
):
    settings.LOGIN_THROTTLE_ATTEMPTS = 3
    colleague = UserFactory(email="bob.durand@montreuil.test")
    for _attempt in range(3):
        _login(client, alice.email, "mauvais-mot-de-passe")
    assert _login(client, alice.email, password).status_code == 429
    response = _login(client, colleague.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(colleague.pk)


def test_many_failures_from_one_address_lock_it_for_every_account(
    client, alice, password, settings
):
    settings.LOGIN_THROTTLE_ATTEMPTS = 2
    # Four times the per-account limit, spread over accounts so that none is locked itself.
    for index in range(8):
        _login(client, f"inconnu{index}@exemple.test", "mauvais-mot-de-passe")
    assert _login(client, alice.email, password).status_code == 429
    other_address = _login(client, alice.email, password, REMOTE_ADDR="192.0.2.10")
    assert other_address.status_code == 302


def test_logout_is_a_post_that_ends_the_session(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert _signed_in(client)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert not _signed_in(client)
    assert client.get(PROFILE).status_code == 302


def test_signed_in_visitor_of_the_login_page_goes_to_the_profile(client, alice):
    client.force_login(alice)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == PROFILE


# --- Password reset ------------------------------------------------------------------


def _reset_link(client, mailoutbox, email) -> str:
    response = client.post(RESET, {"email": email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    match = re.search(r"http://testserver(/mot-de-passe/nouveau/\S+/\S+/)", mailoutbox[0].body)
    assert match, mailoutbox[0].body
    return match.group(1)


def test_password_reset_email_contains_a_link_in_french(client, alice, mailoutbox):
    _reset_link(client, mailoutbox, "ALICE.martin@montreuil.test")
    message = mailoutbox[0]
    assert message.to == [alice.email]
    assert message.subject == "Cité IA : choisir un nouveau mot de passe"
    assert "valable 3 jours, utilisable une fois" in message.body


def test_password_reset_link_sets_a_new_password(client, alice, password, mailoutbox):
    link = _reset_link(client, mailoutbox, alice.email)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Nouveau mot de passe" in _text(form_page)
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {
            "new_password1": "nouveau-secret-tres-long-7",
            "new_password2": "nouveau-secret-tres-long-7",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    assert _login(client, alice.email, "nouveau-secret-tres-long-7").status_code == 302
    client.post(reverse("accounts:logout"))
    assert _login(client, alice.email, password).status_code == 422


def test_password_reset_with_different_passwords_is_refused(client, alice, password, mailoutbox):
    link = _reset_link(client, mailoutbox, alice.email)
    set_password_url = client.get(link)["Location"]
    response = client.post(
        set_password_url,
        {"new_password1": "nouveau-secret-tres-long-7", "new_password2": "autre-secret-long-8"},
    )
    assert response.status_code == 422
    assert _login(client, alice.email, password).status_code == 302


def test_used_password_reset_link_is_a_400_saying_it_expired(client, alice, mailoutbox):
    link = _reset_link(client, mailoutbox, alice.email)
    set_password_url = client.get(link)["Location"]
    client.post(
        set_password_url,
        {
            "new_password1": "nouveau-secret-tres-long-7",
            "new_password2": "nouveau-secret-tres-long-7",
        },
    )
    response = client.get(link)
    assert response.status_code == 400
    page = _text(response)
    assert "Lien expiré ou déjà utilisé" in page
    assert '<html lang="fr">' in page


def test_tampered_password_reset_link_is_a_400_and_the_password_is_unchanged(
    client, alice, password, mailoutbox
):
    link = _reset_link(client, mailoutbox, alice.email)
    uid, token = link.rstrip("/").split("/")[-2:]
    tampered = reverse("accounts:password_reset_confirm", args=[uid, token[:-3] + "abc"])
    response = client.get(tampered)
    assert response.status_code == 400
    page = _text(response)
    assert "Lien expiré ou déjà utilisé" in page
    assert "Votre mot de passe actuel n’a pas été modifié." in page
    posted = client.post(
        tampered,
        {
            "new_password1": "nouveau-secret-tres-long-7",
            "new_password2": "nouveau-secret-tres-long-7",
        },
    )
    assert posted.status_code == 400
    assert _login(client, alice.email, password).status_code == 302


def test_password_reset_link_for_an_unknown_account_is_a_400(client, db):
    response = client.get(reverse("accounts:password_reset_confirm", args=["Zm9v", "abc-def"]))
    assert response.status_code == 400


def test_password_reset_of_an_unknown_email_looks_the_same(client, db, mailoutbox):
    response = client.post(RESET, {"email": "inconnu@exemple.test"}, follow=True)
    assert response.redirect_chain == [(reverse("accounts:password_reset_done"), 302)]
    assert response.status_code == 200
    assert "Si un compte existe avec cette adresse" in _text(response)
    assert mailoutbox == []


def test_password_reset_with_an_invalid_email_is_refused(client, db):
    response = client.post(RESET, {"email": "pas-une-adresse"})
    assert response.status_code == 422
    assert "Saisissez une adresse de courriel valide." in _text(response)


# --- Profile -------------------------------------------------------------------------


def test_profile_requires_login(client, db):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={PROFILE}"


def test_profile_edits_the_name_and_job_title(client, alice):
    client.force_login(alice)
    response = client.post(PROFILE, {"full_name": "Alice Martin-Dupont", "job_title": "DPO"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.full_name == "Alice Martin-Dupont"
    assert alice.job_title == "DPO"
    assert "Votre profil est enregistré." in _text(client.get(PROFILE))


def test_profile_with_an_empty_name_is_refused_and_keeps_the_old_one(client, alice):
    client.force_login(alice)
    response = client.post(PROFILE, {"full_name": "", "job_title": "DPO"})
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in _text(response)
    alice.refresh_from_db()
    assert alice.full_name == "Alice Martin"
    assert alice.job_title == ""


def test_profile_cannot_change_the_platform_role(client, alice):
    client.force_login(alice)
    client.post(
        PROFILE,
        {"full_name": "Alice", "job_title": "", "platform_role": "administrator", "is_staff": "on"},
    )
    alice.refresh_from_db()
    assert alice.platform_role == ""
    assert not alice.is_staff


def test_api_token_is_shown_once_on_creation(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:token_create"), {"name": "Tableur du registre"})
    assert response.status_code == 201
    token = ApiToken.objects.get(user=alice)
    key = re.search(r'<code id="new-token">([^<]+)</code>', response.content.decode()).group(1)
    assert key.startswith("cia_")
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in token.key_prefix
    page = client.get(PROFILE).content.decode()
    assert "Tableur du registre" in page
    assert key not in page


def test_api_token_without_a_name_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_revoking_a_token_asks_for_confirmation_first(client, alice):
    token, _key = api_token_create(user=alice, name="Script de test")
    client.force_login(alice)
    url = reverse("accounts:token_revoke", args=[token.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Révoquer le jeton « Script de test » ?" in _text(response)
    token.refresh_from_db()
    assert token.is_active


def test_revoking_a_token_by_post_makes_it_unusable(client, alice):
    token, key = api_token_create(user=alice, name="Script de test")
    client.force_login(alice)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Le jeton « Script de test » est révoqué" in _text(client.get(PROFILE))
    api = client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.status_code == 401


def test_nobody_revokes_the_token_of_someone_else(client, alice):
    token, _key = api_token_create(user=alice, name="Script d'Alice")
    client.force_login(UserFactory())
    url = reverse("accounts:token_revoke", args=[token.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "Ce jeton n'existe pas, est déjà révoqué ou n'est pas le vôtre." in _text(response)
    assert "Script d'Alice" not in _text(response)
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_a_revoked_token_cannot_be_revoked_again(client, alice):
    token, _key = api_token_create(user=alice, name="Script")
    client.force_login(alice)
    url = reverse("accounts:token_revoke", args=[token.pk])
    client.post(url)
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at
    assert client.post(url).status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at


def test_joining_another_organisation_creates_a_pending_request(
    client, make_user, commune_org, other_commune_org
):
    member = make_user("member", commune_org)
    client.force_login(member)
    response = client.post(
        reverse("accounts:join_organisation"), {"organisation": other_commune_org.pk}
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=member, organisation=other_commune_org)
    assert membership.status == MembershipStatus.PENDING
    assert membership.role == MemberRole.MEMBER
    assert "Votre demande est envoyée" in _text(client.get(PROFILE))


def test_joining_an_organisation_emails_its_managers(
    client,
    make_user,
    commune_org,
    other_commune_org,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    manager = make_user("manager", other_commune_org)
    member = make_user("member", commune_org)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:join_organisation"), {"organisation": other_commune_org.pk})
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [manager.email]
    assert f"{member.full_name} ({member.email}) demande à rejoindre Antony" in mailoutbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:join_organisation"), {"organisation": other_commune_org.pk})
    assert len(mailoutbox) == 1


def test_asking_again_to_join_an_organisation_changes_nothing(client, make_user, commune_org):
    member = make_user("editor", commune_org)
    client.force_login(member)
    client.post(reverse("accounts:join_organisation"), {"organisation": commune_org.pk})
    membership = Membership.objects.get(user=member, organisation=commune_org)
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.role == MemberRole.EDITOR
    assert "Vous avez déjà une adhésion à cette organisation (Validée)." in _text(
        client.get(PROFILE)
    )


def test_joining_an_unknown_organisation_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:join_organisation"), {"organisation": "999999"})
    assert response.status_code == 422
    assert not Membership.objects.filter(user=alice).exists()
