import pytest
from django.core.management import call_command
from django.urls import reverse

from citeia.assessment import questionnaire, selectors, services
from citeia.assessment.aiact import FACT_NAMES
from citeia.assessment.models import AiActAssessment, Fria, ObligationCheck

from .assessment_factories import CHATBOT_FACTS, SOCIAL_BENEFIT_FACTS, SystemFileFactory
from .catalogue_factories import SolutionFactory

SOCIAL_ANSWERS = {
    "is_ai_system": {"value": "yes"},
    "exclusion": {"value": "__none__"},
    "role": {"value": "deployer"},
    "prohibited_practices": {},
    "annex_i_safety_component": {"value": "no"},
    "annex_iii_point": {"value": "5a"},
    "derogation": {"value": "__none__"},
    "deployer_changes": {},
    "public_body": {"value": "yes"},
    "emotion_recognition_or_biometric_categorisation": {"value": "no"},
    "deepfake_or_public_interest_text": {"value": "no"},
    "first_put_into_service": {"value": "__not_yet__"},
}


def test_every_fact_has_one_question():
    assert [q.key for q in questionnaire.QUESTIONS] == list(FACT_NAMES) or set(
        questionnaire.QUESTIONS_BY_KEY
    ) == set(FACT_NAMES)
    for question in questionnaire.QUESTIONS:
        assert question.text["fr"] and question.text["en"]
        assert question.example["fr"] and question.explanation["fr"]
        assert "eur-lex.europa.eu" in questionnaire.eurlex_url(question, "fr")


def test_questions_that_cannot_change_the_outcome_are_skipped():
    facts = {"is_ai_system": False}
    assert questionnaire.next_question(facts, []) is None
    facts = {**CHATBOT_FACTS}
    assert questionnaire.next_question(facts, []) is None
    assert not questionnaire.is_relevant("profiles_natural_persons", {**SOCIAL_BENEFIT_FACTS})


def test_what_if_lists_the_flips_that_change_the_result():
    variants = questionnaire.what_if(SOCIAL_BENEFIT_FACTS)
    keys = {variant.key for variant in variants}
    assert "is_ai_system" in keys  # flipping to "no" puts it out of scope
    assert "public_body" in keys  # a private deployer has no FRIA
    assert all(v.result["outcome"] for v in variants)


def _walk(client, file, answers):
    url = reverse("assessment:ai_act_next", args=[file.pk])
    response = client.get(url)
    seen = []
    while response.status_code == 302 and "/question/" in response.url:
        key = response.url.rstrip("/").rsplit("/", 1)[-1]
        seen.append(key)
        page = client.get(response.url)
        assert page.status_code == 200
        response = client.post(response.url, answers[key])
        assert response.status_code == 302, (key, response.content.decode()[-3000:])
    return seen, response


@pytest.mark.django_db
def test_commune_agent_classifies_a_social_benefit_tool(client, make_user, commune_org):
    user = make_user("editor", commune_org)
    client.force_login(user)
    response = client.post(
        reverse("assessment:system_new"),
        {"organisation": commune_org.pk, "name": "Score RSA", "description": "Éligibilité"},
    )
    assert response.status_code == 302
    file = commune_org.assessment_files.get()
    seen, response = _walk(client, file, SOCIAL_ANSWERS)
    assert "public_body" not in seen  # already known for a commune
    assert response.url == reverse("assessment:ai_act_result", args=[file.pk])
    page = client.get(response.url)
    assert "Risque élevé — Annexe III 5 a" in page.content.decode()
    client.post(response.url)
    assessment = AiActAssessment.objects.get(file=file)
    assert assessment.status == "completed"
    assert assessment.result["fria_required"] is True
    assert ObligationCheck.objects.filter(assessment=assessment, article="Art. 27").exists()
    detail = client.get(file.get_absolute_url()).content.decode()
    assert "Remplir la FRIA" in detail


