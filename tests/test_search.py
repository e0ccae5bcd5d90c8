"""French full-text search through `citeia.core.search`, on SQLite and PostgreSQL.

Organisations are the indexed model: name with weight A, description with weight C.
"""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.core.paginator import Paginator
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from citeia.accounts import selectors, services
from citeia.accounts.models import Organisation
from citeia.core import search, textsearch
from citeia.core.models import SearchDocument

DESCRIPTIONS = {
    "Syndicat Alpha": "Collecte des déchets ménagers et tri sélectif.",
    "Syndicat Bêta": "Délibérations du conseil municipal publiées en ligne.",
    "Syndicat Gamma": "Écoles et périscolaire : inscriptions à la cantine.",
    "Syndicat Delta": "Commissions délibératives et œuvres culturelles.",
    "Syndicat Epsilon": "Transformation numérique des services publics.",
}


def _organisation(name: str, description: str = "", kind: str = "company") -> Organisation:
    organisation = Organisation.objects.create(
        name=name, slug=re.sub(r"\W+", "-", name.lower()), kind=kind, description=description
    )
    search.index(organisation)
    return organisation


@pytest.fixture
def organisations(db):
    return {name: _organisation(name, text) for name, text in DESCRIPTIONS.items()}


def found(query: str, queryset=None) -> list[str]:
    queryset = queryset if queryset is not None else Organisation.objects.filter(kind="company")
    return [organisation.name for organisation in search.filter_and_rank(queryset, query)]


# --- French: accents, plurals, stems ---------------------------------------------------


def test_unaccented_query_finds_accented_plural(organisations):
    assert found("dechet") == ["Syndicat Alpha"]


def test_accented_singular_finds_plural(organisations):
    assert set(found("délibération")) == {"Syndicat Bêta", "Syndicat Delta"}


def test_capitals_and_missing_accents_find_the_same_stem(organisations):
    assert set(found("DELIBERATION")) == {"Syndicat Bêta", "Syndicat Delta"}
    assert found("ecoles periscolaires") == ["Syndicat Gamma"]


def test_ligature_is_matched_by_its_two_letters(organisations):
    assert found("oeuvre") == ["Syndicat Delta"]


def test_every_word_of_the_query_must_match(organisations):
    assert found("déchets ménagers") == ["Syndicat Alpha"]
    assert found("déchets conseil") == []


def test_stop_words_are_ignored(organisations):
    assert found("la collecte des déchets") == ["Syndicat Alpha"]


def test_accented_name_is_found_without_accents(organisations):
    assert found("syndicat beta") == ["Syndicat Bêta"]


# --- Search as you type -------------------------------------------------------------------


def test_last_word_is_a_prefix_while_typing(organisations):
    assert found("périsco") == ["Syndicat Gamma"]
    assert found("conseil munic") == ["Syndicat Bêta"]


def test_last_word_typed_past_its_stem_still_matches(organisations):
    # "numerique" stems to "numer": "numeriq" is longer than the stem it is heading to.
    assert found("numeriq") == ["Syndicat Epsilon"]


def test_a_trailing_space_ends_the_prefix(organisations):
    assert found("périsco ") == []


def test_prefix_can_be_turned_off(organisations):
    assert list(search.filter_and_rank(Organisation.objects.all(), "périsco", prefix=False)) == []


# --- Ranking ----------------------------------------------------------------------------------


def test_name_match_ranks_above_description_match(db):
    _organisation("Régie des déchets", "Une régie publique.")
    _organisation("Ville propre", "Collecte des déchets, des déchets verts et encore des déchets.")
    _organisation("Déchets et recyclage", "")
    ranked = list(search.filter_and_rank(Organisation.objects.filter(kind="company"), "déchets"))
    assert [organisation.name for organisation in ranked][-1] == "Ville propre"
    assert ranked[0].search_rank > ranked[-1].search_rank > 0


def test_more_occurrences_rank_higher_at_equal_weight(db):
    _organisation("Alpha", "Déchets.")
    _organisation("Bravo", "Déchets, déchets verts, déchets ménagers.")
    assert found("déchets") == ["Bravo", "Alpha"]


def test_queryset_ordering_breaks_ties(db):
    for name in ("Cantine Zèbre", "Cantine Ours", "Cantine Loup"):
        _organisation(name, "")
    queryset = Organisation.objects.filter(kind="company").order_by("-name")
    assert found("cantine", queryset) == ["Cantine Zèbre", "Cantine Ours", "Cantine Loup"]


