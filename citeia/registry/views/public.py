"""Public pages of the register: home with search and filters, organisation pages, a
record as published now or on a date, its history and diffs, coverage, exports."""

import hashlib

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from citeia.core.exports import export_response, requested_format
from citeia.core.pagination import paginate
from citeia.core.permissions import Action, can
from citeia.core.results_cache import cached_html, cached_value
from citeia.territory.maps import Shape, build_map
from citeia.territory.models import Commune

from .. import schema, selectors, upkeep
from ..eu_database import deployer_entry, is_high_risk
from ..exports import version_columns
from ..mention import explicit_mention
from ..models import DecisionType, PersonalData, Technique, Theme

PER_PAGE = 20
NO_RECORD_FILL = "#f2f2f4"
# Colour-blind-safe sequential blues (light to dark); counts are also in the table.
COUNT_FILLS = ["#f2f2f4", "#c6dbef", "#6baed6", "#2171b5"]


def home_crumbs(*last):
    return [(_("Registre des algorithmes"), reverse("registry:home") if last else None), *last]


def _facets(filters):
    return [
        ("theme", _("Thème"), Theme.choices, filters.themes),
        ("decision", _("Type de décision"), DecisionType.choices, filters.decision_types),
        ("donnees", _("Données personnelles"), PersonalData.choices, filters.personal_data),
        ("technique", _("Type d'algorithme"), Technique.choices, filters.techniques),
    ]


RESULTS_CACHE = "registry_results"


def _filter_options(version: str) -> dict:
    """The filters' lists (risk classes, organisations with their record counts,
    territories), the same for every search: computed once per register version."""
    return cached_value(
        RESULTS_CACHE,
        "registry-filter-options:" + hashlib.sha256(version.encode()).hexdigest(),
        lambda: {
            "risk_classes": selectors.risk_class_options(),
            "organisations": list(selectors.organisations_with_records()),
            "territories": list(selectors.territories()),
        },
    )


def _results_html(request, filters) -> str:
    """The results and filters fragment, kept per process (core.results_cache) under the
    register's version, the language, the query and the day (records due for review)."""
    register_version = selectors.register_version()
    today = timezone.localdate()

    def render() -> str:
        page = paginate(request, selectors.register_search(filters), per_page=PER_PAGE)
        for version in page:
            version.overdue = selectors.review_overdue(version, today)
        context = {
            "page": page,
            "filters": filters,
            "facets": _facets(filters),
            **_filter_options(register_version),
            "sorts": [
                ("", _("Automatique : pertinence si vous cherchez un mot, sinon par nom")),
                ("nom", _("Nom (A à Z)")),
                ("-date", _("Publiées récemment")),
                ("organisation", _("Organisation")),
            ],
        }
        return render_to_string("registry/includes/results.html", context, request=request)

    return cached_html(
        RESULTS_CACHE, "registry-results", request, register_version, render, extra=[str(today)]
    )


def register_home(request):
    filters = selectors.RegisterFilters.from_query(request.GET)
    fmt = requested_format(request)
    if fmt:
        return export_response(
            request,
            rows=selectors.register_search(filters),
            columns=version_columns(request, fmt),
            filename="citeia-registre-algorithmes",
        )
    results = _results_html(request, filters)
    if request.htmx and not request.htmx.history_restore_request:
        response = HttpResponse(results)
    else:
        response = render(
            request,
            "registry/home.html",
            {"results": results, "filters": filters, "crumbs": home_crumbs()},
        )
    patch_vary_headers(response, ["HX-Request"])
    return response


def organisation_page(request, slug: str):
    organisation = selectors.register_organisation(slug)
    versions = list(selectors.organisation_versions(organisation))
    today = timezone.localdate()
    for version in versions:
        version.overdue = selectors.review_overdue(version, today)
    return render(
        request,
        "registry/organisation.html",
        {
            "organisation": organisation,
            "versions": versions,
            "stats": selectors.request_stats(organisation),
            "crumbs": home_crumbs((organisation.name, None)),
        },
    )


def _record_context(request, record, version):
    snap = version.snapshot
    return {
        "record": record,
        "version": version,
        "snap": snap,
        "fields": snap["fields"],
        "sections": schema.shown_sections(snap),
        "is_current": version.pk == record.current_version_id,
        "overdue": selectors.review_overdue(version),
        "is_decision": snap["fields"].get("decision_type") == DecisionType.INDIVIDUAL,
        "may_edit": can(request.user, Action.CHANGE, record),
        "high_risk": is_high_risk(version),
    }