@pytest.mark.django_db
def test_unknown_answer_is_saved_and_resumed(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    services.ai_act_start(file=file, user=user)
    client.force_login(user)
    url = reverse("assessment:ai_act_question", args=[file.pk, "is_ai_system"])
    response = client.post(url, {"value": "__unknown__"})
    assert response.status_code == 302
    draft = services.ai_act_draft(file)
    assert draft.unknown_answers == ["is_ai_system"]
    assert draft.result["outcome"] == "undetermined"
    assert "is_ai_system" in draft.result["missing_facts"]
    page = client.get(reverse("assessment:ai_act_result", args=[file.pk])).content.decode()
    assert url in page  # missing fact links back to its question


@pytest.mark.django_db
def test_htmx_answer_returns_next_question_fragment(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    services.ai_act_start(file=file, user=user)
    client.force_login(user)
    url = reverse("assessment:ai_act_question", args=[file.pk, "is_ai_system"])
    response = client.post(url, {"value": "yes"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert response["HX-Push-Url"].endswith("/question/exclusion/")


@pytest.mark.django_db
def test_contradictory_answer_is_422_and_nothing_lost(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    draft = services.ai_act_start(file=file, user=user)
    services.ai_act_answer(assessment=draft, key="exclusion", value="defence", user=user)
    client.force_login(user)
    url = reverse("assessment:ai_act_question", args=[file.pk, "prohibited_practices"])
    response = client.post(url, {"values": ["c"]})
    assert response.status_code == 422
    assert "exclusion" in response.content.decode()
    draft.refresh_from_db()
    assert draft.facts["exclusion"] == "defence"
    assert "prohibited_practices" not in draft.facts


@pytest.mark.django_db
def test_fria_form_pdf_and_eu_summary(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    services.ai_act_write_facts(file=file, facts=SOCIAL_BENEFIT_FACTS, user=user)
    client.force_login(user)
    url = reverse("assessment:fria_edit", args=[file.pk])
    incomplete = client.post(url, {"status": "completed", "processes": "Instruction"})
    assert incomplete.status_code == 422
    assert not Fria.objects.filter(file=file).exists()
    data = {name: f"Texte {name}" for name in Fria.PARTS}
    data.update(status="notified", notified_on="2026-11-20", dpia_reference="AIPD-2026-04")
    assert client.post(url, data).status_code == 302
    fria = Fria.objects.get(file=file)
    assert "AIPD-2026-04" in fria.eu_database_summary
    pdf = client.get(reverse("assessment:fria_pdf", args=[file.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = client.get(reverse("assessment:eu_summary_txt", args=[file.pk]))
    assert "AIPD-2026-04" in text.content.decode()


@pytest.mark.django_db
def test_fria_not_reachable_when_not_required(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    services.ai_act_write_facts(file=file, facts=CHATBOT_FACTS, user=user)
    client.force_login(user)
    assert client.get(reverse("assessment:fria_edit", args=[file.pk])).status_code == 404


@pytest.mark.django_db
def test_obligation_check_requires_evidence(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    assessment = services.ai_act_write_facts(file=file, facts=CHATBOT_FACTS, user=user)
    check = assessment.obligation_checks.get(article="Art. 50(1)")
    client.force_login(user)
    url = reverse("assessment:obligation_check", args=[file.pk, check.pk])
    prefix = f"check-{check.pk}"
    assert client.post(url, {f"{prefix}-done": "on"}).status_code == 422
    response = client.post(url, {f"{prefix}-done": "on", f"{prefix}-evidence": "Bandeau ajouté"})
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.done and check.checked_by == user


@pytest.mark.django_db
def test_flag_outdated_assessments_explains_the_difference(make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    assessment = services.ai_act_write_facts(file=file, facts=SOCIAL_BENEFIT_FACTS, user=user)
    AiActAssessment.objects.filter(pk=assessment.pk).update(rule_set_version="aiact-2025.9")
    call_command("flag_outdated_assessments")
    assessment.refresh_from_db()
    assert assessment.needs_review
    assert "aiact-2025.9" in assessment.review_reason
    assert "ne change pas" in assessment.review_reason
    assert selectors.file_summary(file).needs_review


@pytest.mark.django_db
def test_public_classifier_page(client):
    url = reverse("assessment:public_classifier")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"facts": '{"annex_iii_point": "9a"}'})
    assert bad.status_code == 422
    assert "annex_iii_point" in bad.content.decode()
    import json

    good = client.post(url, {"facts": json.dumps(CHATBOT_FACTS)})
    assert "Risque minimal" in good.content.decode()


@pytest.mark.django_db
def test_summaries_for_solutions_in_one_query(django_assert_max_num_queries, make_user):
    solutions = [SolutionFactory(status="published") for _ in range(3)]
    user = make_user("authenticated")
    for solution in solutions:
        file = services.file_for_solution_get_or_create(solution=solution, user=user)
        services.ai_act_write_facts(file=file, facts=CHATBOT_FACTS, user=user)
    with django_assert_max_num_queries(2):
        result = selectors.summaries_for_solutions([s.pk for s in solutions])
    assert {s.outcome for s in result.values()} == {"minimal"}
    assert result[solutions[0].pk].outcome_label == "Risque minimal"


@pytest.mark.django_db
def test_my_files_bounded_queries(client, make_user, commune_org, django_assert_max_num_queries):
    user = make_user("member", commune_org)
    for _ in range(5):
        file = SystemFileFactory(organisation=commune_org)
        services.ai_act_write_facts(file=file, facts=CHATBOT_FACTS, user=user)
    client.force_login(user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("assessment:my_files"))
    assert response.content.decode().count("Risque minimal") == 5


@pytest.fixture
def demo(db, settings):
    from citeia.accounts.demo import load_demo_accounts
    from citeia.assessment.demo import load_demo_assessments
    from citeia.catalogue.demo import load_demo_catalogue

    load_demo_accounts(password="demo-mot-de-passe-42")
    load_demo_catalogue(password="demo-mot-de-passe-42")
    first = load_demo_assessments()
    second = load_demo_assessments()  # idempotent
    assert first == second
    return first


@pytest.mark.django_db
def test_demo_spans_every_outcome_and_is_marked(demo):
    from citeia.assessment.models import AssessmentFile

    outcomes = {
        assessment.result["outcome"]
        for assessment in AiActAssessment.objects.filter(status="completed")
    }
    assert outcomes == {"out_of_scope", "prohibited", "high_risk", "minimal", "undetermined"}
    assert not AssessmentFile.objects.filter(is_demo=False).exists()
    assert AssessmentFile.objects.filter(kind="solution").count() == 3
    fria_file = Fria.objects.get().file
    assert fria_file.current_ai_act.result["high_risk_basis"] == "annex_iii:5a"
    chatbot = AssessmentFile.objects.get(name__startswith="Agent conversationnel")
    assert chatbot.current_ai_act.result["transparency"] == ["50(1)"]


CHATBOT_ANSWERS = {
    "is_ai_system": {"value": "yes"},
    "exclusion": {"value": "__none__"},
    "role": {"value": "provider"},
    "prohibited_practices": {},
    "annex_i_safety_component": {"value": "no"},
    "annex_iii_point": {"value": "__none__"},
    "interacts_with_people": {"value": "yes"},
    "generates_synthetic_content": {"value": "no"},
}


@pytest.mark.django_db
def test_public_guided_classifier_keeps_nothing_in_the_database(client):
    response = client.get(reverse("assessment:public_start"))
    seen = []
    while response.status_code == 302 and "/question/" in response.url:
        key = response.url.rstrip("/").rsplit("/", 1)[-1]
        seen.append(key)
        assert client.get(response.url).status_code == 200
        response = client.post(response.url, CHATBOT_ANSWERS[key])
    assert response.url == reverse("assessment:public_result")
    page = client.get(response.url).content.decode()
    assert "Risque minimal" in page
    assert "Art. 50(1)" in page
    assert not AiActAssessment.objects.exists()
    # Starting again forgets the answers.
    restart = client.post(reverse("assessment:public_start"))
    assert restart.url.endswith("/question/is_ai_system/")


@pytest.mark.django_db
def test_public_question_contradiction_is_422(client):
    url = reverse("assessment:public_question", args=["exclusion"])
    client.post(url, {"value": "defence"})
    response = client.post(
        reverse("assessment:public_question", args=["prohibited_practices"]), {"values": ["c"]}
    )
    assert response.status_code == 422


@pytest.mark.django_db
def test_questions_are_shown_in_english(client, settings):
    client.cookies["citeia_language"] = "en"
    response = client.get(reverse("assessment:public_question", args=["is_ai_system"]))
    assert "Is it an artificial intelligence system?" in response.content.decode()


@pytest.mark.django_db
def test_file_page_shows_review_flag_and_history(client, make_user, commune_org):
    file = SystemFileFactory(organisation=commune_org)
    user = make_user("editor", commune_org)
    assessment = services.ai_act_write_facts(file=file, facts=SOCIAL_BENEFIT_FACTS, user=user)
    AiActAssessment.objects.filter(pk=assessment.pk).update(rule_set_version="aiact-2025.9")
    services.flag_outdated_assessments()
    client.force_login(make_user("member", commune_org))
    page = client.get(file.get_absolute_url()).content.decode()
    assert "À revoir depuis le" in page
    assert "aiact-2025.9" in page  # in the reason and in the history table
    assert "Historique des évaluations" in page
    # A member reads but is offered no action.
    assert "Mettre à jour les réponses AI Act" not in page


@pytest.mark.django_db
def test_vendor_opens_the_file_of_its_solution_from_my_assessments(client, make_user):
    solution = SolutionFactory(status="draft", name="Outil Test")
    editor = make_user("editor", solution.vendor)
    client.force_login(editor)
    page = client.get(reverse("assessment:my_files")).content.decode()
    url = reverse("assessment:solution_file", args=[solution.pk])
    assert url in page
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302
    file = selectors.file_for_solution(solution)
    assert file.organisation == solution.vendor
    assert url not in client.get(reverse("assessment:my_files")).content.decode()
    # Someone of another organisation may not open it.
    client.force_login(make_user("authenticated"))
    other = SolutionFactory(status="draft")
    assert client.get(reverse("assessment:solution_file", args=[other.pk])).status_code == 404
