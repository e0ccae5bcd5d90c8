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
