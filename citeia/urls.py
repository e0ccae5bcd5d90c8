from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from citeia.api import api
from citeia.core import views as core_views

admin.site.site_header = _("Administration de Cité IA")
admin.site.site_title = _("Administration de Cité IA")
admin.site.index_title = _("Gestion de la plateforme")

urlpatterns = [
    path("", include("citeia.core.urls")),
    path("territoire/", include("citeia.territory.urls")),
    path("catalogue/", include("citeia.catalogue.urls")),
    path("evaluations/", include("citeia.assessment.urls")),
    path("registre/", include("citeia.registry.urls")),
    path("bac-a-sable/", include("citeia.sandbox.urls")),
    path("", include("citeia.accounts.urls")),
    path("langue/", set_language, name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
