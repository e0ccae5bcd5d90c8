"""Rate limit of the public forms (explanation requests, error reports): a few per hour
per address, counted in the shared cache. No outside captcha service."""

from django.conf import settings
from django.core.cache import cache

from citeia.accounts.throttle import client_ip

WINDOW_SECONDS = 3600


def limit() -> int:
    return getattr(settings, "REGISTRY_FORM_LIMIT_PER_HOUR", 5)


def allow(request, form: str) -> bool:
    """Count this submission; False once the address went over the limit this hour."""
    key = f"registry-form:{form}:{client_ip(request)}"
    if cache.add(key, 1, WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)
        return True
    return count <= limit()
