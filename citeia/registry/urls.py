from django.urls import path, register_converter

from .views import manage, public, requests, solutions


class PublicIdConverter:
    regex = r"CIA-[A-Z0-9]{1,12}-[0-9]{4,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PublicIdConverter, "public_id")

app_name = "registry"

urlpatterns = [
    path("", public.register_home, name="home"),
    path("dcat.jsonld", public.register_dcat, name="dcat"),
    path("couverture/", public.coverage, name="coverage"),
    path("organisations/<slug:slug>/", public.organisation_page, name="organisation"),
    path("fiches/<public_id:public_id>/", public.record_detail, name="record_detail"),
    path("fiches/<public_id:public_id>.<str:fmt>", public.record_export, name="record_export"),
    path("fiches/<public_id:public_id>/historique/", public.record_history, name="record_history"),
    path("fiches/<public_id:public_id>/au/<str:day>/", public.record_on, name="record_on"),
    path(
        "fiches/<public_id:public_id>/versions/<int:number>/",
        public.version_detail,
        name="version_detail",
    ),
    path("fiches/<public_id:public_id>/comparer/", public.record_diff, name="record_diff"),
    path(
        "fiches/<public_id:public_id>/base-ue.json", public.record_eu_entry, name="record_eu_entry"
    ),
    path("fiches/<public_id:public_id>/mention/", public.record_mention, name="record_mention"),
    path("fiches/<public_id:public_id>/demande/", requests.request_create, name="request_create"),
    path("fiches/<public_id:public_id>/signaler/", requests.report_create, name="report_create"),
    path("demandes/<str:token>/", requests.request_follow, name="request_follow"),
    # The organisations' side.
    path("gestion/", manage.dashboard, name="dashboard"),
    path("gestion/nouvelle/", manage.record_create, name="record_create"),
    path("gestion/import/", manage.record_import, name="record_import"),
    path("gestion/lisibilite/", manage.readability_check, name="readability"),
    path("gestion/solutions/", solutions.solution_search, name="solution_search"),
    path("gestion/fiches/<public_id:public_id>/", manage.record_edit, name="record_edit"),
    path(
        "gestion/fiches/<public_id:public_id>/soumettre/",
        manage.record_submit,
        name="record_submit",
    ),
    path(
        "gestion/fiches/<public_id:public_id>/evaluation/",
        manage.record_assessment,
        name="record_assessment",
    ),
    path(
        "gestion/fiches/<public_id:public_id>/relire/", manage.record_review, name="record_review"
    ),
    path(
        "gestion/fiches/<public_id:public_id>/retirer/", manage.record_retire, name="record_retire"
    ),
    path(
        "gestion/fiches/<public_id:public_id>/archiver/",
        manage.record_archive,
        name="record_archive",
    ),
    path("gestion/reglages/<slug:slug>/", manage.register_settings, name="settings"),
    path("gestion/demandes/", requests.request_queue, name="request_queue"),
    path("gestion/demandes/<int:pk>/", requests.request_detail, name="request_detail"),
    path("gestion/signalements/<int:pk>/", requests.report_answer, name="report_answer"),
]
