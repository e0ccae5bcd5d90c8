from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal, name="legal"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("donnees-ouvertes/", views.open_data, name="open_data"),
    path("healthz", views.healthz, name="healthz"),
    path("bench/constant", views.constant, name="constant"),
]
