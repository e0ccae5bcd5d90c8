"""Error pages: each bad request gets a styled French page, the right status, and loses nothing.

This module is also the test-only URLconf of the 500 test (`urlpatterns` below).
"""

import html

import pytest
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.test import Client
from django.urls import include, path, reverse

from citeia.accounts.models import Membership
from citeia.core import views as core_views

from .factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def _broken_view(request):
    raise RuntimeError("Panne simulée pour le test de la page 500")


def _lookup_view(request, pk):
    return get_object_or_404(Membership, pk=pk)


urlpatterns = [
    path("panne/", _broken_view),
    path("recherche/<int:pk>/", _lookup_view),
    path("", include("citeia.urls")),
]
handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _assert_styled_french_page(response) -> str:
    page = _text(response)
    assert '<html lang="fr">' in page
    assert "— Cité IA</title>" in page
    assert '<link rel="stylesheet" href="/static/citeia/citeia.css">' in page
    assert page.count("<h1") == 1
    assert "Revenir à l’accueil" in page
    return page


def test_unknown_page_is_a_styled_french_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    page = _assert_styled_french_page(response)
    assert "Page introuvable" in page
    assert "Voir la carte du territoire" in page
    # Django's technical details (the URL patterns tried) never reach the visitor.
    assert "urlpatterns" not in page


def test_unknown_insee_code_is_a_404_saying_why(client):
    response = client.get(reverse("territory:commune_detail", args=["99999"]))
    assert response.status_code == 404
    page = _assert_styled_french_page(response)
    assert "Aucune commune du territoire n'a le code INSEE" in page
    assert "99999" in page


def test_unknown_territory_code_is_a_404(client):
    response = client.get(reverse("territory:territory_detail", args=["T99"]))
    assert response.status_code == 404
    _assert_styled_french_page(response)


def test_unknown_organisation_is_a_404_saying_why(client):
    response = client.get(reverse("accounts:organisation_detail", args=["organisation-fantome"]))
    assert response.status_code == 404
    page = _assert_styled_french_page(response)
    assert "Aucune organisation ne porte l'identifiant « organisation-fantome »." in page


@pytest.mark.urls(__name__)
def test_django_technical_404_message_is_not_shown(client):
    response = client.get("/recherche/999999/")
    assert response.status_code == 404
    page = _assert_styled_french_page(response)
    assert "matches the given query" not in page
    assert "Page introuvable" in page


def test_unknown_organisation_members_page_is_a_404_for_the_programme_team(client, make_user):
    client.force_login(make_user("programme_team"))
    response = client.get(reverse("accounts:organisation_members", args=["organisation-fantome"]))
    assert response.status_code == 404


def test_forbidden_page_is_a_styled_french_403(client, make_user, commune_org):
    client.force_login(make_user("member", commune_org))
    response = client.get(reverse("accounts:organisation_members", args=[commune_org.slug]))
    assert response.status_code == 403
    page = _assert_styled_french_page(response)
    assert "Accès refusé" in page
    assert "demandez à un gestionnaire de votre organisation" in page


def test_form_without_csrf_token_is_a_french_403_and_saves_nothing(commune_org, password):
    client = Client(enforce_csrf_checks=True)
    before = User.objects.count()
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Camille Exemple",
            "email": "camille.exemple@montreuil.test",
            "organisation": commune_org.pk,
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 403
    page = _assert_styled_french_page(response)
    assert "Formulaire expiré" in page
    assert "rien n’a été modifié" in page
    assert "Le jeton de sécurité du formulaire a expiré ou manque." in page
    assert User.objects.count() == before


def test_profile_form_with_a_stale_csrf_token_changes_nothing(db):
    user = UserFactory(full_name="Alice Martin")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("accounts:profile"))  # sets the CSRF cookie
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Pirate", "job_title": "", "csrfmiddlewaretoken": "x" * 64},
    )
    assert response.status_code == 403
    assert "Formulaire expiré" in _text(response)
    user.refresh_from_db()
    assert user.full_name == "Alice Martin"


def test_form_with_a_valid_csrf_token_is_accepted(db):
    user = UserFactory(full_name="Alice Martin")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("accounts:profile"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:profile"),
        {"full_name": "Alice Martin-Dupont", "job_title": "", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "Alice Martin-Dupont"


def test_oversized_request_is_a_french_400_and_saves_nothing(
    client, settings, commune_org, password
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    before = User.objects.count()
    response = client.post(
        reverse("accounts:signup"),
        {
            "full_name": "Camille Exemple",
            "email": "camille.exemple@montreuil.test",
            "job_title": "x" * 4096,
            "organisation": commune_org.pk,
            "password1": password,
            "password2": password,
        },
    )
    assert response.status_code == 400
    page = _assert_styled_french_page(response)
    assert "Requête invalide" in page
    assert "trop volumineuse" in page
    assert User.objects.count() == before
    assert not Membership.objects.filter(user__email="camille.exemple@montreuil.test").exists()


def test_oversized_request_on_a_profile_keeps_the_saved_profile(client, settings):
    user = UserFactory(full_name="Alice Martin")
    client.force_login(user)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(reverse("accounts:profile"), {"full_name": "y" * 4096, "job_title": "z"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.full_name == "Alice Martin"
    assert user.job_title == ""


@pytest.mark.urls(__name__)
def test_server_error_is_the_styled_static_500_page(db):
    client = Client(raise_request_exception=False)
    response = client.get("/panne/")
    assert response.status_code == 500
    page = _text(response)
    assert '<html lang="fr">' in page
    assert "<title>Erreur du serveur — Cité IA</title>" in page
    assert '<link rel="stylesheet" href="/static/citeia/citeia.css">' in page
    assert "Ce que vous aviez déjà enregistré n’est pas perdu." in page
    assert "Panne simulée" not in page
    assert "Traceback" not in page


@pytest.mark.urls(__name__)
def test_server_error_page_does_not_depend_on_the_database_or_the_session(db, django_user_model):
    # The 500 page must render even when what failed was the database: it uses no
    # context processor, so it makes no query.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/panne/")
    assert response.status_code == 500
    assert len(queries) == 0
