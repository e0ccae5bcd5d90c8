"""Needs profiles, the ranking of solutions for a profile, and the choice guide, through HTTP."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citeia.accounts.models import Organisation
from citeia.catalogue.models import (
    Criterion,
    Domain,
    GridVersion,
    NeedsProfile,
    RubricLevel,
    SolutionStatus,
)

from .catalogue_factories import ReferenceFactory, ReviewFactory, SolutionFactory, score_review
from .factories import MembershipFactory, UserFactory
from .test_catalogue_reviews import make_grid_v2

pytestmark = pytest.mark.django_db

RANKING = reverse("catalogue:ranking")


def keys():
    grid = GridVersion.objects.order_by("-number").first()
    return list(
        Criterion.objects.filter(grid=grid, axis="criterion")
        .order_by("position")
        .values_list("key", flat=True)
    )


def params(weights: dict[str, int], must_haves=(), **extra) -> str:
    values = {key: 0 for key in keys()}
    values.update(weights)
    pairs = [(f"poids_{key}", weight) for key, weight in values.items()]
    pairs += [("exigence", key) for key in must_haves]
    pairs += list(extra.items())
    return "?" + urlencode(pairs)


def review(solution, scores):
    return score_review(ReviewFactory(solution=solution), scores)


@pytest.fixture
def three(db):
    """A: k1 4, k2 2 (not free software). B: k1 mean 2, k2 4 (free). C: never reviewed."""
    k1, k2 = keys()[:2]
    a = SolutionFactory(name="Alpha", is_free_software=False, hosting="non_eu")
    b = SolutionFactory(name="Bêta", is_free_software=True, hosting="france")
    c = SolutionFactory(name="Gamma", is_free_software=True)
    review(a, {k1: 4, k2: 2})
    review(a, {k1: 4, k2: 2})
    review(b, {k1: 1, k2: 4})
    review(b, {k1: 3, k2: 4})
    return a, b, c


def order(html: str, *names) -> list[int]:
    return [html.index(f">{name}<") for name in names]


def test_ranking_matches_hand_computed_scores(client, three):
    k1, k2 = keys()[:2]
    response = client.get(RANKING + params({k1: 3, k2: 1}))
    assert response.status_code == 200
    html = response.content.decode()
    # A: (3×4 + 1×2) / 4 / 4 × 100 = 87.5 ; B: (3×2 + 1×4) / 16 × 100 = 62.5 ; C: 0.
    assert "Score : 87,5 sur 100" in html
    assert "Score : 62,5 sur 100" in html
    assert "Score : 0,0 sur 100" in html
    a, b, c = order(html, "Alpha", "Bêta", "Gamma")
    assert a < b < c
    # Contributions of A: 3×4/4/4×100 = 75 points and 1×2/4/4×100 = 12.5 points.
    assert "(poids 3) : moyenne 4,00 sur 4, soit 75,0 points." in html
    assert "(poids 1) : moyenne 2,00 sur 4, soit 12,5 points." in html
    assert "pas encore évalué, 0 point." in html
    assert "divisée par 4 et par la somme des poids (4)" in html
    assert 'href="/catalogue/guide/#calcul"' in html


def test_must_haves_rank_eligible_solutions_first_and_say_which_failed(client, three):
    k1, k2 = keys()[:2]
    html = client.get(RANKING + params({k1: 3, k2: 1}, ["free_software"])).content.decode()
    b, c, a = order(html, "Bêta", "Gamma", "Alpha")
    assert b < c < a
    assert html.count("Exigence non remplie") == 1
    assert html.count("Exigence remplie") == 2


def test_used_in_my_territory_uses_the_agents_commune_territory(client, three):
    a, b, _c = three
    # Bagnolet is in the same territory (T8 Est Ensemble) as Montreuil; Antony is not.
    ReferenceFactory(solution=a, organisation=Organisation.objects.get(slug="bagnolet"))
    ReferenceFactory(solution=b, organisation=Organisation.objects.get(slug="antony"))
    agent = MembershipFactory(organisation=Organisation.objects.get(slug="montreuil")).user
    client.force_login(agent)
    k1 = keys()[0]
    html = client.get(RANKING + params({k1: 1}, ["used_in_my_territory"])).content.decode()
    assert html.count("Exigence remplie") == 1
    alpha, beta = order(html, "Alpha", "Bêta")
    assert alpha < beta
    assert "Votre territoire : Est Ensemble." in html

    client.logout()
    html = client.get(RANKING + params({k1: 1}, ["used_in_my_territory"])).content.decode()
    assert "Exigence remplie" not in html
    assert "ne peut être remplie par aucune solution" in html


def test_anonymous_ranking_is_shareable_through_its_address(client, three):
    k1, k2 = keys()[:2]
    url = RANKING + params({k1: 3, k2: 1}, ["hosted_in_eu"])
    html = client.get(url).content.decode()
    share = re.search(r'href="\?([^"]+)">Lien à partager', html).group(1).replace("&amp;", "&")
    again = client.get(RANKING + "?" + share).content.decode()
    for text in ("Score : 87,5 sur 100", "Score : 62,5 sur 100"):
        assert text in again
    assert order(again, "Bêta", "Alpha") == sorted(order(again, "Bêta", "Alpha"))


def test_ranking_without_parameters_weighs_every_criterion_equally(client, three):
    response = client.get(RANKING)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"somme des poids ({3 * len(keys())})" in html
    assert "3 solutions classées" in html


def test_draft_solutions_are_never_ranked(client, three):
    SolutionFactory(name="Brouillon secret", status=SolutionStatus.DRAFT)
    SolutionFactory(name="En relecture secrète", status=SolutionStatus.IN_REVIEW)
    html = client.get(RANKING).content.decode()
    assert "Brouillon secret" not in html
    assert "En relecture secrète" not in html


def test_domain_from_the_guide_filters_the_ranking(client, three):
    a, _b, _c = three
    finance = Domain.objects.exclude(slug="relation-citoyen").first()
    a.domains.set([finance])
    html = client.get(
        RANKING + params({keys()[0]: 1}, domaine=finance.slug, besoin="Budget")
    ).content.decode()
    assert "1 solution classée" in html
    assert ">Alpha<" in html
    assert "Votre besoin : « Budget »" in html


@pytest.mark.parametrize(
    "query", ["?poids_inconnu=1&exigence=voler", "?exigence=voler", "?domaine=nulle-part"]
)
def test_bad_ranking_parameters_get_a_clear_400(client, three, query):
    if "poids" in query:
        query = params({keys()[0]: 9})
    response = client.get(RANKING + query)
    assert response.status_code == 400
    assert "Le formulaire contient des erreurs" in response.content.decode()


def test_ranking_queries_do_not_grow_with_solutions(client):
    k1, k2 = keys()[:2]
    agent = MembershipFactory(organisation=Organisation.objects.get(slug="montreuil")).user
    client.force_login(agent)
    url = RANKING + params({k1: 2, k2: 1}, ["used_in_my_territory"])

    def add(n):
        for _ in range(n):
            solution = SolutionFactory()
            review(solution, {k1: 2, k2: 3})
            ReferenceFactory(solution=solution)

    add(10)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 15


# Needs profiles -------------------------------------------------------------------------


@pytest.fixture
def agent(db):
    return MembershipFactory(organisation=Organisation.objects.get(slug="montreuil")).user


def profile_data(name="Accueil", weights=None, must_haves=()):
    data = {"name": name, "exigence": list(must_haves)}
    for key in keys():
        data[f"poids_{key}"] = 0
    data.update({f"poids_{k}": v for k, v in (weights or {}).items()})
    return data


def test_agent_creates_a_profile_and_sees_its_ranking(client, agent, three):
    k1, k2 = keys()[:2]
    client.force_login(agent)
    assert client.get(reverse("catalogue:needs_create")).status_code == 200
    response = client.post(
        reverse("catalogue:needs_create"),
        profile_data(weights={k1: 3, k2: 1}, must_haves=["free_software"]),
    )
    profile = NeedsProfile.objects.get(owner=agent)
    assert profile.weights[k1] == 3
    assert profile.must_haves == ["free_software"]
    assert response["Location"] == f"{RANKING}?profil={profile.pk}"
    html = client.get(response["Location"]).content.decode()
    assert "Classement pour « Accueil »" in html
    assert "Score : 87,5 sur 100" in html
    b, a = order(html, "Bêta", "Alpha")
    assert b < a


def test_agent_edits_and_deletes_a_profile_after_confirmation(client, agent):
    client.force_login(agent)
    profile = NeedsProfile.objects.create(owner=agent, name="Ancien", weights={}, must_haves=[])
    edit = reverse("catalogue:needs_edit", args=[profile.pk])
    assert client.post(edit, profile_data(name="Nouveau")).status_code == 302
    profile.refresh_from_db()
    assert profile.name == "Nouveau"
    delete = reverse("catalogue:needs_delete", args=[profile.pk])
    assert "Supprimer le profil" in client.get(delete).content.decode()
    assert NeedsProfile.objects.exists()
    client.post(delete)
    assert not NeedsProfile.objects.exists()


def test_invalid_profile_keeps_input_and_answers_422(client, agent):
    client.force_login(agent)
    data = profile_data(name="Mon profil", weights={keys()[0]: 9}, must_haves=["voler"])
    response = client.post(reverse("catalogue:needs_create"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Le poids doit être un nombre entier de 0 à 5." in html
    assert "Exigence inconnue" in html
    assert 'value="Mon profil"' in html
    assert not NeedsProfile.objects.exists()


def test_profiles_are_private_to_their_owner(client, agent):
    profile = NeedsProfile.objects.create(owner=agent, name="Privé", weights={}, must_haves=[])
    client.force_login(UserFactory())
    assert client.get(f"{RANKING}?profil={profile.pk}").status_code == 404
    assert client.get(reverse("catalogue:needs_edit", args=[profile.pk])).status_code == 404
    assert client.post(reverse("catalogue:needs_delete", args=[profile.pk])).status_code == 404
    client.logout()
    assert client.get(f"{RANKING}?profil={profile.pk}").status_code == 404
    assert client.get(reverse("catalogue:needs_list")).status_code == 302
    assert NeedsProfile.objects.filter(name="Privé").exists()


# The guide --------------------------------------------------------------------------------


def test_guide_lists_every_criterion_and_level_of_the_current_grid(client):
    make_grid_v2(new_label="Niveau renommé")
    grid = GridVersion.objects.order_by("-number").first()
    response = client.get(reverse("catalogue:guide"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Choisir une solution d’IA</h1>" in html
    assert 'id="calcul"' in html
    for criterion in Criterion.objects.filter(grid=grid):
        assert criterion.name.replace("'", "&#x27;") in html
        assert criterion.description.replace("'", "&#x27;") in html
    for level in RubricLevel.objects.filter(criterion__grid=grid):
        assert level.description.replace("'", "&#x27;") in html
    assert "Niveau renommé" in html
    assert len(Criterion.objects.filter(grid=grid, axis="principle")) == 8
    for domain in Domain.objects.all():
        assert domain.name.replace("'", "&#x27;") in html


def test_guide_chooser_ends_on_the_ranking(client, three):
    html = client.get(reverse("catalogue:guide")).content.decode()
    assert f'<form method="get" action="{RANKING}">' in html
    for name in ("besoin", "domaine", "exigence", f"poids_{keys()[0]}"):
        assert f'name="{name}"' in html
    response = client.get(RANKING + params({keys()[0]: 2}, ["free_software"], besoin="Courriels"))
    assert response.status_code == 200
