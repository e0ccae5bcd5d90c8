import pytest
from django.urls import reverse

from citeia.territory.models import Commune, Territory

pytestmark = pytest.mark.django_db


def test_reference_data_has_130_communes_in_12_territories():
    assert Commune.objects.count() == 130
    assert Territory.objects.count() == 12
    assert Territory.objects.get(code="T6").communes.count() == 8
    assert Commune.objects.get(insee_code="75056").population == 2103778


def test_overview_map_links_every_commune(client):
    response = client.get(reverse("territory:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    for commune in Commune.objects.all():
        assert f'href="/territoire/communes/{commune.insee_code}/"' in html


def test_unknown_insee_code_is_a_french_404(client):
    response = client.get(reverse("territory:commune_detail", args=["99999"]))
    assert response.status_code == 404
    assert "Aucune commune du territoire n&#x27;a le code INSEE" in response.content.decode()


def test_french_is_the_default_whatever_the_browser_language(client):
    response = client.get(reverse("territory:overview"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="fr">' in html
    # French number format: 7 142 540 inhabitants, with Django's French thousands separator.
    assert "7\u00a0142\u00a0540" in html or "7\u202f142\u202f540" in html


def test_commune_page_prints_the_population_year_without_separator(client):
    response = client.get(reverse("territory:commune_detail", args=["93048"]))
    assert "population municipale 2023" in response.content.decode()


def test_territory_and_commune_exports_carry_insee_codes(client):
    response = client.get(
        reverse("territory:commune_list") + "?format=csv&territoire=T6&sep=semicolon"
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.strip().splitlines()
    assert len(lines) == 1 + 8
    assert "93066;Saint-Denis;93;T6" in body


@pytest.mark.parametrize(
    "url",
    ["/territoire/communes/?territoire=T%006", "/organisations/?q=a%00b", "/territoire/T%006/"],
)
def test_nul_character_in_the_address_is_a_400_not_a_crash(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Requête invalide" in response.content.decode()


def test_territory_pages_render_the_same_from_the_fragment_cache(client):
    first = client.get(reverse("territory:territory_detail", args=["T6"])).content
    second = client.get(reverse("territory:territory_detail", args=["T6"])).content
    assert first.count(b"/territoire/communes/") == second.count(b"/territoire/communes/")
    assert b"Saint-Denis" in second
