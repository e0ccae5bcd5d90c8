"""`make bench-catalogue`: the catalogue at the scale of issue #3, on SQLite and PostgreSQL.

For each database, in a database of its own (never the configured one):
`var/bench/catalogue.sqlite3` for SQLite, `citeia_bench` on BENCH_POSTGRES_URL for
PostgreSQL, both created afresh and removed at the end unless --keep:

1. `manage.py migrate`, `createcachetable`, `collectstatic` (static files and the rest
   of var/ under var/bench/catalogue-var/, apart from the installation's own);
2. generates, with `bulk_create`, 20,000 published solutions from 500 vendors,
   60,000 expert reviews each scoring the six "criterion"-axis criteria of the current
   grid, and 20,000 references by the communes; indexes them for search
   (`search.reindex(Solution)`); builds their stored figures (`SolutionFigures`, with
   `services.solution_figures_refresh`, what `manage.py refresh_solution_figures` does:
   `bulk_create` bypasses the services that keep them up to date);
3. in process, with Django's test client: SQL queries and time of one request for
   three result sizes of each page (queries must not grow with the results), cold (the
   per-process results cache `catalogue_results` emptied before each measured request)
   and cached; and the needs ranking's first page computed in SQL by the page
   (`ranked_solutions` + `explain_page`) against the reference order in Python
   (`ranking_facts()` + `scoring.rank`), both timed, same first page or not;
4. serves with gunicorn (3 sync workers, DEBUG off) and, from a second process,
   loads each page with locust (bench/locustfile.py): 20 clients for 30 s, the
   minimal view first as the baseline; each list page twice, with its results cache
   (the default) and on a second server started with CATALOGUE_RESULTS_CACHE_SECONDS=0,
   where every request computes its results and facets.

Prints a markdown block and writes it into docs/PERFORMANCE.md between
<!-- bench:catalogue:start --> and <!-- bench:catalogue:end --> (appended at the end
the first time); the rest of the file is left as it is.

    SECRET_KEY=... .venv/bin/python bench/catalogue.py
    ... bench/catalogue.py --databases sqlite     one database only
    ... bench/catalogue.py --keep                 keep the generated databases
    ... bench/catalogue.py --reuse --keep         measure again without regenerating
    BENCH_DURATION=5s BENCH_USERS=5 ... --scale 0.1 --no-report   try the harness
"""

import argparse
import contextlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

# The foundation benchmark's helpers: environment, HTTP, machine description.
from run import load_average, locust_command, machine, production_environment, stop

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
HOST, PORT = "127.0.0.1", 8766  # not make bench's port: both may be installed side by side
USERS = int(os.environ.get("BENCH_USERS", "20"))
DURATION = os.environ.get("BENCH_DURATION", "30s")
WEB_WORKERS = 3
OUT = ROOT / "var" / "bench"
VAR_DIR = OUT / "catalogue-var"
SQLITE_FILE = OUT / "catalogue.sqlite3"
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
POSTGRES_DB = "citeia_bench"
REPORT = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench:catalogue:start -->", "<!-- bench:catalogue:end -->"
ALONE_REQUESTS = 10

# Issue #3.
SOLUTIONS, VENDORS, REVIEWS, REFERENCES, EXPERTS = 20_000, 500, 60_000, 20_000, 300
REVIEWED_SHARE = 0.8  # solutions with at least one review; the others show "not reviewed"
TARGET_P95_MS = 150
SEED = 3

CONSTANT = "/bench/constant"
RANKING_WEIGHTS = {
    "valeur-technologique": 3,
    "innovation": 2,
    "adequation-besoins": 5,
    "souverainete-donnees": 4,
    "cadre-juridique": 3,
    "impact-environnemental": 1,
}
RANKING_MUST_HAVES = ["free_software", "hosted_in_eu"]


def ranking_query(domain: str = "") -> str:
    params = [(f"poids_{key}", weight) for key, weight in RANKING_WEIGHTS.items()]
    params += [("exigence", key) for key in RANKING_MUST_HAVES]
    if domain:
        params.append(("domaine", domain))
    return "/catalogue/classement/?" + urlencode(params)


def search_query(q: str, domain: str, maturity: list[str], free: str, sort: str = "") -> str:
    params = [("q", q), ("domaine", domain), *[("maturite", m) for m in maturity]]
    params.append(("libre", free))
    if sort:
        params.append(("tri", sort))
    return "/catalogue/?" + urlencode(params)


# Three result sizes per page, the same parameters with other values: the query count
# must not change with the number of results.
SEARCH_SIZES = [
    ("hydrolienne", "dechets", ["production"], "oui"),  # a rare word: ~20 results
    ("dechets", "dechets", ["production"], "oui"),  # ~300, the page loaded by locust
    ("collectivite", "relation-citoyen", ["production", "pilot"], "non"),  # ~2,000
]
RANKING_DOMAINS = ["tourisme", "dechets", "relation-citoyen"]  # ~300, ~1,900, ~3,700

PAGES = [  # key, label, paths measured in process, path loaded by locust (or None)
    ("minimal", "Minimal view (baseline)", [CONSTANT], CONSTANT),
    (
        "search",
        "Search + 3 facets",
        [search_query(*size) for size in SEARCH_SIZES],
        search_query(*SEARCH_SIZES[1]),
    ),
    (
        "search_note",
        "Search + 3 facets, best score first",
        [search_query(*size, sort="note") for size in SEARCH_SIZES],
        search_query(*SEARCH_SIZES[1], sort="note"),
    ),
    ("ranking", "Needs ranking, all solutions", [ranking_query()], ranking_query()),
    (
        "ranking_domain",
        "Needs ranking, one domain",
        [ranking_query(domain) for domain in RANKING_DOMAINS],
        None,
    ),
    ("browse", "Catalogue without a search", ["/catalogue/", "/catalogue/?tri=note"], None),
]
LOADED = {key: loaded for key, _label, _paths, loaded in PAGES if loaded}
# Pages with a results cache: the list (views/public.py) and the ranking (views/guide.py).
CACHED_PAGES = {"search", "search_note", "browse", "ranking", "ranking_domain"}
RESULTS_CACHE = "catalogue_results"  # settings.CACHES
CARDS_CACHE = "catalogue_cards"  # the list's rendered result cards
PROCESS_CACHES = (RESULTS_CACHE, CARDS_CACHE)
CACHE_SETTING = "CATALOGUE_RESULTS_CACHE_SECONDS"
CACHE_SETTINGS = (CACHE_SETTING, "CATALOGUE_CARDS_CACHE_SECONDS")
# Runs under load: (run key, page key, server). "cached": the default settings, the
# results cache on; "cold": a server started with CATALOGUE_RESULTS_CACHE_SECONDS=0, where
# every request computes its results and facets (from the in-memory facet index, built
# once per catalogue version). The ranking is ordered in memory, cache or not: one run.
# "new": the default settings, but every request's URL is one nobody asked before (a
# unique `n` parameter, which the results cache's key includes): its results, facets and
# ranking are computed, while the rendered cards of solutions shown before are kept.
LOAD_RUNS = [
    ("minimal", "minimal", "cached"),
    ("search", "search", "cached"),
    ("search:new", "search", "cached"),
    ("search_note", "search_note", "cached"),
    ("search_note:new", "search_note", "cached"),
    ("ranking", "ranking", "cached"),
    ("ranking:new", "ranking", "cached"),
    ("search:cold", "search", "cold"),
    ("search_note:cold", "search_note", "cold"),
    ("ranking:cold", "ranking", "cold"),
]


