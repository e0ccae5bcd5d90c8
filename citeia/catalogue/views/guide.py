"""The choice guide, needs profiles and the ranking of solutions for a profile."""

from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from citeia.core.pagination import paginate
from citeia.core.results_cache import cache_key

from .. import review_selectors as selectors
from .. import review_services as services
from ..models import GridAxis
from ..review_forms import NeedsProfileForm, RankingForm
from ..scoring import MAX_SCORE, MUST_HAVES
from ..selectors import all_published
from .reviews import INVALID, safe_url

PER_PAGE = 20
RANKING_PARAMETERS = {"exigence", "domaine", "besoin"}


def guide(request):
    grid = selectors.current_grid()
    criteria = selectors.grid_criteria(grid)
    weight_criteria = [c for c in criteria if c.axis == GridAxis.ACTION1]
    return render(
        request,
        "catalogue/guide_page.html",
        {
            "grid": grid,
            "criteria": weight_criteria,
            "principles": [c for c in criteria if c.axis == GridAxis.PRINCIPLE],
            "form": RankingForm(criteria=weight_criteria),
            "max_score": MAX_SCORE,
            "crumbs": [
                (_("Catalogue"), safe_url("catalogue:solution_list")),
                (_("Choisir une solution d'IA"), None),
            ],
        },
    )


def _share_query(weights: dict[str, int], must_haves, domain=None, need: str = "") -> str:
    params = [(f"poids_{key}", weight) for key, weight in weights.items()]
    params += [("exigence", key) for key in must_haves]
    if domain is not None:
        params.append(("domaine", domain.slug))
    if need:
        params.append(("besoin", need))
    return urlencode(params)


