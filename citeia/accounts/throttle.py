"""Login throttling: failed attempts counted per e-mail and per address in the shared cache."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(email: str, ip: str) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:email:{digest}", f"login-fail:ip:{ip}"]


def client_ip(request) -> str:
    """The client's address; behind a trusted reverse proxy, the one it forwarded.

    Only the last hop added by our own proxy is trusted: earlier entries of
    X-Forwarded-For are written by the client and could be forged.
    """
    if settings.TRUSTED_PROXY_COUNT:
        forwarded = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [h for h in forwarded if h]
        if len(forwarded) >= settings.TRUSTED_PROXY_COUNT:
            return forwarded[-settings.TRUSTED_PROXY_COUNT]
    return request.META.get("REMOTE_ADDR", "unknown")


def is_locked(email: str, ip: str) -> bool:
    email_key, ip_key = _keys(email, ip)
    counts = cache.get_many([email_key, ip_key])
    # An address gets more room than one account: several agents may share a proxy.
    return (
        counts.get(email_key, 0) >= settings.LOGIN_THROTTLE_ATTEMPTS
        or counts.get(ip_key, 0) >= settings.LOGIN_THROTTLE_ATTEMPTS * 4
    )


def record_failure(email: str, ip: str) -> None:
    for key in _keys(email, ip):
        if not cache.add(key, 1, settings.LOGIN_THROTTLE_WINDOW):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, settings.LOGIN_THROTTLE_WINDOW)


def reset(email: str, ip: str) -> None:
    cache.delete(_keys(email, ip)[0])