# --- Generated content ----------------------------------------------------------------

# Per domain: its relative frequency (skewed like a real catalogue: many citizen-relations
# assistants, few tourism tools), a word for names, and sentences for summaries.
_DOMAINS = """
relation-citoyen 14 accueil
    Répond aux questions des habitants sur les démarches en ligne.
    Oriente les demandes reçues par courriel vers le bon service.
deliberations-actes 8 délibérations
    Prépare les projets de délibérations et vérifie les actes.
    Résume les comptes rendus du conseil municipal.
finances 8 budget
    Prévoit les dépenses et les recettes du budget communal.
    Détecte les anomalies dans les factures des fournisseurs.
ressources-humaines 6 recrutement
    Aide à rédiger les fiches de poste et à planifier les formations.
    Répond aux questions des agents sur leurs congés.
urbanisme 8 permis
    Instruit plus vite les demandes de permis de construire.
    Contrôle les déclarations préalables au regard du plan local d'urbanisme.
sig 6 cartographie
    Extrait les bâtiments et la voirie des images aériennes.
    Met à jour le plan de la ville à partir des photographies.
mobilite 7 mobilité
    Compte les vélos et les piétons aux carrefours.
    Optimise les itinéraires des navettes municipales.
dechets 7 déchets
    Optimise les tournées de collecte des déchets ménagers.
    Repère les dépôts sauvages et les encombrants sur la voie publique.
eau 5 eau
    Détecte les fuites sur le réseau d'eau potable.
    Prévoit les débits des eaux pluviales pendant les orages.
energie-batiments 6 énergie
    Pilote le chauffage des écoles et des gymnases.
    Suit les consommations d'énergie des bâtiments communaux.
espaces-verts 5 arbres
    Surveille la santé des arbres d'alignement.
    Valorise les déchets verts des parcs et jardins.
action-sociale 5 solidarité
    Aide les travailleurs sociaux à repérer les droits non demandés.
    Simplifie les dossiers d'aide sociale des familles.
education-enfance 5 écoles
    Prévoit les effectifs des cantines scolaires.
    Organise les inscriptions en crèche.
culture-sport 4 médiathèque
    Recommande des lectures aux usagers des médiathèques.
    Gère les réservations des équipements sportifs.
securite-prevention 3 prévention
    Signale les incidents relevés par la police municipale.
    Aide à prévenir les risques d'inondation.
tourisme 1 tourisme
    Traduit les informations touristiques en plusieurs langues.
    Répond aux visiteurs de l'office de tourisme.
sante 1.5 santé
    Aide les centres municipaux de santé à gérer les rendez-vous.
    Repère les personnes âgées isolées pendant les canicules.
gestion-documentaire 5 archives
    Classe et indexe les archives et les courriers.
    Retrouve les documents dans la gestion électronique des documents.
"""


def _parse_domains(text: str) -> dict[str, tuple[float, str, list[str]]]:
    domains: dict[str, tuple[float, str, list[str]]] = {}
    sentences: list[str] = []
    for line in text.strip().splitlines():
        if line.startswith(" "):
            sentences.append(line.strip())
        else:
            slug, weight, word = line.split()
            sentences = []
            domains[slug] = (float(weight), word, sentences)
    return domains


DOMAINS = _parse_domains(_DOMAINS)
TECHNIQUES = {
    "langage": "Comprend et rédige des textes en français grâce à un modèle de langage.",
    "generative": "Génère des brouillons de courriers et de synthèses que l'agent relit.",
    "vision": "Analyse les images et les vidéos des caméras et des drones.",
    "prediction": "Prédit les besoins à partir des données historiques de la commune.",
    "optimisation": "Calcule les meilleures tournées et les meilleurs plannings.",
    "parole": "Transcrit les appels téléphoniques et les réunions.",
    "recommandation": "Propose à chaque usager des contenus adaptés.",
    "recherche": "Retrouve les informations pertinentes dans les documents de la collectivité.",
}
GENERIC = [
    "Conçue pour les collectivités territoriales, elle s'intègre aux logiciels métier.",
    "Les agents gardent la main sur chaque décision.",
    "Le paramétrage se fait avec les équipes de la collectivité.",
    "Un tableau de bord présente les indicateurs aux élus.",
    "La documentation et l'assistance sont en français.",
    "Les données de la collectivité sont chiffrées et ne servent pas à entraîner le modèle.",
    "Une période d'essai de trois mois est proposée aux communes.",
    "Les résultats sont expliqués et peuvent être contestés.",
]
RARE = "Expérimentée pour la surveillance d'une hydrolienne fluviale."
NAME_HEADS = ["Assistant", "Copilote", "Analyseur", "Optimiseur", "Détecteur", "Agent", "Moteur"]
VENDOR_SYLLABLES = ["Nu", "Ci", "Data", "Lu", "Vi", "Ter", "Agi", "Sy", "Pol", "Mé", "Gé", "Ora"]
VENDOR_ENDINGS = ["méria", "tica", "lys", "nova", "tech", "logic", "sphère", "IA", "média"]
LICENCES = ["AGPL-3.0-or-later", "MIT", "Apache-2.0", "EUPL-1.2", "GPL-3.0-or-later"]


def _weighted(rng: random.Random, options: dict[str, float]) -> str:
    return rng.choices(list(options), weights=list(options.values()))[0]


def _counts(rng: random.Random, items: int, total: int) -> list[int]:
    """`total` spread over `items`, at least one each (a review count per solution)."""
    counts = [1] * items
    for index in rng.choices(range(items), k=total - items):
        counts[index] += 1
    return counts


