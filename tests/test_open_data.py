import pytest

pytestmark = pytest.mark.django_db


def test_open_data_page_lists_every_api_operation_from_the_schema(client):
    schema = client.get("/api/openapi.json").json()
    page = client.get("/donnees-ouvertes/").content.decode()
    for path in schema["paths"]:
        assert f"<code>{path}</code>" in page
    assert "Authorization" in page


def test_open_data_page_links_the_spreadsheet_downloads(client):
    page = client.get("/donnees-ouvertes/").content.decode()
    assert "/territoire/communes/?format=csv&amp;sep=semicolon" in page
    assert "/organisations/?format=csv&amp;sep=semicolon" in page


def test_main_navigation_leads_to_open_data(client):
    page = client.get("/").content.decode()
    assert 'href="/donnees-ouvertes/"' in page
