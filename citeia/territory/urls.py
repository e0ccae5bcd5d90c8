from django.urls import path

from . import views

app_name = "territory"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("territoires.<str:fmt>", views.territory_export, name="territory_export"),
    path("communes/", views.commune_list, name="commune_list"),
    path("communes/<str:insee_code>/", views.commune_detail, name="commune_detail"),
    path("<str:code>/", views.territory_detail, name="territory_detail"),
]
