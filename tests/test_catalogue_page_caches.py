"""What the catalogue keeps per process to answer quickly, and why it never shows
anything stale: the list's rendered result cards (`catalogue_cards`), the ranking's
explained pages (`catalogue_results`), and the ranking form's lists (`QuickSelect`)."""

import re

import pytest
from django import forms
from django.conf import settings
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.formats import get_format
from hypothesis import given
from hypothesis import strategies as st

from citeia.catalogue.models import NeedsProfile, Solution, SolutionStatus
from citeia.catalogue.views.guide import decimal_text
from citeia.core import search
from citeia.core.widgets import QuickSelect

from .catalogue_factories import SolutionFactory
from .test_catalogue_public import LIST, indexed
from .test_catalogue_reviews_ranking import RANKING, keys, order, params, review

pytestmark = pytest.mark.django_db


def card_fetches(queries) -> int:
    """Queries that read the solutions shown as cards (their summary)."""
    return sum('"catalogue_solution"."summary"' in query["sql"] for query in queries)


# --- Result cards --------------------------------------------------------------------


def test_a_card_is_rendered_once_then_kept_for_other_searches(client, db):
    indexed(name="Tri des déchets", summary="Résumé du tri.")
    indexed(name="Collecte des déchets", summary="Résumé de la collecte.")
    with CaptureQueriesContext(connection) as first:
        html = client.get(LIST, {"q": "dechets"}).content.decode()
    assert card_fetches(first.captured_queries) == 1
    assert "Résumé du tri." in html
    # Another search, never made before, showing the same solutions: its results and
    # facets are computed, its cards are not fetched again.
    with CaptureQueriesContext(connection) as second:
        html = client.get(LIST, {"q": "dechets", "tri": "note"}).content.decode()
    assert card_fetches(second.captured_queries) == 0
    assert "Résumé du tri." in html
    assert "Résumé de la collecte." in html


def test_a_card_shows_a_change_on_the_next_request(client, db):
    solution = indexed(name="Ancien nom", summary="Ancien résumé.")
    assert "Ancien résumé." in client.get(LIST).content.decode()
    solution.summary = "Nouveau résumé."
    solution.save()  # a new history entry: the catalogue's version changes
    search.index(solution)
    html = client.get(LIST, {"tri": "recentes"}).content.decode()
    assert "Nouveau résumé." in html
    assert "Ancien résumé." not in html


def test_a_kept_card_never_shows_a_solution_that_is_no_longer_published(client, db):
    solution = indexed(name="Bientôt retirée")
    indexed(name="Toujours là")
    assert ">Bientôt retirée<" in client.get(LIST).content.decode()
    # A change the catalogue's version cannot see (no save, no history, no indexing).
    Solution.objects.filter(pk=solution.pk).update(status=SolutionStatus.DRAFT)
    html = client.get(LIST, {"tri": "note"}).content.decode()
    assert ">Bientôt retirée<" not in html
    assert ">Toujours là<" in html


def test_cards_are_kept_per_language(client, db):
    indexed(name="Assistant courriel")
    french = client.get(LIST).content.decode()
    assert "Ajouter à la comparaison" in french
    with translation.override("en"):
        english_label = translation.gettext("Ajouter à la comparaison")
    assert english_label != "Ajouter à la comparaison"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(LIST, {"tri": "note"}).content.decode()
    assert english_label in english
    assert "Ajouter à la comparaison" not in english


def test_without_the_cards_cache_every_request_renders_its_cards(client, db, settings):
    settings.CACHES = {
        **settings.CACHES,
        "catalogue_cards": {**settings.CACHES["catalogue_cards"], "TIMEOUT": 0},
    }
    indexed(name="Assistant courriel")
    client.get(LIST)
    with CaptureQueriesContext(connection) as again:
        client.get(LIST, {"tri": "note"})
    assert card_fetches(again.captured_queries) == 1


# --- The ranking's pages ---------------------------------------------------------------


@pytest.fixture
def two(db):
    k1 = keys()[0]
    alpha = SolutionFactory(name="Alpha")
    beta = SolutionFactory(name="Bêta")
    review(alpha, {k1: 4})
    review(beta, {k1: 1})
    return alpha, beta


