"""The public catalogue: search with facets, solution pages, exports and DCAT-AP."""

import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from citeia.core.exports import Column, export_response, requested_format
from citeia.core.pagination import paginate
from citeia.core.permissions import Action, can
from citeia.core.results_cache import cached_html
from citeia.territory.maps import Shape, build_map
from citeia.territory.models import Commune

from .. import selectors
from ..licences import is_osi_approved
from ..markdown import render_markdown
from ..models import CERTIFICATIONS, GridAxis
from ..review_selectors import can_see_reviews
from .public_dcat import catalogue_dcat

__all__ = ["catalogue_dcat", "solution_detail", "solution_export", "solution_list"]

PER_PAGE = 20
# Communes that use the solution on its map; the others are a light grey.
OTHER_COMMUNE_FILL = "#e8e8ec"


def _pipe(values) -> str:
    return "|".join(values)


def export_columns(fmt: str, request) -> list[Column]:
    """Stable ids (slugs, SIREN) first; lists are JSON arrays, or `|`-joined in CSV."""

    def as_list(getter):
        return (lambda s: getter(s)) if fmt == "json" else (lambda s: _pipe(getter(s)))

    return [
        Column("slug", pgettext_lazy("colonne d'export", "identifiant")),
        Column("name", pgettext_lazy("colonne d'export", "nom")),
        Column(
            "vendor_slug",
            pgettext_lazy("colonne d'export", "fournisseur_identifiant"),
            "vendor.slug",
        ),
        Column("vendor_name", pgettext_lazy("colonne d'export", "fournisseur"), "vendor.name"),
        Column(
            "vendor_siren",
            pgettext_lazy("colonne d'export", "fournisseur_siren"),
            lambda s: s.vendor.siren or None,
        ),
        Column("summary", pgettext_lazy("colonne d'export", "resume")),
        Column(
            "domains",
            pgettext_lazy("colonne d'export", "domaines"),
            as_list(lambda s: [d.slug for d in s.domains.all()]),
        ),
        Column(
            "techniques",
            pgettext_lazy("colonne d'export", "techniques"),
            as_list(lambda s: [t.slug for t in s.techniques.all()]),
        ),
        Column("maturity", pgettext_lazy("colonne d'export", "maturite")),
        Column("licence", pgettext_lazy("colonne d'export", "licence")),
        Column(
            "free_software", pgettext_lazy("colonne d'export", "logiciel_libre"), "is_free_software"
        ),
        Column("deployment", pgettext_lazy("colonne d'export", "deploiement")),
        Column("hosting", pgettext_lazy("colonne d'export", "hebergement")),
        Column("personal_data", pgettext_lazy("colonne d'export", "donnees_personnelles")),
        Column(
            "references_count",
            pgettext_lazy("colonne d'export", "nombre_references"),
            "reference_count",
        ),
        Column(
            "reviews_count", pgettext_lazy("colonne d'export", "nombre_evaluations"), "review_count"
        ),
        Column(
            "mean_score",
            pgettext_lazy("colonne d'export", "note_moyenne"),
            lambda s: None if s.mean_score is None else round(s.mean_score, 2),
        ),
        Column("ai_act_class", pgettext_lazy("colonne d'export", "classe_ai_act"), "aiact_outcome"),
        Column(
            "frugality_grade",
            pgettext_lazy("colonne d'export", "note_sobriete"),
            "frugality_grade",
        ),
        Column(
            "updated",
            pgettext_lazy("colonne d'export", "mise_a_jour"),
            lambda s: s.updated_at.date(),
        ),
        Column(
            "url",
            pgettext_lazy("colonne d'export", "adresse"),
            lambda s: request.build_absolute_uri(s.get_absolute_url()),
        ),
    ]


def _export(request, filters):
    fmt = requested_format(request) or "csv"
    return export_response(
        request,
        rows=selectors.catalogue_search(filters, user=request.user),
        columns=export_columns(fmt, request),
        filename="citeia-catalogue-solutions",
    )


