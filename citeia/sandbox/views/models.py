"""Model pages: upload (ONNX or skops, never pickle) and detail."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors, services
from ..forms import ModelUploadForm
from .common import INVALID, TOO_LARGE, crumbs, request_too_large, service_errors, too_large_message


def _page(request, form, status=200):
    return render(
        request,
        "sandbox/model_upload.html",
        {"form": form, "crumbs": crumbs((_("Déposer un modèle"), None))},
        status=status,
    )


@login_required
def model_upload(request):
    organisations = selectors.writable_organisations(request.user)
    if not organisations.exists():
        raise PermissionDenied(
            _("Seuls les éditeurs et gestionnaires d'une organisation déposent des modèles.")
        )
    if request.method != "POST":
        return _page(request, ModelUploadForm(organisations=organisations))
    if request_too_large(request, settings.SANDBOX_MAX_MODEL_BYTES):
        form = ModelUploadForm(organisations=organisations)
        form.add_error(None, too_large_message(settings.SANDBOX_MAX_MODEL_BYTES))
        return _page(request, form, status=TOO_LARGE)
    form = ModelUploadForm(request.POST, request.FILES, organisations=organisations)
    if form.is_valid():
        data = form.cleaned_data
        try:
            model = services.model_upload(
                user=request.user,
                organisation=data["organisation"],
                name=data["name"],
                upload=data["file"],
                fmt=data["format"],
                task=data["task"],
                description=data["description"],
                declared_columns=[str(c) for c in form.split(data["input_columns"])],
                classes=form.split(data["classes"]),
            )
        except services.UploadTooLarge as exc:
            service_errors(form, exc)
            return _page(request, form, status=TOO_LARGE)
        except ValidationError as exc:
            service_errors(form, exc)
        else:
            return redirect("sandbox:model_detail", pk=model.public_id)
    return _page(request, form, status=INVALID)


@login_required
def model_detail(request, pk):
    model = selectors.get_model_for_user(request.user, pk)
    return render(
        request,
        "sandbox/model_detail.html",
        {
            "model": model,
            "runs": list(selectors.runs_for_user(request.user).filter(model=model)[:20]),
            "crumbs": crumbs((model.name, None)),
        },
    )