def generate(scale: float) -> dict:
    """Fill the (freshly migrated) database; returns counts and timings."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from citeia.accounts.models import Organisation, User
    from citeia.catalogue.models import (
        Criterion,
        Domain,
        GridAxis,
        GridVersion,
        Reference,
        Review,
        ReviewScore,
        Solution,
        SolutionFigures,
        SolutionStatus,
        Technique,
        VendorProfile,
        VendorSize,
    )
    from citeia.catalogue.services import solution_figures_refresh
    from citeia.core import search

    rng = random.Random(SEED)
    n_solutions, n_vendors = int(SOLUTIONS * scale), int(VENDORS * scale)
    n_reviews, n_references = int(REVIEWS * scale), int(REFERENCES * scale)
    n_experts = max(12, int(EXPERTS * scale))
    started = time.perf_counter()
    now = timezone.now()
    grid = GridVersion.objects.order_by("-number").first()
    criteria = list(Criterion.objects.filter(grid=grid, axis=GridAxis.ACTION1))
    assert len(criteria) == 6, "the current grid should have six Action-1 criteria"
    domains = {domain.slug: domain for domain in Domain.objects.all()}
    techniques = {technique.slug: technique for technique in Technique.objects.all()}
    assert set(DOMAINS) == set(domains) and set(TECHNIQUES) == set(techniques)
    communes = list(Organisation.objects.filter(kind="commune").order_by("pk"))
    unusable = make_password(None)

    with transaction.atomic():
        vendors = Organisation.objects.bulk_create(
            Organisation(
                name=f"{rng.choice(VENDOR_SYLLABLES)}{rng.choice(VENDOR_ENDINGS)} {i}",
                slug=f"bench-fournisseur-{i}",
                kind=rng.choices(["company", "association", "public_agency"], [8, 1, 1])[0],
                website=f"https://fournisseur-{i}.example.fr",
            )
            for i in range(n_vendors)
        )
        VendorProfile.objects.bulk_create(
            VendorProfile(organisation=vendor, size=rng.choice(VendorSize.values))
            for vendor in vendors
        )
        experts = User.objects.bulk_create(
            User(
                email=f"experte-{i}@bench.invalid",
                full_name=f"Experte {i}",
                platform_role="expert",
                password=unusable,
            )
            for i in range(n_experts)
        )

        solutions, solution_domains, solution_techniques = [], [], []
        for i in range(n_solutions):
            rare = i % 1000 == 7  # ~20 solutions for the smallest result size
            slugs = list(
                dict.fromkeys(
                    ["dechets"] * rare
                    + [
                        _weighted(rng, {slug: d[0] for slug, d in DOMAINS.items()})
                        for _ in range(rng.choices([1, 2, 3], [6, 3, 1])[0])
                    ]
                )
            )
            technique_slugs = rng.sample(list(TECHNIQUES), rng.choice([1, 1, 2]))
            free = rare or rng.random() < 0.3
            primary = DOMAINS[slugs[0]]
            sentences = [rng.choice(DOMAINS[slug][2]) for slug in slugs]
            sentences += [TECHNIQUES[slug] for slug in technique_slugs]
            sentences += rng.sample(GENERIC, 4) + [RARE] * rare
            solutions.append(
                Solution(
                    vendor=vendors[i % n_vendors],
                    name=f"{rng.choice(NAME_HEADS)} {primary[1]} {i}",
                    slug=f"bench-solution-{i}",
                    summary=primary[2][0],
                    description="\n\n".join(sentences),
                    maturity="production"
                    if rare
                    else rng.choices(
                        ["concept", "prototype", "pilot", "production"], [1, 1.5, 3, 4.5]
                    )[0],
                    licence=rng.choice(LICENCES) if free else "LicenseRef-Proprietary",
                    is_free_software=free,
                    deployment=rng.choices(["saas", "on_premise", "hybrid"], [6, 2, 2])[0],
                    hosting=rng.choices(
                        ["france", "eu", "non_eu", "customer", "unknown"], [4, 2, 1, 1, 2]
                    )[0],
                    personal_data=rng.choices(["none", "personal", "sensitive"], [3, 6, 1])[0],
                    model_provenance=rng.choice(["own", "open_weights", "third_party_api"]),
                    status=SolutionStatus.PUBLISHED,
                    published_at=now - timedelta(days=rng.randrange(1, 1000)),
                )
            )
            solution_domains.append(slugs)
            solution_techniques.append(technique_slugs)
        solutions = Solution.objects.bulk_create(solutions, batch_size=2000)
        # "Recently updated" needs distinct dates: auto_now gave them all the same.
        dates = [(now - timedelta(minutes=rng.randrange(0, 500_000)), s.pk) for s in solutions]
        with connection.cursor() as cursor:
            cursor.executemany("UPDATE catalogue_solution SET updated_at = %s WHERE id = %s", dates)
        Solution.domains.through.objects.bulk_create(
            (
                Solution.domains.through(solution_id=solution.pk, domain_id=domains[slug].pk)
                for solution, slugs in zip(solutions, solution_domains, strict=True)
                for slug in slugs
            ),
            batch_size=5000,
        )
        Solution.techniques.through.objects.bulk_create(
            (
                Solution.techniques.through(
                    solution_id=solution.pk, technique_id=techniques[slug].pk
                )
                for solution, slugs in zip(solutions, solution_techniques, strict=True)
                for slug in slugs
            ),
            batch_size=5000,
        )

        reviewed = rng.sample(solutions, int(len(solutions) * REVIEWED_SHARE))
        quality = {solution.pk: rng.uniform(0.5, 3.5) for solution in reviewed}
        reviews = []
        for solution, count in zip(reviewed, _counts(rng, len(reviewed), n_reviews), strict=True):
            for expert in rng.sample(experts, min(count, len(experts))):
                reviews.append(
                    Review(
                        solution=solution,
                        expert=expert,
                        grid=grid,
                        summary="Solution évaluée sur pièces et lors d'une démonstration.",
                    )
                )
        reviews = Review.objects.bulk_create(reviews, batch_size=5000)
        ReviewScore.objects.bulk_create(
            (
                ReviewScore(
                    review=review,
                    criterion=criterion,
                    score=(
                        score := min(4, max(0, round(rng.gauss(quality[review.solution_id], 0.8))))
                    ),
                    justification=(
                        f"Note {score} : constaté lors de la démonstration et dans la "
                        f"documentation fournie ({criterion.name.lower()})."
                    ),
                )
                for review in reviews
                for criterion in criteria
            ),
            batch_size=5000,
        )
        pairs = set()
        while len(pairs) < min(n_references, len(solutions) * len(communes) // 2):
            pairs.add((rng.randrange(len(solutions)), rng.randrange(len(communes))))
        Reference.objects.bulk_create(
            (
                Reference(
                    solution=solutions[s],
                    organisation=communes[c],
                    status=rng.choices(
                        ["exploring", "experimenting", "deployed", "abandoned"], [2, 3, 4, 1]
                    )[0],
                )
                for s, c in sorted(pairs)
            ),
            batch_size=5000,
        )
    generated = time.perf_counter() - started

    started = time.perf_counter()
    indexed = search.reindex(Solution)
    index_seconds = time.perf_counter() - started

    # The stored figures the lists and the ranking read: the services keep them up to date,
    # bulk_create bypasses them (what `manage.py refresh_solution_figures` does).
    started = time.perf_counter()
    with transaction.atomic():
        solution_figures_refresh(solution_ids=[solution.pk for solution in solutions])
    figures_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        # What autovacuum would have done a minute after such a load.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "solutions": len(solutions),
        "vendors": len(vendors),
        "experts": len(experts),
        "reviews": len(reviews),
        "reviewed_solutions": len(reviewed),
        "scores": len(reviews) * len(criteria),
        "references": len(pairs),
        "domain_links": sum(map(len, solution_domains)),
        "indexed": indexed,
        "generate_seconds": round(generated, 1),
        "index_seconds": round(index_seconds, 1),
        "figures": SolutionFigures.objects.count(),
        "figures_seconds": round(figures_seconds, 1),
    }


# --- In-process measurements -------------------------------------------------------------


def _timed_sql(sql: str) -> tuple[float, int]:
    """Run a captured statement again on its own: database time including the transfer
    of every row to Python (Django's capture times `execute` only, which on SQLite
    leaves out the rows fetched afterwards)."""
    from django.db import connection

    # A server-side cursor (PostgreSQL, QuerySet.iterator()): run its query directly.
    sql = re.sub(r"^DECLARE .*? CURSOR WITH(?:OUT)? HOLD FOR ", "", sql, flags=re.S)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(sql)
        rows = cursor.fetchall()
        return (time.perf_counter() - started) * 1000, len(rows)


def _kind(sql: str) -> str:
    """What a statement of the catalogue list is for, to sum their times."""
    if sql.startswith('SELECT COUNT(*) AS "__count"'):
        return "count"
    if sql.startswith("SELECT (SELECT MAX(history_id) FROM"):
        return "version"  # selectors.catalogue_version, the results cache's key
    if "core_searchdocument" in sql and '"catalogue_solution"."vendor_id"' not in sql:
        return "text match"  # facet_index.text_match
    if re.match(r'SELECT "catalogue_solution"\."id", "catalogue_solution"\."vendor_id"', sql):
        return "results"
    if "_prefetch_related_val" in sql:
        return "prefetch"
    if re.match(r"SELECT .*?COUNT\((DISTINCT )?(CASE WHEN|[^)]*\) FILTER)", sql, flags=re.S):
        return "facet counts"
    return "other"


def _results(key: str, path: str) -> int | None:
    from django.http import QueryDict

    from citeia.catalogue import review_selectors, selectors
    from citeia.catalogue.models import Domain

    query = QueryDict(path.partition("?")[2])
    if key.startswith("search") or key == "browse":
        return selectors.catalogue_search(selectors.CatalogueFilters.from_query(query)).count()
    if key.startswith("ranking"):
        domain = Domain.objects.filter(slug=query.get("domaine", "")).first()
        return review_selectors.ranked_solutions(
            weights=RANKING_WEIGHTS, must_haves=RANKING_MUST_HAVES, domain=domain
        ).count()
    return None


class _ExecuteTimer:
    """Time spent in the database driver's `execute` (an `execute_wrapper`)."""

    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def _request(client, path: str, *, cold: bool, keep_cards: bool = False) -> dict:
    """One request captured, then three timed: `cold` empties the results cache before
    each of them (and the rendered cards' unless `keep_cards`), otherwise they are served
    from it (filled beforehand)."""
    from django.core.cache import caches
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    emptied = (RESULTS_CACHE,) if keep_cards else PROCESS_CACHES

    class Caches:
        @staticmethod
        def clear() -> None:
            for alias in emptied:
                caches[alias].clear()

    cache = Caches

    def get():
        if cold:
            cache.clear()
        return client.get(path)

    if not cold:
        client.get(path)  # fills the cache
    # Each request empties the query log: the capture must start from an empty one.
    reset_queries()
    with CaptureQueriesContext(connection) as context:
        response = get()
    assert response.status_code == 200, (path, response.status_code)
    # A copy: the context reads the query log lazily, and the next request empties it.
    captured = list(context.captured_queries)
    times, outside = [], []
    for _ in range(3):
        database = _ExecuteTimer()
        with connection.execute_wrapper(database):
            if cold:
                cache.clear()
            started = time.perf_counter()
            client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        times.append(elapsed)
        outside.append(elapsed - database.ms)
    return {
        "captured": captured,
        "response": response,
        "request_ms": round(statistics.median(times), 1),
        "outside_ms": round(statistics.median(outside), 1),
    }


