from django.urls import include, path

from .views import ai_act, files, fria

app_name = "assessment"

urlpatterns = [
    path("", files.my_files, name="my_files"),
    path("ai-act/", ai_act.public_classifier, name="public_classifier"),
    path("ai-act/questionnaire/", ai_act.public_start, name="public_start"),
    path("ai-act/question/<slug:key>/", ai_act.public_question, name="public_question"),
    path("ai-act/resultat/", ai_act.public_result, name="public_result"),
    path("systemes/nouveau/", files.system_new, name="system_new"),
    path("solutions/<int:solution_pk>/", files.solution_file, name="solution_file"),
    path("dossiers/<int:pk>/", files.file_detail, name="file_detail"),
    path("dossiers/<int:pk>/ai-act/commencer/", ai_act.start, name="ai_act_start"),
    path("dossiers/<int:pk>/ai-act/suite/", ai_act.next_step, name="ai_act_next"),
    path("dossiers/<int:pk>/ai-act/question/<slug:key>/", ai_act.question, name="ai_act_question"),
    path("dossiers/<int:pk>/ai-act/resultat/", ai_act.result, name="ai_act_result"),
    path(
        "dossiers/<int:pk>/ai-act/obligations/<int:check_pk>/",
        ai_act.obligation_check,
        name="obligation_check",
    ),
    path("dossiers/<int:pk>/fria/", fria.fria_edit, name="fria_edit"),
    path("dossiers/<int:pk>/fria.pdf", fria.fria_pdf, name="fria_pdf"),
    path("dossiers/<int:pk>/fria-resume-base-ue.txt", fria.eu_summary_txt, name="eu_summary_txt"),
    path("", include("citeia.assessment.urls_principles")),
]