RESULTS_CACHE = "catalogue_results"
CARDS_CACHE = "catalogue_cards"
CARD_TEMPLATE = "catalogue/includes/public_card.html"


@dataclass(frozen=True)
class Card:
    pk: int
    name: str
    html: SafeString


def _cards(version: str, primary_keys: list[int]) -> list[Card]:
    """The result cards of these published solutions, in their order. Each card is
    rendered once per process, language and catalogue version (a card shows nothing of
    the search or of the visitor) and kept in the `catalogue_cards` cache: a search
    nobody made before fetches and renders only the solutions not shown since the last
    change. Kept cards are shown only while their solutions are still published (one
    query)."""
    cache = caches[CARDS_CACHE]
    digest = hashlib.blake2b(version.encode(), digest_size=8).hexdigest()
    prefix = f"card:{get_language()}:{digest}:"
    found = cache.get_many([f"{prefix}{pk}" for pk in primary_keys])
    cards = {int(key.removeprefix(prefix)): value for key, value in found.items()}
    if cards and not selectors.all_published(cards):
        cards = {}  # a change the version missed: fetch them again, published only
    missing = [pk for pk in primary_keys if pk not in cards]
    if missing:
        rendered = {
            solution.pk: (solution.name, render_to_string(CARD_TEMPLATE, {"solution": solution}))
            for solution in selectors.card_solutions(missing)
        }
        cache.set_many({f"{prefix}{pk}": value for pk, value in rendered.items()})
        cards.update(rendered)
    # Our own template, escaped when rendered.
    return [
        Card(pk, cards[pk][0], mark_safe(cards[pk][1]))  # noqa: S308
        for pk in primary_keys
        if pk in cards
    ]


def _results_html(request, filters) -> str:
    """Results and facets, kept per process (core.results_cache) under the catalogue's
    version, the language, the query and, for a signed-in agent, their territories (the
    "my territory" facet)."""
    version = selectors.catalogue_version()

    def render() -> str:
        # Filters, facet counts and sorting in memory (facet_index), kept per process
        # until the catalogue's version changes.
        results, facets = selectors.catalogue_page(
            filters,
            user=request.user,
            version=version,
            fetch=lambda primary_keys: _cards(version, primary_keys),
        )
        context = {
            "page": paginate(request, results, per_page=PER_PAGE),
            "filters": filters,
            "facets": facets,
            "sorts": [
                (
                    "",
                    _("Automatique : pertinence si vous cherchez un mot, sinon les plus récentes"),
                ),
                ("pertinence", _("Pertinence")),
                ("recentes", _("Mises à jour récemment")),
                ("utilisees", _("Les plus utilisées")),
                ("note", _("Meilleure note")),
            ],
        }
        return render_to_string("catalogue/includes/public_results.html", context, request=request)

    territories = ",".join(map(str, selectors.user_territory_ids(request.user)))
    return cached_html(
        RESULTS_CACHE, "catalogue-results", request, version, render, extra=[territories]
    )