def measure_pages() -> dict:
    """Per page and result size: queries and time of one anonymous request, in process,
    cold (the results cache emptied first) and, for the list, cached."""
    from django.core.cache import caches
    from django.test import Client

    from citeia.catalogue import facet_index, selectors

    client = Client(HTTP_HOST=HOST)
    pages = {}
    # The in-memory facet index, built once per process and catalogue version.
    version, values = selectors.catalogue_version(), selectors.choice_values()
    build_ms, index = _median_ms(lambda: facet_index.build(version, values))
    arrays = [index.ids, index.updated, index.reference_count, index.mean_score]
    arrays += [index.free_software, index.reviewed, *index.choices.values()]
    arrays += [index.domains.matrix, index.techniques.matrix, index.territories.matrix]
    pages["facet_index"] = {
        "build_ms": round(build_ms, 1),
        "solutions": index.size,
        "array_kb": round(sum(a.nbytes for a in arrays) / 1024),
    }
    for key, _label, paths, _loaded in PAGES:
        rows = []
        for path in paths:
            for alias in PROCESS_CACHES:
                caches[alias].clear()
            client.get(path)  # warm-up: first-request caches are not the page's cost
            cold = _request(client, path, cold=True)
            by_kind: dict[str, float] = {}
            statements = []
            for query in cold["captured"]:
                ms, fetched = _timed_sql(query["sql"])
                kind = _kind(query["sql"])
                by_kind[kind] = by_kind.get(kind, 0.0) + ms
                statements.append(
                    {"ms": round(ms, 2), "rows": fetched, "kind": kind, "sql": query["sql"]}
                )
            row = {
                "path": path,
                "results": _results(key, path),
                "queries": len(cold["captured"]),
                "sql_ms": round(sum(s["ms"] for s in statements), 1),
                "request_ms": cold["request_ms"],
                "outside_ms": cold["outside_ms"],
                "rows": sum(s["rows"] for s in statements),
                "html_kb": round(len(cold["response"].content) / 1024, 1),
                "by_kind": {k: round(v, 1) for k, v in by_kind.items()},
                "statements": statements,
            }
            if key in CACHED_PAGES:
                warm = _request(client, path, cold=False)
                row["cached"] = {
                    "same_html": warm["response"].content == cold["response"].content,
                    "queries": len(warm["captured"]),
                    "request_ms": warm["request_ms"],
                    "sql": [query["sql"] for query in warm["captured"]],
                }
                new = _request(client, path, cold=True, keep_cards=True)
                row["new"] = {
                    "queries": len(new["captured"]),
                    "request_ms": new["request_ms"],
                    "sql": [query["sql"] for query in new["captured"]],
                }
            rows.append(row)
        pages[key] = rows
    return pages


def _median_ms(function, times: int = 3):
    """Median time of `function()` over `times` calls, in ms, and its last result."""
    elapsed, result = [], None
    for _ in range(times):
        started = time.perf_counter()
        result = function()
        elapsed.append((time.perf_counter() - started) * 1000)
    return statistics.median(elapsed), result


