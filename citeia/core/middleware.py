from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# No inline script or style anywhere: everything comes from our own origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class LanguageMiddleware(LocaleMiddleware):
    """French unless the person chose otherwise with the language switch (cookie).

    The browser's Accept-Language is ignored on purpose: the platform is French first,
    and an agent whose office PC is set to English should still get French by default.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulMiddleware:
    """A NUL character in the address is never legitimate, and PostgreSQL refuses it in
    text: answer 400 before any view can trip over it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The API validates its own parameters and answers 422 in JSON.
        if request.path.startswith("/api/"):
            return self.get_response(request)
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            from .views import bad_request

            return bad_request(request)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Adds the headers Django's SecurityMiddleware does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if settings.HTTPS:
            response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
