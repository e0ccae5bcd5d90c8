from django.urls import reverse
from django.utils.translation import gettext as _

INVALID = 422
TOO_LARGE = 413


def crumbs(*last):
    return [(_("Bac à sable"), reverse("sandbox:index") if last else None), *last]


def request_too_large(request, limit: int) -> bool:
    """Refuse before reading the body: an upload over the limit is never stored."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > limit + 64 * 1024  # room for the other fields


def service_errors(form, error) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def too_large_message(limit: int) -> str:
    return _("Le fichier dépasse la taille maximale de %(mb)s Mo.") % {"mb": limit // (1024 * 1024)}