def _peak_mb(function) -> float:
    import tracemalloc

    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure_ranking() -> dict:
    """The needs ranking of every published solution: the page's first page computed by
    the database (`ranked_solutions`, then `explain_page` for the 20 shown) against the
    reference order (`ranking_facts()` loaded into Python, `scoring.rank`)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from citeia.catalogue import review_selectors
    from citeia.catalogue.scoring import rank

    options = {"weights": RANKING_WEIGHTS, "must_haves": RANKING_MUST_HAVES}

    # The page's way: COUNT for the paginator, LIMIT 20, explanations for those 20.
    def ranked():
        return review_selectors.ranked_solutions(**options)

    def sql_page():
        solutions = ranked()
        total = solutions.count()
        return total, review_selectors.explain_page(list(solutions[:20]), **options)

    sql_page()  # warm-up
    reset_queries()
    with CaptureQueriesContext(connection) as context:
        sql_page()
    sql_queries = len(context.captured_queries)
    count_ms, total = _median_ms(lambda: ranked().count())
    page_ms, page = _median_ms(lambda: list(ranked()[:20]))
    explain_ms, explained = _median_ms(lambda: review_selectors.explain_page(page, **options))
    sql_ms, _result = _median_ms(sql_page)

    # The page's way since the facet index: ordered in memory (index already built).
    def memory_page():
        solutions = review_selectors.ranking_page(**options)
        return len(solutions), review_selectors.explain_page(solutions[0:20], **options)

    memory_page()  # warm-up: builds the index
    memory_ms, (_total, memory_explained) = _median_ms(memory_page)
    memory_top = [(solution.pk, round(r.score, 9)) for solution, r in memory_explained]

    # The reference: every published solution's facts in Python, all of them ranked.
    review_selectors.ranking_facts()  # warm-up
    reset_queries()
    with CaptureQueriesContext(connection) as context:
        started = time.perf_counter()
        facts = review_selectors.ranking_facts()
        facts_ms = (time.perf_counter() - started) * 1000
    statements = [_timed_sql(query["sql"]) for query in list(context.captured_queries)]
    rank_ms, reference = _median_ms(
        lambda: rank(facts, RANKING_WEIGHTS, RANKING_MUST_HAVES, None), times=1
    )

    sql_top = [(solution.pk, round(r.score, 9)) for solution, r in explained]
    reference_top = [(r.facts.id, round(r.score, 9)) for r in reference[:20]]
    same_ids = [i for i, _s in sql_top] == [i for i, _s in reference_top]
    return {
        "results": total,
        "sql_queries": sql_queries,
        "sql_count_ms": round(count_ms, 1),
        "sql_page_ms": round(page_ms, 1),
        "sql_explain_ms": round(explain_ms, 1),
        "sql_total_ms": round(sql_ms, 1),
        "sql_peak_mb": round(_peak_mb(sql_page), 1),
        "solutions": len(facts),
        "means": sum(len(f.means) for f in facts),
        "statements": [{"ms": round(ms, 1), "rows": rows} for ms, rows in statements],
        "facts_ms": round(facts_ms, 1),
        "facts_sql_ms": round(sum(ms for ms, _rows in statements), 1),
        "rank_ms": round(rank_ms, 1),
        "reference_peak_mb": round(
            _peak_mb(
                lambda: rank(
                    review_selectors.ranking_facts(), RANKING_WEIGHTS, RANKING_MUST_HAVES, None
                )
            ),
            1,
        ),
        "same_first_page": "yes" if sql_top == reference_top else "ids" if same_ids else "no",
        "memory_total_ms": round(memory_ms, 1),
        "memory_same_first_page": "yes" if memory_top == sql_top else "no",
        "first_pages": {"sql": sql_top, "reference": reference_top},
    }


def describe() -> dict:
    from citeia.catalogue.models import (
        Reference,
        Review,
        ReviewScore,
        Solution,
        SolutionFigures,
    )
    from citeia.core.models import SearchDocument

    return {
        "solutions": Solution.objects.count(),
        "vendors": Solution.objects.values("vendor").distinct().count(),
        "reviews": Review.objects.count(),
        "reviewed_solutions": Review.objects.values("solution").distinct().count(),
        "scores": ReviewScore.objects.count(),
        "references": Reference.objects.count(),
        "indexed": SearchDocument.objects.count(),
        "figures": SolutionFigures.objects.count(),
    }


def step(name: str, scale: float) -> None:
    """One step in a child process, on the database of DATABASE_URL; prints JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "citeia.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    if name == "generate":
        result = generate(scale)
    elif name == "describe":
        result = describe()
    else:
        result = {"pages": measure_pages(), "ranking": measure_ranking()}
    result["vendor"] = connection.vendor
    print(json.dumps(result))


# --- Orchestration -----------------------------------------------------------------------


def database_url(database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{SQLITE_FILE}"
    return f"{POSTGRES_SERVER.rstrip('/')}/{POSTGRES_DB}"


def postgres(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER.rstrip('/')}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def postgres_reachable() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES_SERVER.rstrip('/')}/postgres", connect_timeout=3).close()
    except psycopg.Error as exc:
        print(f"PostgreSQL unreachable at {POSTGRES_SERVER} ({exc}): skipped.", file=sys.stderr)
        return False
    return True


def drop(database: str) -> None:
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
    else:
        postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DB} WITH (FORCE)")


def exists(database: str) -> bool:
    if database == "sqlite":
        return SQLITE_FILE.exists()
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER.rstrip('/')}/postgres") as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_DB])
        return found.fetchone() is not None


def manage(env: dict[str, str], *arguments: str) -> None:
    subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True
    )


def child(env: dict[str, str], name: str, scale: float) -> dict:
    completed = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, __file__, "--step", name, "--scale", str(scale)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def http_get(path: str) -> int:
    import http.client

    connection = http.client.HTTPConnection(HOST, PORT, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_serving(server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (code {server.returncode}); see {log}")
        with contextlib.suppress(OSError):  # not listening yet
            if http_get(CONSTANT) == 200:
                return
        time.sleep(0.3)
    sys.exit(f"gunicorn did not answer on {HOST}:{PORT} within 30 s")


def alone(path: str, *, vary: bool = False) -> float:
    """p50 of sequential requests to the server: a request's cost without queueing
    (ALONE_REQUESTS of them, or fewer, but at least 3, when they take over 15 s).
    `vary`: each request's URL is a new one (a unique `n` parameter)."""
    times: list[float] = []
    while len(times) < ALONE_REQUESTS and (len(times) < 3 or sum(times) < 15_000):
        started = time.perf_counter()
        status = http_get(f"{path}&n=alone-{len(times)}-{time.time_ns()}" if vary else path)
        times.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
    return statistics.median(times)


def server_times(access_path: Path, start: int) -> dict:
    """p50 and p95 of the server time of the requests logged after byte `start`."""
    with access_path.open("rb") as log:
        log.seek(start)
        micros = [int(line.split()[-1]) for line in log.read().decode().splitlines() if line]
    if not micros:
        return {"server_p50": None, "server_p95": None}
    cuts = statistics.quantiles(micros, n=100, method="inclusive")
    return {"server_p50": cuts[49] / 1000, "server_p95": cuts[94] / 1000}


def locust(database: str, key: str, path: str, env: dict[str, str], *, vary: bool) -> dict:
    import csv

    prefix = OUT / f"catalogue-{database}-{key.replace(':', '-')}"
    command = locust_command(prefix, port=PORT)
    print(f"  locust {key} ({USERS} clients, {DURATION})…", flush=True)
    with Path(f"{prefix}.log").open("w") as log:
        subprocess.run(  # noqa: S603 - our own command
            command,
            env={**env, "BENCH_PATH": path, "BENCH_VARY": "1" if vary else ""},
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            cwd=ROOT,
        )
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "Aggregated")

    def number(name: str) -> float | None:  # "N/A" when no request completed
        return None if row[name] == "N/A" else float(row[name])

    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": number("50%"),
        "p95": number("95%"),
        "load": os.getloadavg()[0],
    }