def record_detail(request, public_id: str):
    record = selectors.get_public_record(public_id)
    version = record.current_version
    context = _record_context(request, record, version)
    broken = upkeep.published_broken_links(record)
    for _key, _label, fields in context["sections"]:
        for field in fields:
            field.broken = broken.get(field.name)
    context.update(
        reports=selectors.public_reports(record),
        version_count=record.versions.count(),
        crumbs=home_crumbs(
            (
                record.organisation.name,
                reverse("registry:organisation", args=[record.organisation.slug]),
            ),
            (version.name, None),
        ),
    )
    return render(request, "registry/record_detail.html", context)


def record_history(request, public_id: str):
    record = selectors.get_public_record(public_id)
    day = request.GET.get("date")
    if day:
        parsed = parse_date(day) if len(day) <= 10 else None
        if parsed is None:
            return render(
                request,
                "registry/history.html",
                _history_context(record, error=_("Date invalide : utilisez le format JJ/MM/AAAA.")),
                status=400,
            )
        return redirect("registry:record_on", public_id=record.public_id, day=parsed.isoformat())
    return render(request, "registry/history.html", _history_context(record))


def _history_context(record, error: str = ""):
    versions = selectors.versions_of(record)
    return {
        "record": record,
        "versions": versions,
        "error": error,
        "crumbs": home_crumbs(
            (record.current_version.name, record.get_absolute_url()), (_("Historique"), None)
        ),
    }


def record_on(request, public_id: str, day: str):
    """The record as the public saw it at the end of `day`, and what changed since."""
    record = selectors.get_public_record(public_id)
    parsed = parse_date(day)
    if parsed is None:
        raise Http404(_("Date invalide."))
    version = selectors.version_on(record, parsed)
    context = {
        "record": record,
        "day": parsed,
        "crumbs": home_crumbs(
            (record.current_version.name, record.get_absolute_url()),
            (_("Historique"), reverse("registry:record_history", args=[record.public_id])),
            (parsed.strftime("%d/%m/%Y"), None),
        ),
    }
    if version is None:
        return render(request, "registry/record_on.html", context)
    context.update(_record_context(request, record, version))
    current = record.current_version
    if version.pk != current.pk:
        context["changes"] = schema.diff(version.snapshot, current.snapshot)
        context["current"] = current
    return render(request, "registry/record_on.html", context)


def version_detail(request, public_id: str, number: int):
    record = selectors.get_public_record(public_id)
    version = selectors.get_version(record, number)
    context = _record_context(request, record, version)
    context["crumbs"] = home_crumbs(
        (record.current_version.name, record.get_absolute_url()),
        (_("Historique"), reverse("registry:record_history", args=[record.public_id])),
        (_("Version %(n)s") % {"n": number}, None),
    )
    context["day"] = None
    return render(request, "registry/record_on.html", context)


def record_diff(request, public_id: str):
    record = selectors.get_public_record(public_id)
    try:
        old_n = int(request.GET.get("de", "0"))
        new_n = int(request.GET.get("a", "0"))
    except ValueError:
        old_n = new_n = 0
    if not old_n or not new_n:
        current = record.current_version.number
        new_n = new_n or current
        old_n = old_n or max(new_n - 1, 1)
    old, new = selectors.get_version(record, old_n), selectors.get_version(record, new_n)
    return render(
        request,
        "registry/diff.html",
        {
            "record": record,
            "old": old,
            "new": new,
            "versions": selectors.versions_of(record),
            "changes": schema.diff(old.snapshot, new.snapshot),
            "crumbs": home_crumbs(
                (record.current_version.name, record.get_absolute_url()),
                (_("Historique"), reverse("registry:record_history", args=[record.public_id])),
                (_("Comparer"), None),
            ),
        },
    )