def decimal_text(value: float, places: int, separator: str) -> str:
    """`value` as the template filter `floatformat:places` writes it up to 100 (half up,
    the language's decimal separator, no grouping), at a tenth of its cost."""
    exponent = Decimal(1).scaleb(-places)
    rounded = Decimal(repr(value)).quantize(exponent, rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0,0"
    return str(rounded).replace(".", separator)


def _contribution(name: str, contribution, separator: str) -> str:
    """One criterion's share of a solution's score, in words. Written here rather than in
    the template: 120 sentences per page took a third of the ranking's rendering."""
    values = {"name": name, "weight": contribution.weight}
    if contribution.mean is None:
        return _("%(name)s (poids %(weight)s) : pas encore évalué, 0 point.") % values
    values["mean"] = decimal_text(contribution.mean, 2, separator)
    values["points"] = decimal_text(contribution.points, 1, separator)
    return _("%(name)s (poids %(weight)s) : moyenne %(mean)s sur 4, soit %(points)s points.") % (
        values
    )


def _rows(page, explained, criteria_names):
    separator = get_format("DECIMAL_SEPARATOR")
    rows = []
    for position, (solution, ranked) in enumerate(explained, start=page.start_index()):
        rows.append(
            {
                "position": position,
                "solution": solution,
                "ranked": ranked,
                "contributions": [
                    _contribution(criteria_names.get(c.key, c.key), c, separator)
                    for c in ranked.contributions
                    if c.weight > 0
                ],
                "unreviewed": [criteria_names.get(k, k) for k in ranked.unreviewed],
                "must_haves": [
                    (selectors.MUST_HAVE_LABELS[key], met) for key, met in ranked.must_haves
                ],
            }
        )
    return rows


RESULTS_CACHE = "catalogue_results"  # as the catalogue's list: views.public


def _ranking_results(request, *, weights, must_haves, territory, domain, names) -> SafeString:
    """The ranked solutions of the requested page with their explanations, kept per
    process (core.results_cache) under the catalogue's version, the language, the query
    (page links are built from it) and what the ranking is computed from, which a saved
    profile can change under the same query. A kept page is shown only while all its
    solutions are still published (one query): a change the version missed never shows a
    draft."""
    version = selectors.catalogue_version()

    def render_page() -> tuple[str, list[int]]:
        page = paginate(
            request,
            selectors.ranking_page(
                weights=weights,
                must_haves=must_haves,
                territory=territory,
                domain=domain,
                version=version,
            ),
            per_page=PER_PAGE,
        )
        explained = selectors.explain_page(
            list(page), weights=weights, must_haves=must_haves, territory=territory
        )
        html = render_to_string(
            "catalogue/includes/ranking_results.html",
            {"page": page, "rows": _rows(page, explained, names)},
            request=request,
        )
        return html, [solution.pk for solution, _ranked in explained]

    computed_from = [
        ",".join(f"{key}={weight}" for key, weight in sorted(weights.items())),
        ",".join(sorted(must_haves)),
        territory or "",
        domain.slug if domain is not None else "",
    ]
    key = cache_key("catalogue-ranking", request, version, *computed_from)
    cache = caches[RESULTS_CACHE]
    kept = cache.get(key)
    if kept is not None and (not kept[1] or all_published(kept[1])):
        html = kept[0]
    else:
        html, shown = render_page()
        cache.set(key, (html, shown))
    # Our own template, escaped when rendered.
    return mark_safe(html)  # noqa: S308


def ranking(request):
    criteria = selectors.weight_criteria()
    names = {c.key: _(c.name) for c in criteria}  # in French in the database: data_labels
    profile = None
    domain = None
    need = ""
    status = 200
    weights = {c.key: selectors.DEFAULT_WEIGHT for c in criteria}
    must_haves: list[str] = []
    if request.GET.get("profil"):
        profile = selectors.get_profile_for_user(request.user, request.GET["profil"])
        weights = {c.key: int(profile.weights.get(c.key, 0)) for c in criteria}
        must_haves = [key for key in profile.must_haves if key in MUST_HAVES]
        form = RankingForm(criteria=criteria, initial=NeedsProfileForm.initial_from(profile))
    elif any(key.startswith("poids_") or key in RANKING_PARAMETERS for key in request.GET):
        form = RankingForm(request.GET, criteria=criteria)
        if form.is_valid():
            weights = form.weights()
            must_haves = form.cleaned_data["exigence"]
            domain = form.cleaned_data["domaine"]
            need = form.cleaned_data["besoin"].strip()
        else:
            status = 400
    else:
        form = RankingForm(criteria=criteria)
    territory = selectors.user_territory(request.user)
    results = None
    if status == 200:
        results = _ranking_results(
            request,
            weights=weights,
            must_haves=must_haves,
            territory=territory.code if territory else None,
            domain=domain,
            names=names,
        )
    return render(
        request,
        "catalogue/needs_ranking.html",
        {
            "form": form,
            "profile": profile,
            "profiles": list(selectors.profiles_of(request.user)[:20]),
            "weights": [(names[key], weight) for key, weight in weights.items()],
            "total_weight": sum(weights.values()),
            "must_haves": [selectors.MUST_HAVE_LABELS[key] for key in must_haves],
            "domain": domain,
            "need": need,
            "territory": territory,
            "wants_territory": "used_in_my_territory" in must_haves,
            "results": results,
            "share_query": _share_query(weights, must_haves, domain, need),
            "max_score": MAX_SCORE,
            "crumbs": [
                (_("Catalogue"), safe_url("catalogue:solution_list")),
                (_("Classement selon vos besoins"), None),
            ],
        },
        status=status,
    )


@login_required
def needs_list(request):
    return render(
        request,
        "catalogue/needs_list.html",
        {
            "profiles": selectors.profiles_of(request.user),
            "crumbs": [
                (_("Catalogue"), safe_url("catalogue:solution_list")),
                (_("Mes profils de besoins"), None),
            ],
        },
    )


@login_required
def needs_edit(request, pk: int | None = None):
    profile = selectors.get_profile_for_user(request.user, pk) if pk is not None else None
    criteria = selectors.weight_criteria()
    status = 200
    if request.method == "POST":
        form = NeedsProfileForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                profile = services.needs_profile_save(
                    actor=request.user,
                    profile=profile,
                    name=form.cleaned_data["name"],
                    weights=form.weights(),
                    must_haves=form.cleaned_data["exigence"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request, _("Le profil « %(name)s » est enregistré.") % {"name": profile.name}
                )
                return redirect(reverse("catalogue:ranking") + f"?profil={profile.pk}")
        status = INVALID
    else:
        initial = NeedsProfileForm.initial_from(profile) if profile else {}
        form = NeedsProfileForm(criteria=criteria, initial=initial)
    title = profile.name if profile else _("Nouveau profil de besoins")
    return render(
        request,
        "catalogue/needs_form.html",
        {
            "form": form,
            "profile": profile,
            "title": title,
            "crumbs": [
                (_("Catalogue"), safe_url("catalogue:solution_list")),
                (_("Mes profils de besoins"), reverse("catalogue:needs_list")),
                (title, None),
            ],
        },
        status=status,
    )


@login_required
def needs_delete(request, pk: int):
    profile = selectors.get_profile_for_user(request.user, pk)
    if request.method == "POST":
        services.needs_profile_delete(actor=request.user, profile=profile)
        messages.success(
            request, _("Le profil « %(name)s » est supprimé.") % {"name": profile.name}
        )
        return redirect("catalogue:needs_list")
    return render(
        request,
        "catalogue/needs_delete.html",
        {
            "profile": profile,
            "crumbs": [
                (_("Catalogue"), safe_url("catalogue:solution_list")),
                (_("Mes profils de besoins"), reverse("catalogue:needs_list")),
                (_("Supprimer « %(name)s »") % {"name": profile.name}, None),
            ],
        },
    )