def test_the_same_ranking_is_computed_once(client, two):
    k1 = keys()[0]
    url = RANKING + params({k1: 5})
    with CaptureQueriesContext(connection) as first:
        html = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as second:
        again = client.get(url).content.decode()
    ranked = re.compile(r'<ol class="ranking".*?</ol>', re.S)
    assert ranked.search(again).group() == ranked.search(html).group()
    assert len(second.captured_queries) < len(first.captured_queries)
    alpha, beta = order(again, "Alpha", "Bêta")
    assert alpha < beta


def test_a_ranking_follows_a_new_review_at_once(client, two):
    k1 = keys()[0]
    _alpha, beta = two
    url = RANKING + params({k1: 5})
    alpha_at, beta_at = order(client.get(url).content.decode(), "Alpha", "Bêta")
    assert alpha_at < beta_at
    for _ in range(4):
        review(beta, {k1: 4})  # the figures are refreshed: the version changes
    review(two[0], {k1: 0})
    alpha_at, beta_at = order(client.get(url).content.decode(), "Alpha", "Bêta")
    assert beta_at < alpha_at


def test_a_saved_profile_changed_under_the_same_link_shows_its_new_weights(
    client, two, make_user, commune_org
):
    k1, k2 = keys()[:2]
    _alpha, beta = two
    review(beta, {k2: 4})
    agent = make_user("member", commune_org)
    profile = NeedsProfile.objects.create(owner=agent, name="Accueil", weights={k1: 5, k2: 0})
    client.force_login(agent)
    url = f"{RANKING}?profil={profile.pk}"
    alpha_at, beta_at = order(client.get(url).content.decode(), "Alpha", "Bêta")
    assert alpha_at < beta_at
    profile.weights = {k1: 0, k2: 5}
    profile.save()
    alpha_at, beta_at = order(client.get(url).content.decode(), "Alpha", "Bêta")
    assert beta_at < alpha_at


def test_the_explanations_read_as_before(client, two):
    """The sentences are written in Python now: same words, same number formats."""
    k1 = keys()[0]
    html = client.get(RANKING + params({k1: 5})).content.decode()
    assert re.search(r"\(poids 5\) : moyenne 4,00 sur 4, soit 100,0 points\.", html)
    assert re.search(r"\(poids 5\) : moyenne 1,00 sur 4, soit 25,0 points\.", html)


@pytest.mark.django_db(databases=[])
@given(
    value=st.one_of(
        # floatformat gives up below about 1e-190 (it returns the number unchanged);
        # means and points are ratios of small integers, never that small.
        st.floats(min_value=0, max_value=100).filter(lambda v: v == 0 or v > 1e-9),
        st.fractions(min_value=0, max_value=100, max_denominator=1200).map(float),
        st.sampled_from([0.0, 0.005, 0.05, 2.125, 2.675, 3.335, 99.95, 100.0]),
    ),
    places=st.sampled_from([1, 2]),
    language=st.sampled_from(["fr", "en"]),
)
def test_decimal_text_writes_what_floatformat_writes(value, places, language):
    with translation.override(language):
        expected = floatformat(value, places)
        assert decimal_text(value, places, get_format("DECIMAL_SEPARATOR")) == expected


# --- QuickSelect -----------------------------------------------------------------------

CHOICES = [("", "Tous <les> domaines"), (0, "0 — ne compte pas"), (3, "3"), (5, "5 & plus")]


def _markup(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip()).replace("\n", "")


@pytest.mark.parametrize("value", [None, "", "3", 5, "inconnue"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_poids", "aria-describedby": "a b", "aria-invalid": "true"}]
)
def test_quick_select_writes_the_markup_of_django_select(value, attrs):
    expected = forms.Select(choices=CHOICES).render("poids", value, attrs=attrs)
    written = QuickSelect(choices=CHOICES).render("poids", value, attrs=attrs)
    assert _markup(written) == _markup(expected)
    assert "&lt;les&gt;" in written
    assert "&amp; plus" in written


def test_quick_select_leaves_option_groups_to_the_templates():
    grouped = [("Groupe", [(1, "Un"), (2, "Deux")])]
    written = QuickSelect(choices=grouped).render("n", 2)
    assert _markup(written) == _markup(forms.Select(choices=grouped).render("n", 2))
    assert "<optgroup" in written
