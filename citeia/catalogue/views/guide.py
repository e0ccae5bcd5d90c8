"""The choice guide, needs profiles and the ranking of solutions for a profile."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from citeia.core.pagination import paginate

from .. import review_selectors as selectors
from .. import review_services as services
from ..models import GridAxis
from ..review_forms import NeedsProfileForm, RankingForm
from ..scoring import MAX_SCORE, MUST_HAVES
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


def _rows(page, explained, criteria_names):
    rows = []
    for position, (solution, ranked) in enumerate(explained, start=page.start_index()):
        rows.append(
            {
                "position": position,
                "solution": solution,
                "ranked": ranked,
                "contributions": [
                    {
                        "name": criteria_names.get(c.key, c.key),
                        "weight": c.weight,
                        "mean": c.mean,
                        "points": c.points,
                    }
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
    rows, page = [], None
    if status == 200:
        code = territory.code if territory else None
        page = paginate(
            request,
            selectors.ranking_page(
                weights=weights, must_haves=must_haves, territory=code, domain=domain
            ),
            per_page=PER_PAGE,
        )
        explained = selectors.explain_page(
            list(page), weights=weights, must_haves=must_haves, territory=code
        )
        rows = _rows(page, explained, names)
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
            "page": page,
            "rows": rows,
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
