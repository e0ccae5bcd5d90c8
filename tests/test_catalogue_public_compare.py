"""Comparing up to four published solutions side by side, and the PDF export."""

import pytest

from citeia.catalogue.models import SolutionStatus
from citeia.catalogue.views.public_compare import _static_only_fetcher

from .catalogue_factories import ReviewFactory, SolutionFactory, score_review

pytestmark = pytest.mark.django_db

URL = "/catalogue/comparer/"


@pytest.fixture
def three(db):
    first = SolutionFactory(name="Tri Malin", slug="tri-malin", model_name="Mistral 7B")
    second = SolutionFactory(name="Acte Clair", slug="acte-clair", is_free_software=False)
    draft = SolutionFactory(name="Brouillon Secret", slug="brouillon", status=SolutionStatus.DRAFT)
    score_review(ReviewFactory(solution=first), {"innovation": 1})
    score_review(ReviewFactory(solution=first), {"innovation": 3})
    return first, second, draft


def test_compares_published_solutions_in_the_order_asked(client, three):
    response = client.get(URL, {"s": ["acte-clair", "tri-malin", "brouillon"]})
    assert response.status_code == 200
    assert [s.slug for s in response.context["comparison"]["solutions"]] == [
        "acte-clair",
        "tri-malin",
    ]
    body = response.content.decode()
    assert "Brouillon Secret" not in body
    assert "Mistral 7B" in body
    assert "2,0 (1 à 3, 2 notes)" in body
    assert "Comparer des solutions — Cité IA" in body


def test_compares_four_solutions_at_most(client, db):
    for n in range(6):
        SolutionFactory(slug=f"s{n}")
    response = client.get(URL, {"s": [f"s{n}" for n in range(6)]})
    assert len(response.context["comparison"]["solutions"]) == 4
    assert "au plus 4 solutions" in response.content.decode()


def test_empty_comparison_says_what_to_do(client, db):
    body = client.get(URL).content.decode()
    assert "Choisissez de deux à quatre solutions" in body


def test_comparison_exports_as_pdf(client, three):
    response = client.get(URL, {"s": ["tri-malin", "acte-clair"], "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_pdf_fetcher_serves_static_files_and_refuses_the_network():
    fetcher = _static_only_fetcher()
    css = fetcher("http://testserver/static/citeia/citeia.css")
    assert b"font" in css.read()
    for url in ("https://example.com/style.css", "http://testserver/admin/", "file:///etc/passwd"):
        with pytest.raises(ValueError):
            fetcher(url)
