"""URLs of the catalogue's vendor pages and of the programme team's workflow (included by
urls.py).

Creation lives under "mes-solutions/" rather than "solutions/nouvelle/": the public
`solutions/<slug>/` pattern, included first, would otherwise take it for a solution.
"""

from django.urls import path

from .views import vendor, vendor_workflow

urlpatterns = [
    path("mes-solutions/", vendor.my_solutions, name="my_solutions"),
    path("mes-solutions/nouvelle/", vendor.solution_create, name="solution_create"),
    path("mes-solutions/apercu/", vendor.solution_preview, name="solution_preview"),
    path("solutions/<slug:slug>/modifier/", vendor.solution_edit, name="solution_edit"),
    path("solutions/<slug:slug>/soumettre/", vendor.solution_submit, name="solution_submit"),
    path("relecture/", vendor_workflow.moderation_queue, name="moderation_queue"),
    path(
        "solutions/<slug:slug>/decision/",
        vendor_workflow.solution_decide,
        name="solution_decide",
    ),
    path(
        "solutions/<slug:slug>/decision/<str:transition>/",
        vendor_workflow.solution_decide_confirm,
        name="solution_decide_confirm",
    ),
    path(
        "solutions/<slug:slug>/historique/",
        vendor_workflow.solution_history,
        name="solution_history",
    ),
]
