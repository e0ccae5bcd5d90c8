"""Up to four published solutions side by side, printable and exportable as PDF."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import selectors

MAX_COMPARED = 4


def _static_only_fetcher():
    """A WeasyPrint URL fetcher that serves our own static files from disk and refuses
    anything else: a PDF export never reaches the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            path = url.split("://", 1)[-1].split("/", 1)[-1] if "://" in url else url
            path = "/" + path.split("?")[0].lstrip("/")
            if not path.startswith(settings.STATIC_URL):
                raise ValueError(f"Refused: {url}")
            found = finders.find(path.removeprefix(settings.STATIC_URL))
            if not found:
                raise ValueError(f"Not a static file: {url}")
            mime = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=Path(found).read_bytes(), headers={"Content-Type": mime}
            )

    return StaticOnlyFetcher()


def solution_compare(request):
    slugs = [slug[:140] for slug in request.GET.getlist("s") if slug][:MAX_COMPARED]
    comparison = selectors.compare_solutions(slugs)
    context = {
        "comparison": comparison,
        "too_many": len(request.GET.getlist("s")) > MAX_COMPARED,
        "max_compared": MAX_COMPARED,
        "crumbs": [
            (_("Catalogue des solutions"), reverse("catalogue:solution_list")),
            (_("Comparer"), None),
        ],
    }
    if request.GET.get("format") == "pdf" and comparison["solutions"]:
        import weasyprint

        html = render_to_string("catalogue/public_compare.html", context, request=request)
        pdf = weasyprint.HTML(
            string=html,
            base_url=request.build_absolute_uri("/"),
            url_fetcher=_static_only_fetcher(),
        ).write_pdf()
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="citeia-comparaison.pdf"'
        return response
    return render(request, "catalogue/public_compare.html", context)
