"""Rendered search results kept per process, keyed by a version of the data.

A list page (catalogue, register) reads its data's version in one query on every
request (`catalogue_version()`, `register_version()`); the key combines it with the
language, the query string (parameters sorted) and whatever else the fragment depends on,
so that any change to the data shows on the next request in every process. The cache's
timeout (settings `CACHES`) only bounds memory. See docs/architecture.md.
"""

import hashlib
from collections.abc import Callable, Iterable
from urllib.parse import urlencode

from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language


def cache_key(prefix: str, request, version: str, *extra: str) -> str:
    """`prefix:` + a hash of the version, the language, the query and `extra`."""
    query = urlencode(
        sorted((key, value) for key, values in request.GET.lists() for value in values)
    )
    raw = "|".join([version, get_language() or "", query, *extra])
    return f"{prefix}:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_value(alias: str, key: str, compute: Callable):
    """The value under `key` in the cache `alias`, computed and kept when missing."""
    cache = caches[alias]
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


def cached_html(
    alias: str,
    prefix: str,
    request,
    version: str,
    render: Callable[[], str],
    extra: Iterable[str] = (),
) -> SafeString:
    """A fragment rendered by `render()` (our own template: escaped when rendered),
    kept per process under `cache_key`."""
    key = cache_key(prefix, request, version, *extra)
    return mark_safe(cached_value(alias, key, render))  # noqa: S308
