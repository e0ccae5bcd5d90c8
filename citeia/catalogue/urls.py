from django.urls import include, path

app_name = "catalogue"

# Each area of the catalogue has its own URL module, views and templates.
urlpatterns = [
    path("", include("citeia.catalogue.urls_public")),
    path("", include("citeia.catalogue.urls_vendor")),
    path("", include("citeia.catalogue.urls_reviews")),
]
