"""URLs of the catalogue's public pages (included by urls.py)."""

from django.urls import path

from .views import public, public_compare

urlpatterns = [
    path("", public.solution_list, name="solution_list"),
    path("solutions.<str:fmt>", public.solution_export, name="solution_export"),
    path("solutions/<slug:slug>/", public.solution_detail, name="solution_detail"),
    path("comparer/", public_compare.solution_compare, name="solution_compare"),
    path("dcat.jsonld", public.catalogue_dcat, name="dcat"),
]
