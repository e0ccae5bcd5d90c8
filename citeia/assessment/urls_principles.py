"""Frugality and trust assessments — pages (included by assessment/urls.py)."""

from django.urls import path

from .views import principles

urlpatterns = [
    path("sobriete/estimation/", principles.estimate_public, name="estimate_public"),
    path("sobriete/methode/", principles.frugality_method, name="frugality_method"),
    path("dossiers/<int:pk>/sobriete/", principles.frugality_edit, name="frugality_edit"),
    path(
        "dossiers/<int:pk>/sobriete/resultat/",
        principles.frugality_result,
        name="frugality_result",
    ),
    path(
        "dossiers/<int:pk>/sobriete/estimation/",
        principles.frugality_estimate,
        name="frugality_estimate",
    ),
    path("dossiers/<int:pk>/confiance/", principles.trust_edit, name="trust_edit"),
    path("dossiers/<int:pk>/confiance/profil/", principles.trust_profile, name="trust_profile"),
]
