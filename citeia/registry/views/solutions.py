"""Finding a catalogue solution for the record form: at most a few matches of a search,
never the whole catalogue (it may hold tens of thousands of solutions).

One view: the full page works without JavaScript (it shows each solution's identifier,
to type in the form); htmx asks for the results fragment while the editor types, then for
the form's solution field filled with the chosen one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from .. import selectors
from ..forms import RecordForm
from .requests import manage_crumbs

QUERY_MAX_LENGTH = 200


@login_required
def solution_search(request):
    query = request.GET.get("q", "")[:QUERY_MAX_LENGTH].strip()
    if request.htmx and "choisir" in request.GET:
        # The form's solution field, validated as a posted form would be.
        form = RecordForm(
            data={"solution": request.GET["choisir"][:QUERY_MAX_LENGTH]},
            solutions=selectors.choosable_solutions(),
        )
        form.is_valid()
        response = render(
            request,
            "registry/includes/solution_choice.html",
            {
                "field": form["solution"],
                "chosen": form.chosen_solution(),
                "prefill": request.GET.get("prefill") == "1",
                "focus": True,
            },
        )
    else:
        context = {
            "query": query,
            "solutions": selectors.solution_choices(query),
            "max_results": selectors.SOLUTION_CHOICES_MAX,
            "prefill": request.GET.get("prefill") == "1",
            "crumbs": manage_crumbs((_("Trouver une solution du catalogue"), None)),
        }
        template = "registry/solution_search.html"
        if request.htmx and not request.htmx.history_restore_request:
            template = "registry/includes/solution_results.html"
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