def record_export(request, public_id: str, fmt: str):
    """One record (current version) or, with ?historique=1, every version; CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise Http404(_("Format inconnu : utilisez .csv ou .json."))
    record = selectors.get_public_record(public_id)
    rows = (
        record.versions.order_by("number")
        if request.GET.get("historique")
        else [record.current_version]
    )
    request.GET = request.GET.copy()
    request.GET["format"] = fmt
    return export_response(
        request,
        rows=rows,
        columns=version_columns(request, fmt),
        filename=f"citeia-registre-{record.public_id}",
    )


def record_mention(request, public_id: str):
    record = selectors.get_public_record(public_id)
    version = record.current_version
    fields = version.snapshot["fields"]
    if fields.get("decision_type") != DecisionType.INDIVIDUAL:
        raise Http404(
            _("Cet algorithme ne sert pas à des décisions individuelles : pas de mention à porter.")
        )
    mention = explicit_mention(
        organisation=record.organisation.name,
        name=fields["name"],
        purpose=fields.get("goal") or fields["summary"],
        record_url=request.build_absolute_uri(record.get_absolute_url()),
        request_url=request.build_absolute_uri(
            reverse("registry:request_create", args=[record.public_id])
        ),
        contact=fields.get("explanation_contact") or "",
    )
    return render(
        request,
        "registry/mention.html",
        {
            "record": record,
            "version": version,
            "mention": mention,
            "crumbs": home_crumbs(
                (version.name, record.get_absolute_url()), (_("Mention explicite"), None)
            ),
        },
    )


def coverage(request):
    rows = selectors.coverage()
    obliged = [row for row in rows if row.obliged]
    counts = {row.commune.pk: row.records for row in rows}
    svg_map = build_map(Commune.objects.select_related("territory"), label_territories=False)
    svg_map.shapes = [
        Shape(
            commune=shape.commune,
            fill=COUNT_FILLS[min(counts.get(shape.commune.pk, 0), 3)],
            current=counts.get(shape.commune.pk, 0) > 0,
        )
        for shape in svg_map.shapes
    ]
    return render(
        request,
        "registry/coverage.html",
        {
            "rows": rows,
            "threshold": selectors.OBLIGATION_POPULATION,
            "obliged_count": len(obliged),
            "obliged_published": sum(1 for row in obliged if row.records),
            "publishing": sum(1 for row in rows if row.records),
            "map": svg_map,
            "legend": [
                (COUNT_FILLS[0], _("aucune fiche")),
                (COUNT_FILLS[1], _("1 fiche")),
                (COUNT_FILLS[2], _("2 fiches")),
                (COUNT_FILLS[3], _("3 fiches ou plus")),
            ],
            "crumbs": home_crumbs((_("Couverture"), None)),
        },
    )


def register_dcat(request):
    absolute = request.build_absolute_uri
    home = absolute(reverse("registry:home"))
    licence = {"@id": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}
    last = selectors.current_versions().order_by("-published_at").first()
    modified = last.published_at if last else timezone.now()

    def distribution(fmt: str, media: str) -> dict:
        url = f"{home}?format={fmt}"
        return {
            "@id": url,
            "@type": "dcat:Distribution",
            "dct:title": f"Registre des algorithmes ({fmt.upper()})",
            "dct:format": fmt.upper(),
            "dcat:mediaType": media,
            "dcat:accessURL": {"@id": home},
            "dcat:downloadURL": {"@id": url},
            "dct:license": licence,
        }

    body = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": absolute(reverse("registry:dcat")),
        "@type": "dcat:Catalog",
        "dct:title": "Cité IA — registre public des algorithmes",
        "dct:language": "fr",
        "dcat:dataset": [
            {
                "@id": home,
                "@type": "dcat:Dataset",
                "dct:title": "Registre public des algorithmes et systèmes d'IA",
                "dct:description": (
                    "Les algorithmes et systèmes d'IA utilisés par la Métropole, ses "
                    "territoires et ses communes (CRPA L312-1-3) : finalité, base légale, "
                    "données, fonctionnement, contrôle humain, recours. Identifiants stables, "
                    "SIREN et code INSEE des organisations, version du schéma."
                ),
                "dct:license": licence,
                "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:dateTime"},
                "dcat:keyword": ["algorithmes publics", "transparence", "CRPA", "IA"],
                "dcat:landingPage": {"@id": home},
                "dcat:distribution": [
                    distribution("csv", "text/csv"),
                    distribution("json", "application/json"),
                ],
            }
        ],
    }
    return JsonResponse(
        body, content_type="application/ld+json", json_dumps_params={"ensure_ascii": False}
    )


def record_eu_entry(request, public_id: str):
    """The deployer's entry for the EU database, for a record whose AI Act class is high risk."""
    record = selectors.get_public_record(public_id)
    version = record.current_version
    if not is_high_risk(version):
        raise Http404(
            _(
                "Cette fiche ne relève pas d'un système à haut risque : pas d'enregistrement dans la base de l'UE."
            )
        )
    entry = deployer_entry(
        version, record_url=request.build_absolute_uri(record.get_absolute_url())
    )
    response = JsonResponse(entry, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{record.public_id}-base-ue.json"'
    return response