def test_rank_can_be_annotated_without_filtering(organisations):
    ranked = Organisation.objects.filter(kind="company").annotate(
        relevance=search.rank(Organisation, "déchets")
    )
    relevance = {organisation.name: organisation.relevance for organisation in ranked}
    assert relevance["Syndicat Alpha"] > 0
    assert relevance["Syndicat Gamma"] == 0


@pytest.mark.parametrize("query", ["déchets", "dech", "syndicat", "collecte des dechets"])
def test_relevance_from_the_index_alone_equals_the_rank(organisations, query):
    """`relevance` reads the index without the model's table: the same matches, with the
    same values, as `filter_and_rank`."""
    ranked = search.filter_and_rank(Organisation.objects.all(), query)
    assert search.relevance(Organisation, query) == {o.pk: o.search_rank for o in ranked}


def test_relevance_of_an_empty_query_matches_nothing(organisations):
    assert search.relevance(Organisation, " , ") == {}


# --- Combining with ordinary filters ------------------------------------------------------


def test_search_only_narrows_the_given_queryset(organisations):
    hidden = organisations["Syndicat Alpha"]
    visible = Organisation.objects.filter(kind="company").exclude(pk=hidden.pk)
    assert found("déchets", visible) == []


def test_search_combines_with_a_filter_on_another_model_field(organisations):
    _organisation("Commune des déchets", "", kind="association")
    associations = Organisation.objects.filter(kind="association")
    assert found("dechets", associations) == ["Commune des déchets"]


def test_matching_is_a_subquery_for_pk_in(organisations):
    matches = Organisation.objects.filter(pk__in=search.matching(Organisation, "déchets"))
    assert [organisation.name for organisation in matches] == ["Syndicat Alpha"]


def test_empty_query_leaves_the_queryset_as_it_is(organisations):
    queryset = Organisation.objects.filter(kind="company").order_by("name")
    results = list(search.filter_and_rank(queryset, "  "))
    assert [organisation.name for organisation in results] == sorted(DESCRIPTIONS)
    assert {organisation.search_rank for organisation in results} == {0.0}
    assert not Organisation.objects.filter(pk__in=search.matching(Organisation, "")).exists()


def test_a_search_page_takes_the_same_number_of_queries_whatever_the_results(
    db, django_assert_num_queries
):
    ContentType.objects.get_for_model(Organisation)  # the content type cache is warm
    counts = []
    for size in (2, 30):
        for number in range(size):
            _organisation(f"Plateforme {size}-{number}", "Gestion des déchets verts.")
        queryset = search.filter_and_rank(
            Organisation.objects.filter(kind="company", name__startswith=f"Plateforme {size}-"),
            "déchets vert",
        )
        with django_assert_num_queries(2) as captured:
            page = Paginator(queryset, 10).page(1)
            names = [organisation.name for organisation in page]
        assert page.paginator.count == size
        assert len(names) == min(size, 10)
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Hostile input -------------------------------------------------------------------------

HOSTILE_QUERIES = [
    '"',
    '"déchets',
    "déchets\"'",
    "déchets AND",
    "AND OR NOT",
    "déchets OR ménagers",
    "NEAR(déchets ménagers, 2)",
    "déchets*",
    "*",
    "^déchets",
    "déchets -ménagers",
    "(déchets",
    "déchets)",
    "a:déchets",
    "'; DROP TABLE accounts_organisation; --",
    "déchets & !ménagers | <->",
    "déchets:*",
    "\\",
    "\x00déchets",
    "",
    "       ",
    "déchets " * 60,
    "x" * 500,
    "é" * 500,
    "東京 déchets",
    "🙂 déchets",
    "{a} [b] %s %(name)s ?",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_query_never_errors_and_only_narrows(organisations, query):
    queryset = Organisation.objects.filter(kind="company")
    names = found(query, queryset)
    assert set(names) <= set(DESCRIPTIONS)
    assert Organisation.objects.filter(pk__in=search.matching(Organisation, query)).count() >= 0
    assert Organisation.objects.exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"déchets"', ["Syndicat Alpha"]),
        ("déchets AND ménagers", ["Syndicat Alpha"]),
        ("NEAR(déchets ménagers)", ["Syndicat Alpha"]),
        ("déchets*", ["Syndicat Alpha"]),
        ("(déchets)", ["Syndicat Alpha"]),
        ("déchets " * 60, ["Syndicat Alpha"]),
        ("'; DROP TABLE accounts_organisation; --", []),
        ("*", sorted(DESCRIPTIONS)),
    ],
)
def test_hostile_query_is_read_as_its_plain_words(organisations, query, expected):
    assert sorted(found(query)) == sorted(expected)


