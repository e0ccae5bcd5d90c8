from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health, selectors


def home(request):
    return render(request, "core/home.html", {"stats": selectors.home_figures()})


def accessibility(request):
    crumbs = [(_("Déclaration d’accessibilité"), None)]
    return render(request, "core/accessibility.html", {"crumbs": crumbs})


def legal(request):
    return render(request, "core/legal.html", {"crumbs": [(_("Mentions légales"), None)]})


def privacy(request):
    return render(request, "core/privacy.html", {"crumbs": [(_("Données personnelles"), None)]})


def open_data(request):
    """Plain-French guide to the downloads and the API, generated from the OpenAPI schema."""
    return render(
        request,
        "core/open_data.html",
        {
            "operations": selectors.api_operations(),
            "crumbs": [(_("Données ouvertes et API"), None)],
        },
    )


@never_cache
@require_GET
def healthz(request):
    checks = [health.check_database()]
    if checks[0].ok:
        checks.append(health.check_worker())
    ok = all(check.ok for check in checks)
    body = {
        "status": "ok" if ok else "error",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
    if not ok:
        body["reason"] = "; ".join(check.detail for check in checks if not check.ok)
    return JsonResponse(body, status=200 if ok else 503)


@require_GET
def constant(request):
    """The cheapest possible response, the baseline of `make bench`."""
    return HttpResponse(b"ok", content_type="text/plain")


def _error(request, template: str, status: int, reason: str = ""):
    return render(request, template, {"reason": reason}, status=status)


def bad_request(request, exception=None):
    return _error(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error(request, "403.html", 403)


def page_not_found(request, exception=None):
    reason = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        # Our own Http404 messages are written for people; Django's internal ones are dicts,
        # except get_object_or_404's English "No Model matches the given query.", not shown.
        reason = exception.args[0]
        if reason.endswith("matches the given query."):
            reason = ""
    return _error(request, "404.html", 404, reason)


def server_error(request):
    # No request context: the context processors (session, user, messages) may be what
    # failed. A plain render of a static template, as Django's own handler does.
    return HttpResponseServerError(loader.get_template("500.html").render())


def csrf_failure(request, reason=""):
    return _error(
        request,
        "403_csrf.html",
        403,
        _("Le jeton de sécurité du formulaire a expiré ou manque."),
    )
