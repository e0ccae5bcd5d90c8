"""The public catalogue through HTTP: search, facets, sorting, pages, exports, DCAT-AP,
solution pages, drafts and referent contacts never shown to whom may not see them."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from citeia.accounts.models import Organisation
from citeia.catalogue.models import Domain, ReferenceStatus, SolutionStatus, Technique, VendorAnswer
from citeia.catalogue.selectors import solutions_used_by
from citeia.core import search
from citeia.core.permissions import MemberRole

from .catalogue_factories import (
    ReferenceFactory,
    ReviewFactory,
    SolutionFactory,
    VendorFactory,
    score_review,
)
from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

LIST = "/catalogue/"


def indexed(**kwargs):
    solution = SolutionFactory(**kwargs)
    search.index(solution)
    return solution


def names(response) -> list[str]:
    return [solution.name for solution in response.context["page"]]


@pytest.fixture
def catalogue(db):
    """Three published solutions and a draft, each with a word of its own."""
    vendor = VendorFactory(name="Éditeur Alpha", siren="732829320")
    waste = indexed(
        name="Tri Malin",
        slug="tri-malin",
        vendor=vendor,
        summary="Optimise la collecte des déchets ménagers.",
        maturity="production",
        deployment="on_premise",
        hosting="customer",
        personal_data="none",
        is_free_software=True,
        licence="AGPL-3.0-or-later",
        domains=[Domain.objects.get(slug="dechets")],
        techniques=[Technique.objects.get(slug="optimisation")],
    )
    acts = indexed(
        name="Acte Clair",
        slug="acte-clair",
        summary="Aide à la rédaction des délibérations du conseil municipal.",
        maturity="pilot",
        deployment="saas",
        hosting="eu",
        personal_data="personal",
        is_free_software=False,
        licence="LicenseRef-Proprietary",
        domains=[Domain.objects.get(slug="deliberations-actes")],
        techniques=[Technique.objects.get(slug="generative")],
    )
    desk = indexed(
        name="Guichet Vocal",
        slug="guichet-vocal",
        summary="Répond au téléphone aux habitants.",
        maturity="prototype",
        deployment="hybrid",
        hosting="non_eu",
        personal_data="sensitive",
        is_free_software=False,
        domains=[Domain.objects.get(slug="relation-citoyen")],
        techniques=[Technique.objects.get(slug="parole")],
    )
    draft = indexed(
        name="Brouillon Secret",
        slug="brouillon-secret",
        vendor=vendor,
        summary="Collecte des déchets, version non publiée.",
        status=SolutionStatus.DRAFT,
        domains=[Domain.objects.get(slug="dechets")],
    )
    return {"waste": waste, "acts": acts, "desk": desk, "draft": draft, "vendor": vendor}


# --- Search -----------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["dechets", "déchets", "DECHET", "collecte dechet"])
def test_search_is_accent_and_plural_insensitive(client, catalogue, query):
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    assert names(response) == ["Tri Malin"]


def test_search_finds_stemmed_french_words(client, catalogue):
    assert names(client.get(LIST, {"q": "délibération"})) == ["Acte Clair"]


def test_search_never_finds_a_draft(client, catalogue):
    response = client.get(LIST, {"q": "brouillon"})
    assert names(response) == []
    assert "Brouillon Secret" not in response.content.decode()


def test_search_with_no_match_says_what_to_do(client, catalogue):
    response = client.get(LIST, {"q": "zzzzinconnu"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Aucune solution ne correspond à ces critères." in body
    assert "Effacer la recherche et les filtres" in body


def test_empty_catalogue_says_what_it_will_show(client, db):
    body = client.get(LIST).content.decode()
    assert "ne contient encore aucune solution publiée" in body


# --- Facets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"domaine": "dechets"}, ["Tri Malin"]),
        ({"domaine": ["dechets", "relation-citoyen"]}, ["Guichet Vocal", "Tri Malin"]),
        ({"technique": "generative"}, ["Acte Clair"]),
        ({"maturite": "production"}, ["Tri Malin"]),
        ({"maturite": ["pilot", "prototype"]}, ["Acte Clair", "Guichet Vocal"]),
        ({"libre": "oui"}, ["Tri Malin"]),
        ({"libre": "non"}, ["Acte Clair", "Guichet Vocal"]),
        ({"deploiement": "saas"}, ["Acte Clair"]),
        ({"hebergement": "non_eu"}, ["Guichet Vocal"]),
        ({"donnees": "none"}, ["Tri Malin"]),
        ({"donnees": "sensitive"}, ["Guichet Vocal"]),
        ({"maturite": "inconnue"}, ["Acte Clair", "Guichet Vocal", "Tri Malin"]),
    ],
)
def test_each_facet_filters_the_results(client, catalogue, params, expected):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert sorted(names(response)) == expected


def test_reviewed_facet_separates_reviewed_solutions(client, catalogue):
    score_review(ReviewFactory(solution=catalogue["acts"]), {"innovation": 3})
    assert names(client.get(LIST, {"evaluee": "oui"})) == ["Acte Clair"]
    assert sorted(names(client.get(LIST, {"evaluee": "non"}))) == ["Guichet Vocal", "Tri Malin"]


def test_facet_counts_ignore_their_own_filter_and_apply_the_others(client, catalogue):
    response = client.get(LIST, {"libre": "non", "domaine": "dechets"})
    facets = {facet.key: facet for facet in response.context["facets"]}
    domains = {option.value: option.count for option in facets["domaine"].options}
    # Non-free solutions by domain, whatever the domain chosen.
    assert domains["dechets"] == 0
    assert domains["deliberations-actes"] == 1
    free = {option.value: option.count for option in facets["libre"].options}
    assert free == {"oui": 1, "non": 0}  # in the "déchets" domain
    body = response.content.decode()
    assert re.search(r'name="domaine"\s+value="dechets"\s+checked', body)


def test_my_territory_facet_for_agents_of_a_commune(client, catalogue, commune_org):
    other = Organisation.objects.get(slug="antony")
    ReferenceFactory(solution=catalogue["acts"], organisation=commune_org)
    ReferenceFactory(solution=catalogue["desk"], organisation=other)
    ReferenceFactory(
        solution=catalogue["waste"], organisation=commune_org, status=ReferenceStatus.ABANDONED
    )
    assert "mon_territoire" not in client.get(LIST).content.decode()
    agent = MembershipFactory(organisation=commune_org, role=MemberRole.MEMBER).user
    client.force_login(agent)
    response = client.get(LIST, {"mon_territoire": "oui"})
    assert names(response) == ["Acte Clair"]
    assert 'name="mon_territoire"' in response.content.decode()


# --- Sorting and pagination ---------------------------------------------------------------


def test_sorts_by_use_and_by_score(client, catalogue, commune_org):
    ReferenceFactory(solution=catalogue["desk"], organisation=commune_org)
    ReferenceFactory(
        solution=catalogue["desk"], organisation=Organisation.objects.get(slug="antony")
    )
    ReferenceFactory(solution=catalogue["acts"], organisation=commune_org)
    assert names(client.get(LIST, {"tri": "utilisees"})) == [
        "Guichet Vocal",
        "Acte Clair",
        "Tri Malin",
    ]
    # Mean of criterion means: (4 + 0) / 2 = 2 for Tri Malin, even with two reviews on one
    # criterion; 3 for Acte Clair; Guichet Vocal, not reviewed, comes last.
    score_review(ReviewFactory(solution=catalogue["waste"]), {"innovation": 4, "sobriete": 0})
    score_review(ReviewFactory(solution=catalogue["waste"]), {"innovation": 4})
    score_review(ReviewFactory(solution=catalogue["acts"]), {"innovation": 3})
    response = client.get(LIST, {"tri": "note"})
    assert names(response) == ["Acte Clair", "Tri Malin", "Guichet Vocal"]
    assert "2,0 sur 4 (2 évaluations)" in response.content.decode()


def test_relevance_is_the_default_sort_of_a_search(client, catalogue):
    indexed(name="Collecte Express", summary="Des déchets en moins.")
    response = client.get(LIST, {"q": "collecte"})
    # A name match (weight A) outranks a summary match.
    assert names(response)[0] == "Collecte Express"
    assert response.context["filters"].effective_sort == "pertinence"


def test_recently_updated_is_the_default_sort(client, catalogue):
    catalogue["acts"].save()
    assert names(client.get(LIST))[0] == "Acte Clair"


def test_pagination_says_the_total(client, db):
    for n in range(23):
        SolutionFactory(name=f"Solution {n:02d}")
    response = client.get(LIST)
    body = response.content.decode()
    assert "23 solutions" in body
    assert len(response.context["page"]) == 20
    assert "Page 1 sur 2" in body
    assert len(client.get(LIST, {"page": 2}).context["page"]) == 3


# --- htmx -------------------------------------------------------------------------------


def test_htmx_request_gets_the_results_fragment_only(client, catalogue):
    response = client.get(LIST, {"domaine": "dechets"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="catalogue-resultats"' in body
    assert "Tri Malin" in body and "Acte Clair" not in body
    assert "HX-Request" in response["Vary"]


def test_full_page_keeps_the_filters_in_a_plain_get_form(client, catalogue):
    body = client.get(LIST, {"q": "déchets", "tri": "note"}).content.decode()
    assert "<h1>" in body
    assert 'hx-push-url="true"' in body
    assert 'method="get"' in body
    assert 'value="déchets"' in body
    assert re.search(r'<option value="note"\s+selected>', body)


def test_htmx_history_restore_gets_the_whole_page(client, catalogue):
    response = client.get(
        LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


# --- Exports ------------------------------------------------------------------------------


def test_csv_export_has_a_bom_stable_ids_and_no_draft(client, catalogue, commune_org):
    ReferenceFactory(solution=catalogue["waste"], organisation=commune_org)
    response = client.get(LIST, {"format": "csv", "libre": "oui"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))
    assert [row["identifiant"] for row in rows] == ["tri-malin"]
    row = rows[0]
    assert row["fournisseur_siren"] == "732829320"
    assert row["domaines"] == "dechets"
    assert row["nombre_references"] == "1"
    assert row["logiciel_libre"] == "oui"
    assert row["adresse"] == "http://testserver/catalogue/solutions/tri-malin/"


def test_json_export_lists_published_solutions_with_stable_ids(client, catalogue):
    response = client.get("/catalogue/solutions.json")
    assert response["Content-Type"].startswith("application/json")
    items = json.loads(b"".join(response.streaming_content))
    assert sorted(item["slug"] for item in items) == ["acte-clair", "guichet-vocal", "tri-malin"]
    waste = next(item for item in items if item["slug"] == "tri-malin")
    assert waste["domains"] == ["dechets"]
    assert waste["techniques"] == ["optimisation"]
    assert waste["free_software"] is True
    assert waste["vendor_slug"] == catalogue["vendor"].slug
    assert {"maturity", "licence", "deployment", "hosting", "personal_data", "updated"} <= set(
        waste
    )


def test_csv_export_path_and_semicolon_option(client, catalogue):
    response = client.get("/catalogue/solutions.csv", {"sep": "semicolon"})
    first = b"".join(response.streaming_content).decode().splitlines()[0]
    assert first.startswith("\ufeffidentifiant;nom;")
    assert client.get("/catalogue/solutions.xml").status_code == 404


# --- DCAT-AP ----------------------------------------------------------------------------


def test_dcat_describes_the_catalogue_dataset(client, catalogue, settings):
    response = client.get("/catalogue/dcat.jsonld")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    body = json.loads(response.content)
    assert body["@type"] == "dcat:Catalog"
    dataset = body["dcat:dataset"][0]
    assert dataset["@type"] == "dcat:Dataset"
    assert dataset["dct:title"] == "Catalogue des solutions d'IA"
    assert dataset["dct:publisher"]["foaf:name"] == settings.OPERATOR_NAME
    assert "licence-ouverte" in dataset["dct:license"]["@id"]
    assert dataset["dct:modified"]["@value"].startswith(
        catalogue["desk"].updated_at.date().isoformat()
    )
    media = {d["dcat:mediaType"]: d for d in dataset["dcat:distribution"]}
    assert set(media) == {"text/csv", "application/json"}
    assert (
        media["text/csv"]["dcat:downloadURL"]["@id"] == "http://testserver/catalogue/solutions.csv"
    )
    assert body["dcat:service"][0]["@type"] == "dcat:DataService"
    # The distributions it points to do answer.
    for distribution in dataset["dcat:distribution"]:
        url = distribution["dcat:downloadURL"]["@id"].removeprefix("http://testserver")
        assert client.get(url).status_code == 200
    assert "brouillon" not in response.content.decode().lower()


# --- Solution page --------------------------------------------------------------------------


def test_solution_page_shows_every_field_in_french(client, catalogue):
    solution = catalogue["waste"]
    solution.description = "## Fonctionnement\n\nVoir <script>alert(1)</script> **ici**."
    solution.certifications = ["secnumcloud"]
    solution.model_provenance = "open_weights"
    solution.model_name = "Mistral 7B"
    solution.reversibility = "Export complet en CSV."
    solution.pricing_model = "Abonnement annuel"
    solution.accessibility = "partial"
    solution.website = "https://tri-malin.example"
    solution.repository = "https://code.example/tri-malin"
    solution.latest_version = "2.1"
    solution.save()
    response = client.get(solution.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Tri Malin</h1>" in body
    assert "<script>alert" not in body
    assert "<strong>ici</strong>" in body
    for text in (
        "AGPL-3.0-or-later",
        "Logiciel libre",
        "Chez la collectivité",
        "SecNumCloud (ANSSI)",
        "Aucune donnée personnelle",
        "Modèle à poids ouverts",
        "Mistral 7B",
        "Export complet en CSV.",
        "Partiellement conforme au RGAA",
        "Abonnement annuel",
        "https://code.example/tri-malin",
        "2.1",
        "Sur site (installé chez la collectivité)",
        "Mise à jour le",
        "Tri Malin — Cité IA",
    ):
        assert text in body, text


def test_solution_page_links_published_related_solutions_only(client, catalogue):
    waste = catalogue["waste"]
    waste.similar_to.add(catalogue["acts"], catalogue["draft"])
    waste.alternative_to.add(catalogue["desk"])
    body = client.get(waste.get_absolute_url()).content.decode()
    assert "Acte Clair" in body and "Guichet Vocal" in body
    assert "Brouillon Secret" not in body
    # The other way round too.
    assert "Tri Malin" in client.get(catalogue["desk"].get_absolute_url()).content.decode()


def test_evaluation_shows_mean_spread_count_and_each_justification(client, catalogue):
    solution = catalogue["acts"]
    first = ReviewFactory(solution=solution, expert__full_name="Camille Experte")
    score_review(first, {"innovation": 1, "sobriete": 3})
    second = ReviewFactory(solution=solution, expert__full_name="Dominique Juriste")
    score_review(second, {"innovation": 3})
    second.scores.filter(criterion__key="innovation").update(
        evidence="https://preuve.example/rapport\njavascript:alert(1)"
    )
    VendorAnswer.objects.create(review=second, author=first.expert, text="Nous avons corrigé.")
    response = client.get(solution.get_absolute_url())
    body = response.content.decode()
    axes = dict((key, rows) for key, _label, rows in response.context["axes"])
    innovation = next(row for row in axes["criterion"] if row.criterion.key == "innovation")
    assert (innovation.stats.mean, innovation.stats.minimum, innovation.stats.maximum) == (2, 1, 3)
    assert innovation.stats.count == 2
    assert "Camille Experte" in body and "Dominique Juriste" in body
    assert "Justification de la note 1 pour innovation." in body
    assert 'href="https://preuve.example/rapport"' in body
    assert "javascript:alert" not in body
    assert "Nous avons corrigé." in body
    assert 'href="#calcul"' in body and 'id="calcul"' in body
    # Both axes of the grid.
    assert "Principe de la stratégie" in body


def test_references_show_on_the_page_and_the_map(client, catalogue, commune_org):
    ReferenceFactory(
        solution=catalogue["waste"], organisation=commune_org, public_feedback="Très utile."
    )
    response = client.get(catalogue["waste"].get_absolute_url())
    body = response.content.decode()
    assert "Très utile." in body
    assert "Déployée" in body
    highlighted = [shape for shape in response.context["map"].shapes if shape.current]
    assert [shape.commune.insee_code for shape in highlighted] == [commune_org.commune.insee_code]
    assert len(response.context["map"].shapes) == 130
    assert "(utilise la solution)" in body


def test_unknown_solution_is_a_404(client, db):
    assert client.get("/catalogue/solutions/inconnue/").status_code == 404


# --- Drafts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", ["draft", "in_review", "changes_requested", "rejected", "archived"]
)
def test_unpublished_solution_is_invisible_to_anonymous(client, catalogue, status):
    draft = catalogue["draft"]
    draft.status = status
    draft.save()
    assert client.get(draft.get_absolute_url()).status_code == 404
    for url in (LIST, LIST + "?q=brouillon", LIST + "?format=csv", LIST + "?format=json"):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"brouillon-secret" not in content.lower()
        assert b"Brouillon Secret" not in content


def test_draft_is_invisible_to_another_vendors_members(client, catalogue):
    other_vendor = VendorFactory()
    client.force_login(MembershipFactory(organisation=other_vendor, role=MemberRole.MANAGER).user)
    assert client.get(catalogue["draft"].get_absolute_url()).status_code == 404
    assert "Brouillon Secret" not in client.get(LIST, {"q": "dechets"}).content.decode()


def test_vendor_members_and_programme_team_see_the_draft_with_a_banner(
    client, catalogue, make_user
):
    for user in (
        MembershipFactory(organisation=catalogue["vendor"], role=MemberRole.MEMBER).user,
        make_user("programme_team"),
    ):
        client.force_login(user)
        response = client.get(catalogue["draft"].get_absolute_url())
        assert response.status_code == 200
        body = response.content.decode()
        assert "<strong>Brouillon</strong>" in body
        assert "Cette fiche n’est pas publique" in body
        # The catalogue itself stays the public one.
        assert "Brouillon Secret" not in client.get(LIST).content.decode()


def test_crawl_of_public_pages_never_reaches_a_draft(client, catalogue, commune_org):
    catalogue["waste"].similar_to.add(catalogue["draft"])
    ReferenceFactory(solution=catalogue["draft"], organisation=commune_org)
    seen, queue = set(), [LIST, "/catalogue/dcat.jsonld", "/catalogue/solutions.json"]
    while queue:
        url = queue.pop()
        if url in seen or not url.startswith("/catalogue/"):
            continue
        seen.add(url)
        response = client.get(url)
        content = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        assert "brouillon-secret" not in content and "Brouillon Secret" not in content, url

        queue += [
            link.replace("&amp;", "&").replace("http://testserver", "")
            for link in re.findall(r'(?:href="|"@id": ")([^"]+)"', content)
        ]
    assert any(url.startswith("/catalogue/solutions/tri-malin/") for url in seen)


# --- Referent contacts ----------------------------------------------------------------------


@pytest.fixture
def referent_reference(catalogue, commune_org):
    referent = MembershipFactory(organisation=commune_org, role=MemberRole.MEMBER).user
    referent.full_name = "Aline Référente"
    referent.email = "aline.referente@montreuil.example"
    referent.save()
    return ReferenceFactory(
        solution=catalogue["waste"],
        organisation=commune_org,
        referent=referent,
        referent_consent=True,
    )


@pytest.mark.parametrize("who", ["anonymous", "vendor", "expert", "authenticated"])
def test_referent_contact_is_hidden(client, referent_reference, make_user, who):
    if who == "vendor":
        client.force_login(
            MembershipFactory(organisation=VendorFactory(), role=MemberRole.MANAGER).user
        )
    elif who != "anonymous":
        client.force_login(make_user(who))
    body = client.get(referent_reference.solution.get_absolute_url()).content.decode()
    assert "aline.referente@montreuil.example" not in body
    assert "Aline Référente" not in body


@pytest.mark.parametrize("who", ["commune_agent", "programme_team"])
def test_referent_contact_is_shown_to_public_agents(
    client, referent_reference, make_user, who, other_commune_org
):
    if who == "commune_agent":
        user = MembershipFactory(organisation=other_commune_org, role=MemberRole.MEMBER).user
    else:
        user = make_user("programme_team")
    client.force_login(user)
    body = client.get(referent_reference.solution.get_absolute_url()).content.decode()
    assert 'href="mailto:aline.referente@montreuil.example"' in body


def test_referent_without_consent_stays_hidden(client, referent_reference, make_user):
    referent_reference.referent_consent = False
    referent_reference.save()
    client.force_login(make_user("programme_team"))
    body = client.get(referent_reference.solution.get_absolute_url()).content.decode()
    assert "aline.referente@montreuil.example" not in body


# --- Commune page fragment ------------------------------------------------------------------


def test_solutions_used_by_a_commune_are_the_published_ones(catalogue, commune_org):
    ReferenceFactory(solution=catalogue["waste"], organisation=commune_org)
    ReferenceFactory(solution=catalogue["draft"], organisation=commune_org)
    assert [r.solution.slug for r in solutions_used_by(commune_org)] == ["tri-malin"]
    assert list(solutions_used_by(None)) == []


def test_commune_fragment_renders_status_and_links(catalogue, commune_org, rf):
    from django.template.loader import render_to_string

    ReferenceFactory(solution=catalogue["waste"], organisation=commune_org, status="experimenting")
    html = render_to_string(
        "catalogue/includes/commune_solutions.html",
        {"commune_solutions": solutions_used_by(commune_org)},
    )
    assert reverse("catalogue:solution_detail", args=["tri-malin"]) in html
    assert "En expérimentation" in html
    empty = render_to_string("catalogue/includes/commune_solutions.html", {"commune_solutions": []})
    assert "Aucune solution du catalogue" in empty


# --- Query counts -------------------------------------------------------------------------


def _populate(n: int, commune_org) -> None:
    for i in range(n):
        solution = SolutionFactory(
            domains=[Domain.objects.get(slug="dechets"), Domain.objects.get(slug="eau")]
        )
        search.index(solution)
        ReferenceFactory(solution=solution, organisation=commune_org)
        score_review(ReviewFactory(solution=solution), {"innovation": i % 5})


def _queries(client, django_assert_max_num_queries, url, params) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "assistant", "domaine": "dechets", "libre": "oui", "tri": "note"},
        {"format": "csv"},
        {"format": "json", "tri": "utilisees"},
    ],
)
def test_query_count_does_not_grow_with_the_number_of_solutions(
    client, commune_org, django_assert_max_num_queries, params
):
    client.force_login(MembershipFactory(organisation=commune_org, role=MemberRole.MEMBER).user)
    params = {**params, "mon_territoire": "oui"}
    _populate(3, commune_org)
    few = _queries(client, django_assert_max_num_queries, LIST, params)
    _populate(27, commune_org)
    many = _queries(client, django_assert_max_num_queries, LIST, params)
    assert many == few
    assert few <= 25


def test_solution_page_offers_each_person_the_actions_they_may_take(client, make_user):
    from tests.catalogue_factories import SolutionFactory

    solution = SolutionFactory()
    url = solution.get_absolute_url()
    evaluate = f"/catalogue/solutions/{solution.slug}/evaluer/"
    edit = f"/catalogue/solutions/{solution.slug}/modifier/"
    assert evaluate not in client.get(url).content.decode()
    client.force_login(make_user("expert"))
    page = client.get(url).content.decode()
    assert evaluate in page and edit not in page
    client.force_login(make_user("editor", solution.vendor))
    page = client.get(url).content.decode()
    assert edit in page and evaluate not in page
