from django.urls import path

from .views import datasets, models, runs

app_name = "sandbox"

urlpatterns = [
    path("", datasets.index, name="index"),
    path("donnees/deposer/", datasets.dataset_upload, name="dataset_upload"),
    path("donnees/<uuid:pk>/", datasets.dataset_detail, name="dataset_detail"),
    path("donnees/<uuid:pk>/colonnes/", datasets.dataset_schema, name="dataset_schema"),
    path("donnees/<uuid:pk>/acces/", datasets.dataset_grant, name="dataset_grant"),
    path(
        "donnees/<uuid:pk>/acces/<int:grant_id>/retirer/",
        datasets.grant_revoke,
        name="grant_revoke",
    ),
    path(
        "donnees/<uuid:pk>/pseudonymiser/",
        datasets.dataset_pseudonymise,
        name="dataset_pseudonymise",
    ),
    path("donnees/<uuid:pk>/evaluer/", runs.run_create, name="run_create"),
    path("modeles/deposer/", models.model_upload, name="model_upload"),
    path("modeles/<uuid:pk>/", models.model_detail, name="model_detail"),
    path("evaluations/<uuid:pk>/", runs.run_detail, name="run_detail"),
    path("evaluations/<uuid:pk>/resultats.json", runs.run_results_json, name="run_json"),
    path("evaluations/<uuid:pk>/rapport.pdf", runs.run_pdf, name="run_pdf"),
]