def solution_list(request):
    filters = selectors.CatalogueFilters.from_query(request.GET)
    if requested_format(request):
        return _export(request, filters)
    results = _results_html(request, filters)
    # A history restore asks for the whole page, not the fragment.
    if request.htmx and not request.htmx.history_restore_request:
        response = HttpResponse(results)
    else:
        response = render(
            request,
            "catalogue/public_list.html",
            {
                "results": results,
                "filters": filters,
                "crumbs": [(_("Catalogue des solutions"), None)],
            },
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


def solution_export(request, fmt: str):
    """/catalogue/solutions.csv and .json: the published catalogue, filters as on the list."""
    if fmt not in ("csv", "json"):
        raise Http404(_("Format inconnu : utilisez .csv ou .json."))
    request.GET = request.GET.copy()
    request.GET["format"] = fmt
    return _export(request, selectors.CatalogueFilters.from_query(request.GET))


def _solution_map(references):
    """All the communes of the territory; those whose organisation uses the solution stand out."""
    using = {
        reference.organisation.commune_id
        for reference in references
        if reference.organisation.commune_id and reference.status != "abandoned"
    }
    if not using:
        return None
    svg_map = build_map(Commune.objects.select_related("territory"), label_territories=False)
    svg_map.shapes = [
        Shape(
            commune=shape.commune,
            fill=shape.fill if shape.commune.pk in using else OTHER_COMMUNE_FILL,
            current=shape.commune.pk in using,
        )
        for shape in svg_map.shapes
    ]
    return svg_map


def _actions_for(user, solution) -> list[tuple[str, str]]:
    """The links this person may follow from the solution page, by what they may do."""
    actions = []
    if can(user, Action.CHANGE, solution):
        actions.append(
            (_("Modifier la fiche"), reverse("catalogue:solution_edit", args=[solution.slug]))
        )
    if can(user, Action.EVALUATE, solution):
        actions.append(
            (_("Évaluer cette solution"), reverse("catalogue:review_edit", args=[solution.slug]))
        )
    if can(user, Action.CHANGE, solution) or can(user, Action.EVALUATE, solution):
        actions.append(
            (
                _("Dossier d'évaluation : AI Act, sobriété, confiance"),
                reverse("assessment:solution_file", args=[solution.pk]),
            )
        )
    if can_see_reviews(user, solution):
        actions.append(
            (
                _("Lire les évaluations détaillées"),
                reverse("catalogue:review_list", args=[solution.slug]),
            )
        )
    if getattr(user, "is_authenticated", False) and user.is_programme_team:
        if solution.in_review:
            actions.append(
                (
                    _("Décider de la publication"),
                    reverse("catalogue:solution_decide", args=[solution.slug]),
                )
            )
        actions.append(
            (
                _("Historique des modifications"),
                reverse("catalogue:solution_history", args=[solution.slug]),
            )
        )
    return actions


def _assessment(user, solution):
    """The solution's assessment summary, and the address of its file if this person may
    read it (public once the AI Act assessment of a published solution is completed)."""
    from citeia.assessment import selectors as assessment_selectors

    file = assessment_selectors.file_for_solution(solution)
    if file is None:
        return None, ""
    summary = assessment_selectors.file_summary(file)
    readable = can(user, Action.VIEW, file) or assessment_selectors.can_read_details(user, file)
    return summary, summary.url if readable else ""


def solution_detail(request, slug: str):
    solution = selectors.get_solution_for_user(request.user, slug)
    assessment, assessment_file_url = _assessment(request.user, solution)
    references = selectors.solution_references(solution)
    evaluation = selectors.solution_evaluation(solution)
    certifications = dict(CERTIFICATIONS)
    context = {
        "solution": solution,
        "description": render_markdown(solution.description),
        "osi_approved": is_osi_approved(solution.licence),
        "certifications": [certifications.get(key, key) for key in (solution.certifications or [])],
        "domains": list(solution.domains.all()),
        "techniques": list(solution.techniques.all()),
        "extra_values": list(solution.extra_values.select_related("attribute")),
        "related": selectors.published_related(solution),
        "references": references,
        "active_reference_count": sum(1 for r in references if r.status != "abandoned"),
        "show_referents": selectors.may_see_referents(request.user),
        "actions": _actions_for(request.user, solution),
        "map": _solution_map(references),
        "evaluation": evaluation,
        "assessment": assessment,
        "assessment_file_url": assessment_file_url,
        "axes": [
            (GridAxis.ACTION1, GridAxis.ACTION1.label, evaluation["axes"][GridAxis.ACTION1]),
            (GridAxis.PRINCIPLE, GridAxis.PRINCIPLE.label, evaluation["axes"][GridAxis.PRINCIPLE]),
        ],
        "crumbs": [
            (_("Catalogue des solutions"), reverse("catalogue:solution_list")),
            (solution.name, None),
        ],
    }
    return render(request, "catalogue/public_detail.html", context)