def serve_and_load(database: str, env: dict[str, str]) -> dict:
    """LOAD_RUNS on two servers in turn: the default settings (results cache on), then
    CATALOGUE_RESULTS_CACHE_SECONDS=0 (every list request computes)."""
    results = {}
    for server_kind in ("cached", "cold"):
        runs = [(run, page) for run, page, kind in LOAD_RUNS if kind == server_kind]
        if not runs:
            continue
        server_env = dict(env)
        for setting in CACHE_SETTINGS:
            server_env.pop(setting, None)  # the default: the caches on
            if server_kind == "cold":
                server_env[setting] = "0"
        log_path = OUT / f"catalogue-{database}-gunicorn-{server_kind}.log"
        access_path = OUT / f"catalogue-{database}-access-{server_kind}.log"
        access_path.write_text("")
        print(
            f"Serving {database} on http://{HOST}:{PORT} (gunicorn, {WEB_WORKERS} workers, "
            f"results cache {'off' if server_kind == 'cold' else 'on'})",
            flush=True,
        )
        with log_path.open("w") as server_log:
            server = subprocess.Popen(  # noqa: S603 - our own command
                [
                    str(VENV_BIN / "gunicorn"),
                    "citeia.wsgi:application",
                    "--bind",
                    f"{HOST}:{PORT}",
                    "--workers",
                    str(WEB_WORKERS),
                    "--timeout",
                    "120",
                    "--log-level",
                    "warning",
                    # Server time: from a worker taking the request to the end of its
                    # response, in microseconds (waiting for a free worker excluded).
                    "--access-logfile",
                    str(access_path),
                    "--access-logformat",
                    "%(U)s %(D)s",
                ],
                cwd=ROOT,
                env=server_env,
                stdout=server_log,
                stderr=subprocess.STDOUT,
            )
            try:
                wait_until_serving(server, log_path)
                for run, page in runs:
                    for _ in range(WEB_WORKERS):
                        http_get(LOADED[page])  # each worker's first request
                    results[run] = {"alone_p50": alone(LOADED[page], vary=run.endswith(":new"))}
                for run, page in runs:
                    vary = run.endswith(":new")
                    start = access_path.stat().st_size
                    results[run].update(locust(database, run, LOADED[page], env, vary=vary))
                    time.sleep(0.5)  # the last responses' log lines
                    results[run].update(server_times(access_path, start))
            finally:
                stop(server, signal.SIGTERM)
        # The next server binds the same port.
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.socket() as sock:
                if sock.connect_ex((HOST, PORT)) != 0:
                    break
            time.sleep(0.2)
    return results


def run_database(database: str, args: argparse.Namespace, base_env: dict[str, str]) -> dict:
    env = {**base_env, "DATABASE_URL": database_url(database), "CITEIA_VAR_DIR": str(VAR_DIR)}
    env.pop(CACHE_SETTING, None)  # in process: the default, the results cache on
    print(f"\n== {database} ({database_url(database)})", flush=True)
    started = time.perf_counter()
    if args.reuse and exists(database):
        data = child(env, "describe", args.scale)
        data["reused"] = True
    else:
        drop(database)
        if database == "postgresql":
            postgres(f"CREATE DATABASE {POSTGRES_DB}")
        migrate_started = time.perf_counter()
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "createcachetable")
        migrate_seconds = time.perf_counter() - migrate_started
        print("  generating…", flush=True)
        data = child(env, "generate", args.scale)
        data["migrate_seconds"] = round(migrate_seconds, 1)
    if not getattr(args, "static_collected", False):  # the same for both databases
        manage(env, "collectstatic", "--no-input", "-v", "0")
        args.static_collected = True
    if database == "sqlite":
        data["file_mb"] = round(SQLITE_FILE.stat().st_size / 2**20)
    print(f"  {json.dumps(data)}\n  measuring in process…", flush=True)
    measured = child(env, "measure", args.scale)
    load = serve_and_load(database, env)
    if not args.keep:
        drop(database)
    return {
        "data": data,
        **measured,
        "load": load,
        "minutes": round((time.perf_counter() - started) / 60, 1),
    }


# --- Report ------------------------------------------------------------------------------

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LABELS = {key: label for key, label, _paths, _loaded in PAGES}


def _n(value) -> str:
    return "–" if value is None else f"{value:,}"


