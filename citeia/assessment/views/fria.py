"""The FRIA (Art. 27): form, PDF export and the summary for the EU database."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import FriaForm
from ..models import AssessmentStatus, Fria
from .files import file_crumbs

INVALID = 422


def _static_only_fetcher():
    """WeasyPrint fetches only our static files from disk: a PDF never reaches the network."""
    import mimetypes
    from pathlib import Path

    from django.conf import settings
    from django.contrib.staticfiles import finders
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


def _fria_applies(file) -> bool:
    current = file.current_ai_act
    draft = services.ai_act_draft(file)
    for assessment in (current, draft):
        if assessment is not None and assessment.result.get("fria_required"):
            return True
    return Fria.objects.filter(file=file).exists()


def _readable(request, pk):
    file = selectors.get_file_for_user(request.user, pk)
    if not selectors.can_read_details(request.user, file):
        raise Http404
    fria = Fria.objects.filter(file=file).first()
    if fria is None:
        raise Http404
    return file, fria


def fria_edit(request, pk: int):
    file = selectors.get_file_for_user(request.user, pk, write=True)
    if not _fria_applies(file):
        raise Http404(_("Aucune FRIA n'est requise pour ce système."))
    fria = Fria.objects.filter(file=file).first()
    form = FriaForm(request.POST or None, instance=fria or Fria(file=file))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                services.fria_save(file=file, data=data, user=request.user)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                return redirect(f"{file.get_absolute_url()}#fria")
        status = INVALID
    return render(
        request,
        "assessment/fria_form.html",
        {
            "file": file,
            "form": form,
            "fria": fria,
            "completed": file.current_ai_act
            if file.current_ai_act and file.current_ai_act.status == AssessmentStatus.COMPLETED
            else None,
            "crumbs": file_crumbs(file, (_("Analyse d'impact (FRIA)"), None)),
        },
        status=status,
    )


def fria_pdf(request, pk: int):
    import weasyprint

    file, fria = _readable(request, pk)
    html = render_to_string(
        "assessment/fria_pdf.html",
        {"file": file, "fria": fria, "assessment": file.current_ai_act},
        request=request,
    )
    pdf = weasyprint.HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_static_only_fetcher()
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="citeia-fria-{file.pk}.pdf"'
    return response


def eu_summary_txt(request, pk: int):
    file, fria = _readable(request, pk)
    text = fria.eu_database_summary or services.eu_database_summary_text(fria)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="citeia-resume-base-ue-{file.pk}.txt"'
    return response