# --- Keeping the index up to date --------------------------------------------------------------


def test_updated_object_is_reindexed(organisations):
    organisation = organisations["Syndicat Alpha"]
    organisation.description = "Gestion de l'eau potable."
    organisation.save()
    search.index(organisation)
    assert found("déchets") == []
    assert found("eau potable") == ["Syndicat Alpha"]
    assert SearchDocument.objects.filter(object_id=organisation.pk).count() == 1


def test_removed_object_is_no_longer_found(organisations):
    organisation = organisations["Syndicat Alpha"]
    search.remove(organisation)
    assert found("déchets") == []
    assert not SearchDocument.objects.filter(object_id=organisation.pk).exists()
    organisation.delete()
    assert set(found("délibérations")) == {"Syndicat Bêta", "Syndicat Delta"}


def test_reindex_rebuilds_the_index_of_a_model(db):
    Organisation.objects.create(
        name="Office du tourisme", slug="office-tourisme", kind="company", description="Musées."
    )
    assert found("musée") == []
    count = search.reindex(Organisation)
    assert count == Organisation.objects.count()
    assert found("musée") == ["Office du tourisme"]


def test_rebuild_command_reindexes_registered_models(db, capsys):
    Organisation.objects.create(name="Maison des sports", slug="sports", kind="company")
    call_command("rebuild_search_index", "accounts.Organisation")
    assert "accounts.Organisation" in capsys.readouterr().out
    assert found("sport") == ["Maison des sports"]


def test_rebuild_command_refuses_a_model_that_is_not_indexed(db):
    with pytest.raises(CommandError, match="non indexés"):
        call_command("rebuild_search_index", "core.WorkerHeartbeat")


def test_created_organisation_is_indexed_by_the_service(db):
    services.organisation_create(name="Société des Eaux d'Île-de-France", kind="company")
    assert found("eaux ile") == ["Société des Eaux d'Île-de-France"]


# --- The organisation list, the first user -----------------------------------------------------


def test_public_organisations_are_indexed_by_migration(db):
    names = [o.name for o in selectors.organisation_list(query="fosses")]
    assert names == ["Saint-Maur-des-Fossés"]


def test_organisation_page_search_ignores_accents(client, db):
    response = client.get(reverse("accounts:organisation_list"), {"q": "creteil"})
    assert response.status_code == 200
    assert "Créteil" in response.content.decode()


def test_organisation_list_still_matches_substrings_and_siren(db):
    assert "Montreuil" in [o.name for o in selectors.organisation_list(query="ontreui")]


# --- Pure normalisation --------------------------------------------------------------------------


def test_normalise_removes_accents_and_ligatures():
    assert textsearch.normalise("Délibérations ŒUVRE Haÿ") == "deliberations oeuvre hay"


def test_stem_scores_put_weights_first_then_repetitions():
    stems = {"A": textsearch.stems("Déchets"), "C": textsearch.stems("déchets, déchets et tri")}
    scores = textsearch.stem_scores(stems, search.RANK_WEIGHTS)
    assert scores == " dechet:0.6333 tri:0.1000 "


_FTS5_OPERAND = r'"[^\W_]+"\*?'
_FTS5_TERM = rf"(?:{_FTS5_OPERAND}|\({_FTS5_OPERAND}(?: OR {_FTS5_OPERAND})*\))"
_FTS5_MATCH = re.compile(rf"(?:{_FTS5_TERM}(?: AND {_FTS5_TERM})*)?")
_TSQUERY = re.compile(r"(?:'[^\W_]+'(?: & '[^\W_]+')*)?")


@given(st.text(max_size=300))
def test_any_text_becomes_plain_terms_in_both_query_languages(text):
    query = textsearch.parse_query(text)
    assert len(query.terms) <= textsearch.MAX_QUERY_TERMS
    assert _FTS5_MATCH.fullmatch(textsearch.fts5_match(query))
    assert _TSQUERY.fullmatch(textsearch.tsquery_required(query))
    for term in query.terms:
        assert re.fullmatch(r"[^\W_]+", term.word)
        assert all(re.fullmatch(r"[^\W_]+", stem) for stem in (term.stem, *term.truncations))


def test_search_uses_the_full_text_machinery_of_the_database(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_tsvector('french_unaccent', 'Délibérations')::text")
            assert cursor.fetchone()[0] == "'deliber':1"
        else:
            cursor.execute("SELECT count(*) FROM core_searchdocument_fts WHERE terms MATCH 'foss'")
            assert cursor.fetchone()[0] == 1  # Saint-Maur-des-Fossés