def _slashes(values, spec: str = ",.0f") -> str:
    return " / ".join("–" if v is None else format(v, spec) for v in values)


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _ms1(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _loaded_row(result: dict, key: str) -> dict:
    """The in-process measurement of the path that locust loaded."""
    return next(row for row in result["pages"][key] if row["path"] == LOADED[key])


def _run_label(run: str) -> str:
    page, _sep, variant = run.partition(":")
    if page not in CACHED_PAGES:
        return LABELS[page]
    return LABELS[page] + VARIANT_LABELS[variant]


VARIANT_LABELS = {
    "": ", cached (the same URL)",
    "new": ", new URL each request (results computed, cards kept)",
    "cold": ", computed (caches off)",
}


def _run_queries(result: dict, run: str) -> int:
    page, _sep, variant = run.partition(":")
    row = _loaded_row(result, page)
    if page in CACHED_PAGES and variant == "new":
        return row["new"]["queries"]
    if page in CACHED_PAGES and variant != "cold":
        return row["cached"]["queries"]
    return row["queries"]


# Rows of the load table, each page computed then cached.
LOAD_ORDER = [
    "minimal",
    "search:cold",
    "search:new",
    "search",
    "search_note:cold",
    "search_note:new",
    "search_note",
    "ranking:cold",
    "ranking:new",
    "ranking",
]


def _load_order(result: dict) -> list[str]:
    return [run for run in LOAD_ORDER if run in result["load"]]


def _load_table(results: dict) -> list[str]:
    lines = [
        "| database | page | req/s | server p50 ms | server p95 ms | client p50 ms "
        "| client p95 ms | client p95 / minimal | req/s / minimal "
        "| 1 client p50 ms | SQL queries | failures | load avg |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for database, result in results.items():
        base = result["load"]["minimal"]
        for run in _load_order(result):
            row = result["load"][run]
            ratio = f"{row['p95'] / base['p95']:.1f}×" if row["p95"] else "–"
            lines.append(
                f"| {NAMES[database]} | {_run_label(run)} | {row['rps']:.1f} "
                f"| {_ms1(row.get('server_p50'))} | {_ms1(row.get('server_p95'))} "
                f"| {_ms(row['p50'])} | {_ms(row['p95'])} | {ratio} "
                f"| {row['rps'] / base['rps']:.3f} | {row['alone_p50']:,.0f} "
                f"| {_run_queries(result, run)} "
                f"| {row['failures']}/{row['requests']} | {row['load']:.1f} |"
            )
    return lines


def _verdicts(results: dict) -> list[str]:
    lines = []
    for database, result in results.items():
        for run in _load_order(result):
            row = result["load"][run]
            if run == "minimal":
                continue
            server, client = row.get("server_p95"), row["p95"]
            if server is None or client is None:
                verdict = f"**missed**: no request completed in {DURATION}"
            else:
                verdict = (
                    f"server p95 {server:,.1f} ms: "
                    + ("met" if server < TARGET_P95_MS else "**missed**")
                    + f"; seen by the clients, waiting for a free worker included, p95 "
                    f"{client:,.0f} ms: "
                    + ("under" if client < TARGET_P95_MS else "**over**")
                    + f" {TARGET_P95_MS} ms"
                )
            if row["failures"]:
                verdict += f"; {row['failures']} failed requests"
            label = _run_label(run)
            lines.append(f"- {NAMES[database]}, {label[0].lower() + label[1:]}: {verdict}.")
    return lines


def _sizes_table(results: dict) -> list[str]:
    lines = [
        "| database | page | results | SQL queries | rows fetched | SQL ms "
        "| request ms (in process) | of which outside the database | HTML KB "
        "| queries constant | cached: SQL queries | cached: request ms "
        "| new URL, cards kept: SQL queries | new URL: request ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|",
    ]
    for database, result in results.items():
        for key, rows in result["pages"].items():
            if key in ("browse", "facet_index") or len(rows) < 2:
                continue
            constant = len({row["queries"] for row in rows}) == 1
            cached = [row.get("cached") for row in rows]
            if all(cached):
                cached_cells = (
                    f"{_slashes([c['queries'] for c in cached])} "
                    f"| {_slashes([c['request_ms'] for c in cached], ',.1f')}"
                )
            else:
                cached_cells = "– | –"
            new = [row.get("new") for row in rows]
            if all(new):
                cached_cells += (
                    f" | {_slashes([n['queries'] for n in new])} "
                    f"| {_slashes([n['request_ms'] for n in new], ',.1f')}"
                )
            else:
                cached_cells += " | – | –"
            lines.append(
                f"| {NAMES[database]} | {LABELS[key]} | {_slashes([r['results'] for r in rows])} "
                f"| {_slashes([r['queries'] for r in rows])} "
                f"| {_slashes([r['rows'] for r in rows])} "
                f"| {_slashes([r['sql_ms'] for r in rows])} "
                f"| {_slashes([r['request_ms'] for r in rows])} "
                f"| {_slashes([r['outside_ms'] for r in rows])} "
                f"| {_slashes([r['html_kb'] for r in rows], '.0f')} "
                f"| {'yes' if constant else '**no**'} | {cached_cells} |"
            )
    return lines


KINDS = ["text match", "facet counts", "count", "results", "prefetch", "version", "other"]


def _kinds_table(results: dict) -> list[str]:
    lines = [
        "| database | page | results | " + " | ".join(KINDS) + " | total SQL ms |",
        "|---|---|--:|" + "--:|" * len(KINDS) + "--:|",
    ]
    for database, result in results.items():
        for key in ("search", "search_note"):
            row = result["pages"][key][1]
            counts: dict[str, int] = {}
            for statement in row["statements"]:
                counts[statement["kind"]] = counts.get(statement["kind"], 0) + 1
            cells = " | ".join(
                f"{row['by_kind'].get(kind, 0):.1f} ({counts.get(kind, 0)})" for kind in KINDS
            )
            lines.append(
                f"| {NAMES[database]} | {LABELS[key]} | {_n(row['results'])} | {cells} "
                f"| {row['sql_ms']:.1f} |"
            )
    return lines


def _browse_table(results: dict) -> list[str]:
    lines = [
        "| database | path | results | SQL queries | rows fetched | SQL ms "
        "| request ms (in process) | of which outside the database "
        "| cached: SQL queries | cached: request ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for database, result in results.items():
        for row in result["pages"]["browse"]:
            lines.append(
                f"| {NAMES[database]} | `{row['path']}` | {_n(row['results'])} "
                f"| {row['queries']} | {row['rows']:,} | {row['sql_ms']:,.0f} "
                f"| {row['request_ms']:,.0f} | {row['outside_ms']:,.0f} "
                f"| {row['cached']['queries']} | {row['cached']['request_ms']:,.1f} |"
            )
    return lines


def _ranking_table(results: dict) -> list[str]:
    lines = [
        "| database | ranked | page: SQL queries | `COUNT` ms | first 20 ms "
        "| `explain_page` ms | page total ms | page peak MB | whole request ms "
        "| reference: its 3 queries, ms (rows) | `ranking_facts()` ms | `rank()` ms "
        "| reference total ms | reference peak MB | same first page "
        "| in memory: page total ms | in memory: same first page as SQL |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|---|--:|---|",
    ]
    same = {"yes": "yes", "ids": "**same order, other scores**", "no": "**no**"}
    for database, result in results.items():
        r = result["ranking"]
        statements = ", ".join(f"{s['ms']:.0f} ({s['rows']:,})" for s in r["statements"])
        request = _loaded_row(result, "ranking")["request_ms"]
        lines.append(
            f"| {NAMES[database]} | {r['results']:,} | {r['sql_queries']} "
            f"| {r['sql_count_ms']:.0f} | {r['sql_page_ms']:.0f} | {r['sql_explain_ms']:.0f} "
            f"| {r['sql_total_ms']:.0f} | {r['sql_peak_mb']:.1f} | {request:.0f} "
            f"| {statements} | {r['facts_ms']:.0f} | {r['rank_ms']:.0f} "
            f"| {r['facts_ms'] + r['rank_ms']:,.0f} | {r['reference_peak_mb']:.0f} "
            f"| {same[r['same_first_page']]} | {r['memory_total_ms']:.0f} "
            f"| {r['memory_same_first_page']} |"
        )
    return lines


def report(results: dict, command: str, when: datetime, load_before: str, minutes: float) -> str:
    any_result = next(iter(results.values()))
    data = any_result["data"]
    timings = "; ".join(
        f"{NAMES[db]} {r['data'].get('generate_seconds', '–')} s / "
        f"{r['data'].get('index_seconds', '–')} s / {r['data'].get('figures_seconds', '–')} s"
        for db, r in results.items()
    )
    sqlite_size = results.get("sqlite", {}).get("data", {}).get("file_mb")
    pages = [f"  - {LABELS[key]}: `{path}`" for key, path in LOADED.items() if key != "minimal"]
    return "\n".join(
        [
            START,
            "## Catalogue at scale (issue #3)",
            "",
            "Figures from `make bench-catalogue` (`bench/catalogue.py`, the load in "
            "`bench/locustfile.py`). The block between the markers is rewritten by each run; "
            "the reading after it is written by hand.",
            "",
            f"Run on {when:%Y-%m-%d %H:%M %Z} with `{command}`, {minutes:.0f} minutes in all.",
            "",
            f"- Machine: {machine()}. Load average (1, 5, 15 min) before the run: "
            f"{load_before}; after: {load_average()}.",
            "- Data: generated with `bulk_create` into a database of its own, created for the "
            "run and dropped after it unless `--keep` (SQLite `var/bench/catalogue.sqlite3`"
            + (f", {sqlite_size} MB" if sqlite_size else "")
            + f"; PostgreSQL `{POSTGRES_DB}`): "
            f"{data['solutions']:,} published solutions from {data['vendors']:,} vendors, "
            f"{data['reviews']:,} expert reviews of {data['reviewed_solutions']:,} of them, each "
            'scoring the six "criterion"-axis criteria of the current grid '
            f"({data['scores']:,} scores), {data['references']:,} references by the 130 "
            "communes; all indexed for search with `search.reindex(Solution)`, then their "
            f"stored figures ({data.get('figures', 0):,} `SolutionFigures` rows) built with "
            "`services.solution_figures_refresh`, as `manage.py refresh_solution_figures` "
            "does (`bulk_create` bypasses the services that keep them up to date). "
            f"Generation / indexing / figures: {timings}. PostgreSQL is then `ANALYZE`d, as "
            "autovacuum would.",
            f"- Server: gunicorn, {WEB_WORKERS} sync workers, DEBUG off, whitenoise, static "
            "collected. Load: locust headless in a second process on the same machine and "
            f"loopback, {USERS} clients, {DURATION} per page, no pause between requests, "
            '`Accept-Encoding: gzip`. "1 client p50": '
            f"{ALONE_REQUESTS} sequential requests to the server before the load, the cost of a "
            'request without queueing. "load avg": the 1-minute load average when the page\'s '
            "run ended.",
            "- Caches: the list renders its results and facets, and the ranking its page of "
            "explained solutions, through a per-process "
            f"`LocMemCache` (`{RESULTS_CACHE}`, {CACHE_SETTING}, default 600 s) keyed by the "
            "query and by the catalogue's version, read in one query on every request; the "
            f"list's result cards are rendered once per solution and version (`{CARDS_CACHE}`, "
            "CATALOGUE_CARDS_CACHE_SECONDS). Filters, counts, sorts and the ranking's order "
            "are computed from the in-memory facet index (built once per process and catalogue "
            "version). Each page is loaded three times: "
            '"cached (the same URL)", the default settings, where every worker computes the '
            "page once and then serves it from its cache (locust repeats one URL: the best "
            'case); "new URL each request", the default settings, each request with a unique '
            "`n` parameter, so that its results, facets or ranking are computed (a search or "
            "a profile nobody asked for since the last change) while cards of solutions shown "
            'before are kept; "computed (caches off)", a second server started with '
            f"`{CACHE_SETTING}=0` and `CATALOGUE_CARDS_CACHE_SECONDS=0`, where every request "
            "computes and renders everything (the worst case).",
            "- In process: one anonymous request after a warm-up, the results cache emptied "
            'before it (cold), its queries counted with `CaptureQueriesContext`; "rows fetched" '
            'and "SQL ms": each of these statements run again on its own, all its rows '
            'fetched; "request ms": median of 3 requests through Django\'s test client (no '
            'HTTP, no gzip), the cache emptied before each; "outside the database": the same '
            "requests less the time in the driver's `execute` (Python: building the queries, "
            "making objects, rendering; on SQLite also reading the rows after the first). "
            '"cached": the same request served from a filled cache (median of 3); "new URL, '
            "cards kept\": the results cache emptied before each request, not the cards'.",
            "- Pages loaded by locust (for the search, the middle result size of the second "
            "table):",
            *pages,
            "",
            f"### Under load ({USERS} clients)",
            "",
            *_load_table(results),
            "",
            f"Target: p95 server time under {TARGET_P95_MS} ms on PostgreSQL (SQLite for "
            'comparison). "server": from a gunicorn worker taking the request to the end '
            'of its response (gunicorn\'s access log, `%(D)s`); "client": as locust sees '
            "it, which adds the wait for one of the 3 workers to be free (20 clients for 3 "
            "workers) and the loopback.",
            "",
            *_verdicts(results),
            "",
            "### Queries per request for three result sizes, in process",
            "",
            "Search: the same four parameters with other values "
            f"({'; '.join(f'`q={q}`, `domaine={d}`' for q, d, _m, _f in SEARCH_SIZES)}). "
            "Ranking: the weights and must-haves of the loaded page, plus "
            + ", ".join(f"`domaine={d}`" for d in RANKING_DOMAINS)
            + " (choosing a domain costs one query, to validate it). Results: matching "
            "solutions, of which the page shows 20. All columns but the last two: cold.",
            "",
            *_sizes_table(results),
            "",
            "### Where the search page's SQL time goes (middle size, cold, ms (queries))",
            "",
            '"version": `selectors.catalogue_version()`, the results cache\'s key, the one '
            'query a cached request makes. "text match": the search\'s one query through '
            "`core.search` (primary keys and relevance); facets, counts and sorting are then "
            "computed in memory from the facet index.",
            "",
            *_kinds_table(results),
            "",
            "The facet index (`catalogue/facet_index.py`), built by each process once per "
            "catalogue version (median of 3 builds): "
            + "; ".join(
                f"{NAMES[database]} {r['pages']['facet_index']['build_ms']:,.0f} ms for "
                f"{r['pages']['facet_index']['solutions']:,} solutions, "
                f"{r['pages']['facet_index']['array_kb']:,} KB of arrays"
                for database, r in results.items()
            )
            + ".",
            "",
            "### The catalogue without a search, in process",
            "",
            *_browse_table(results),
            "",
            "### The needs ranking of every published solution, in process",
            "",
            "The page orders every published solution in memory "
            "(`review_selectors.ranking_page()`, from the facet index: the last two columns, "
            "the index already built). The SQL way, still in the code as the reference of "
            "that order: `review_selectors.ranked_solutions()` orders every published solution "
            "in SQL from its stored criterion means (must-haves met, weighted score, name); "
            "the paginator counts them and fetches 20, which `explain_page()` explains with "
            "`scoring.score_solution` (median of 3 each). The reference: "
            "`ranking_facts()` loads every published solution and its criterion means, "
            "aggregated from the review scores, into Python and `scoring.rank` scores and "
            'sorts them all. "same first page": the same 20 solutions in the same order '
            "with the same scores (rounded to 9 decimals).",
            "",
            *_ranking_table(results),
            END,
        ]
    )


def write_report(block: str) -> None:
    text = REPORT.read_text()
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        REPORT.write_text(before + block + after)
    else:
        REPORT.write_text(text.rstrip("\n") + "\n\n" + block + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    parser.add_argument("--reuse", action="store_true", help="reuse kept databases")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the volumes")
    parser.add_argument("--no-report", action="store_true", help="leave PERFORMANCE.md alone")
    parser.add_argument(
        "--step", choices=["generate", "describe", "measure"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.step:
        step(args.step, args.scale)
        return
    env = production_environment()
    with socket.socket() as sock:
        if sock.connect_ex((HOST, PORT)) == 0:
            sys.exit(f"{HOST}:{PORT} is already in use: stop what listens there first.")
    OUT.mkdir(parents=True, exist_ok=True)
    load_before = load_average()
    when = datetime.now(ZoneInfo("Europe/Paris"))
    started = time.perf_counter()
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if "postgresql" in databases and not postgres_reachable():
        databases.remove("postgresql")
    results = {database: run_database(database, args, env) for database in databases}
    minutes = (time.perf_counter() - started) / 60
    (OUT / "catalogue-results.json").write_text(json.dumps(results, indent=1))
    command = (
        os.environ.get("BENCH_COMMAND")
        or ("SECRET_KEY=… .venv/bin/python bench/catalogue.py " + " ".join(sys.argv[1:])).strip()
    )
    if (USERS, DURATION) != (20, "30s"):
        command += f" (BENCH_USERS={USERS} BENCH_DURATION={DURATION})"
    block = report(results, command, when, load_before, minutes)
    print()
    print(block)
    if not args.no_report:
        write_report(block)
        print(f"\nWritten to {REPORT.relative_to(ROOT)}; raw figures in {OUT.relative_to(ROOT)}/.")


if __name__ == "__main__":
    main()
