"""Personal API tokens: `Authorization: Bearer <token>`, stored hashed."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from .models import ApiToken


def user_for_token(key: str):
    """The active user owning this unrevoked token, or None. Records the last use."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # One write per token per minute at most, so that reads stay reads.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class OptionalBearer(HttpBearer):
    """Public endpoints accept anonymous calls; a token, when given, must be valid."""

    def __call__(self, request):
        header = request.headers.get(self.header)
        if not header:
            request.user = getattr(request, "user", None) or AnonymousUser()
            # Session users (the docs page) stay signed in; anonymous callers are allowed.
            return request.user or True
        return super().__call__(request)

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            raise AuthenticationError()
        request.user = user
        return user


class RequiredBearer(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user
