"""URLs of the catalogue's reviews pages (included by urls.py): expert reviews, vendor
answers, needs profiles, the ranking and the choice guide."""

from django.urls import path

from .views import guide, reviews

urlpatterns = [
    path("solutions/<slug:slug>/evaluer/", reviews.review_edit, name="review_edit"),
    path("solutions/<slug:slug>/evaluations/", reviews.review_list, name="review_list"),
    path(
        "solutions/<slug:slug>/evaluations/<int:review_id>/repondre/",
        reviews.review_answer,
        name="review_answer",
    ),
    path("classement/", guide.ranking, name="ranking"),
    path("guide/", guide.guide, name="guide"),
    path("besoins/", guide.needs_list, name="needs_list"),
    path("besoins/nouveau/", guide.needs_edit, name="needs_create"),
    path("besoins/<int:pk>/", guide.needs_edit, name="needs_edit"),
    path("besoins/<int:pk>/supprimer/", guide.needs_delete, name="needs_delete"),
]
