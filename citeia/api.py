"""The django-ninja API: one router per app, OpenAPI schema and docs at /api/docs."""

from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError

from citeia.accounts.api import router as accounts_router
from citeia.accounts.auth import OptionalBearer
from citeia.assessment.api import router as assessment_router
from citeia.catalogue.api import router as catalogue_router
from citeia.registry.api import router as registry_router
from citeia.sandbox.api import router as sandbox_router
from citeia.territory.api import router as territory_router

api = NinjaAPI(
    title="Cité IA",
    version="1.0.0",
    description=(
        "API publique de Cité IA. Lecture libre des données publiées ; les appels "
        "authentifiés utilisent un jeton personnel (`Authorization: Bearer <jeton>`) "
        "créé sur la page de profil."
    ),
    auth=OptionalBearer(),
    urls_namespace="api-1.0.0",
)
api.add_router("/", territory_router)
api.add_router("/", accounts_router)
api.add_router("/catalogue", catalogue_router)
api.add_router("/assessments", assessment_router)
api.add_router("/register", registry_router)
api.add_router("/sandbox", sandbox_router)

# Last: any other path under /api/ answers in JSON, like the endpoints, not with an HTML page.
fallback = Router(auth=None)


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unknown_endpoint(request, rest: str):
    raise HttpError(404, _("Ce point d'accès de l'API n'existe pas : consultez /api/docs."))


api.add_router("/", fallback)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return api.create_response(
        request, {"detail": _("Jeton d'API invalide ou révoqué.")}, status=401
    )


@api.exception_handler(ValidationError)
def on_validation_error(request, exc):
    return api.create_response(
        request,
        {"detail": _("Paramètres invalides."), "errors": exc.errors},
        status=422,
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)
