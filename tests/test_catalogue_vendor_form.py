"""The vendor's solution form: create, edit, extra attributes, bad input, history."""

import pytest
from django.urls import reverse

from citeia.catalogue.models import (
    AttributeType,
    Domain,
    ExtraAttribute,
    ExtraValue,
    Solution,
    SolutionStatus,
    Technique,
)
from citeia.core.permissions import MemberRole

from .catalogue_factories import SolutionFactory, VendorFactory
from .factories import MembershipFactory

CREATE = reverse("catalogue:solution_create")


@pytest.fixture
def vendor(db):
    return VendorFactory(name="Logiciels Exemple")


@pytest.fixture
def editor(vendor):
    return MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user


def form_data(vendor=None, **overrides):
    data = {
        "vendor": vendor.pk if vendor else "",
        "name": "Assistant courrier",
        "summary": "Trie le courrier entrant des mairies.",
        "description": "Une **aide** au tri.",
        "domains": [Domain.objects.get(slug="relation-citoyen").pk],
        "techniques": [Technique.objects.get(slug="langage").pk],
        "maturity": "pilot",
        "licence": "AGPL-3.0-or-later",
        "is_free_software": "on",
        "model_provenance": "open_weights",
        "model_name": "Mistral 7B",
        "deployment": "on_premise",
        "hosting": "france",
        "certifications": ["iso27001", "hds"],
        "personal_data": "personal",
        "reversibility": "Export complet en CSV.",
        "accessibility": "partial",
        "accessibility_url": "https://exemple.fr/accessibilite",
        "pricing_model": "Abonnement annuel",
        "website": "https://exemple.fr",
        "repository": "https://forge.exemple.fr/courrier",
        "documentation": "",
        "latest_version": "1.2",
        "latest_version_date": "2025-01-15",
        "action": "save",
    }
    data.update(overrides)
    return data


def edit_data(solution, **overrides):
    data = form_data(
        name=solution.name,
        summary=solution.summary,
        description=solution.description,
        licence=solution.licence,
    )
    data.pop("vendor")
    data.update(overrides)
    return data


def test_vendor_editor_creates_a_draft_with_every_field(client, vendor, editor):
    client.force_login(editor)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert "Proposer une solution" in page.text
    assert "Identité" in page.text and "Usages" in page.text
    response = client.post(CREATE, form_data(vendor))
    assert response.status_code == 302
    assert response.url == reverse("catalogue:my_solutions")
    solution = Solution.objects.get(name="Assistant courrier")
    assert solution.vendor == vendor
    assert solution.status == SolutionStatus.DRAFT
    assert set(solution.certifications) == {"iso27001", "hds"}
    assert solution.model_name == "Mistral 7B"
    assert [d.slug for d in solution.domains.all()] == ["relation-citoyen"]
    assert str(solution.latest_version_date) == "2025-01-15"
    record = solution.history.get()
    assert record.history_user == editor
    assert record.history_change_reason == "Création"
    assert record.domains.count() == 1  # the first version includes its domains


def test_vendor_choices_are_the_users_editable_vendor_organisations(
    client, vendor, editor, commune_org
):
    other = VendorFactory(name="Autre fournisseur")
    MembershipFactory(organisation=other, role=MemberRole.MEMBER, user=editor)
    MembershipFactory(organisation=commune_org, role=MemberRole.EDITOR, user=editor)
    client.force_login(editor)
    page = client.get(CREATE).text
    assert "Logiciels Exemple" in page
    assert "Autre fournisseur" not in page
    # Choosing an organisation where one is only a member is refused, nothing created.
    response = client.post(CREATE, form_data(other))
    assert response.status_code == 422
    assert not Solution.objects.exists()


@pytest.mark.parametrize("kind", ["member", "commune_editor", "authenticated"])
def test_create_page_is_forbidden_without_a_vendor_role(
    client, make_user, vendor, kind, commune_org
):
    if kind == "member":
        user = make_user("member", vendor)
    elif kind == "commune_editor":
        user = make_user("editor", commune_org)
    else:
        user = make_user("authenticated")
    client.force_login(user)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data(vendor)).status_code == 403
    assert not Solution.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("licence", "GPL-42", "Licence inconnue : « GPL-42 »"),
        ("website", "pas une adresse", "Saisissez une URL valide"),
        ("accessibility_url", "http://", "Saisissez une URL valide"),
        ("domains", [], "Cochez au moins un domaine métier."),
        ("summary", "", "Ce champ est obligatoire."),
        ("model_name", "", "Indiquez le modèle à poids ouverts"),
    ],
)
def test_bad_input_is_refused_with_a_french_message_and_kept(
    client, vendor, editor, field, value, message
):
    client.force_login(editor)
    data = form_data(vendor, **{field: value})
    response = client.post(CREATE, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "Le formulaire contient des erreurs" in response.text
    # What was typed is still there.
    assert "Trie le courrier entrant des mairies." in response.text or field == "summary"
    assert not Solution.objects.exists()


def test_duplicate_name_for_the_same_vendor_is_refused(client, vendor, editor):
    SolutionFactory(vendor=vendor, name="Assistant courrier", status=SolutionStatus.DRAFT)
    client.force_login(editor)
    response = client.post(CREATE, form_data(vendor, name="assistant courrier "))
    assert response.status_code == 422
    assert "propose déjà une solution nommée" in response.text
    assert Solution.objects.filter(vendor=vendor).count() == 1


def test_same_name_for_another_vendor_is_fine(client, vendor, editor):
    SolutionFactory(name="Assistant courrier")
    client.force_login(editor)
    assert client.post(CREATE, form_data(vendor)).status_code == 302
    assert Solution.objects.filter(name="Assistant courrier").count() == 2


def test_script_in_description_is_stored_as_text_and_rendered_sanitised(client, vendor, editor):
    client.force_login(editor)
    evil = "Bonjour <script>alert('x')</script> **gras** <img src=x onerror=alert(1)>"
    client.post(CREATE, form_data(vendor, description=evil))
    solution = Solution.objects.get()
    assert solution.description == evil
    preview = client.post(
        reverse("catalogue:solution_preview"), {"description": evil}, HTTP_HX_REQUEST="true"
    )
    assert preview.status_code == 200
    assert "<strong>gras</strong>" in preview.text
    assert "<script" not in preview.text and "onerror" not in preview.text
    # Without JavaScript the same button re-renders the form with the preview, saving nothing.
    page = client.post(
        reverse("catalogue:solution_edit", args=[solution.slug]),
        edit_data(solution, description="## Titre\n\nTexte", action="preview"),
    )
    assert page.status_code == 200
    assert "<h2>Titre</h2>" in page.text
    solution.refresh_from_db()
    assert solution.description == evil


def test_editing_a_published_solution_keeps_it_published_and_in_history(client, vendor, editor):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    client.force_login(editor)
    url = reverse("catalogue:solution_edit", args=[solution.slug])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_data(solution, summary="Un nouveau résumé."))
    assert response.status_code == 302
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED
    assert solution.summary == "Un nouveau résumé."
    latest = solution.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Modification"
    assert latest.status == SolutionStatus.PUBLISHED


def test_vendor_editing_another_vendors_solution_is_forbidden(client, editor):
    other = SolutionFactory(status=SolutionStatus.DRAFT, summary="Résumé d'origine.")
    client.force_login(editor)
    url = reverse("catalogue:solution_edit", args=[other.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, edit_data(other, summary="Piraté")).status_code == 403
    other.refresh_from_db()
    assert other.summary == "Résumé d'origine."


def test_invalid_edit_loses_nothing_already_saved(client, vendor, editor):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.DRAFT, licence="MIT")
    client.force_login(editor)
    url = reverse("catalogue:solution_edit", args=[solution.slug])
    response = client.post(url, edit_data(solution, licence="Pas-une-licence", summary="Neuf"))
    assert response.status_code == 422
    assert "Pas-une-licence" in response.text
    solution.refresh_from_db()
    assert solution.licence == "MIT"
    assert solution.summary != "Neuf"


def test_solution_in_review_cannot_be_edited_by_the_vendor(client, vendor, editor):
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.IN_REVIEW)
    client.force_login(editor)
    url = reverse("catalogue:solution_edit", args=[solution.slug])
    assert client.get(url).status_code == 409
    assert client.post(url, edit_data(solution, summary="Neuf")).status_code == 409
    solution.refresh_from_db()
    assert solution.summary != "Neuf"


def test_extra_attributes_get_a_field_each_and_are_saved(client, vendor, editor):
    ExtraAttribute.objects.create(
        key="ugap", label="Référencée à l'UGAP", type=AttributeType.BOOLEAN
    )
    ExtraAttribute.objects.create(key="agents", label="Agents formés", type=AttributeType.NUMBER)
    ExtraAttribute.objects.create(key="audit", label="Date de l'audit", type=AttributeType.DATE)
    ExtraAttribute.objects.create(key="charte", label="Charte", type=AttributeType.URL)
    ExtraAttribute.objects.create(key="note", label="Remarque", type=AttributeType.TEXT)
    client.force_login(editor)
    page = client.get(CREATE).text
    for label in ("Référencée à l&#x27;UGAP", "Agents formés", "Date de l&#x27;audit", "Charte"):
        assert label in page
    bad = client.post(CREATE, form_data(vendor, extra_charte="pas une url", extra_agents="dix"))
    assert bad.status_code == 422
    data = form_data(
        vendor,
        extra_ugap="true",
        extra_agents="12,5",
        extra_audit="2025-03-01",
        extra_charte="https://exemple.fr/charte",
        extra_note="",
    )
    assert client.post(CREATE, data).status_code == 302
    solution = Solution.objects.get()
    values = {v.attribute.key: v.value for v in ExtraValue.objects.select_related("attribute")}
    assert values == {
        "ugap": True,
        "agents": 12.5,
        "audit": "2025-03-01",
        "charte": "https://exemple.fr/charte",
    }
    # Editing shows the stored values and an emptied field removes its value.
    url = reverse("catalogue:solution_edit", args=[solution.slug])
    assert "https://exemple.fr/charte" in client.get(url).text
    data = edit_data(
        solution, extra_ugap="false", extra_agents="", extra_charte="", extra_audit="2025-03-01"
    )
    assert client.post(url, data).status_code == 302
    values = {v.attribute.key: v.value for v in ExtraValue.objects.select_related("attribute")}
    assert values == {"ugap": False, "audit": "2025-03-01"}


def test_vendor_links_similar_and_alternative_solutions_of_the_same_domains(
    client, vendor, editor, make_user
):
    relation = Domain.objects.get(slug="relation-citoyen")
    other = Domain.objects.get(slug="eau")
    peer = SolutionFactory(name="Courrier libre", domains=[relation])
    legacy = SolutionFactory(name="Courrier propriétaire", domains=[relation])
    elsewhere = SolutionFactory(name="Compteurs d'eau", domains=[other])
    draft = SolutionFactory(name="Brouillon voisin", domains=[relation], status="draft")
    solution = SolutionFactory(vendor=vendor, name="Assistant courrier", domains=[relation])
    client.force_login(editor)
    # Not on the creation form: chosen among the solutions of the same domains.
    assert "Solutions similaires" not in client.get(CREATE).text
    url = reverse("catalogue:solution_edit", args=[solution.slug])
    page = client.get(url).text
    assert "Courrier libre" in page and "Courrier propriétaire" in page
    assert "Compteurs d&#x27;eau" not in page and "Brouillon voisin" not in page
    assert client.post(url, edit_data(solution, similar_to=[elsewhere.pk])).status_code == 422
    assert client.post(url, edit_data(solution, similar_to=[draft.pk])).status_code == 422
    response = client.post(
        url, edit_data(solution, similar_to=[peer.pk], alternative_to=[legacy.pk])
    )
    assert response.status_code == 302
    assert list(solution.similar_to.all()) == [peer]
    assert list(peer.similar_to.all()) == [solution]  # both ways
    assert list(legacy.alternatives.all()) == [solution]
    # The programme team reads the change in the history.
    client.force_login(make_user("programme_team"))
    history = client.get(reverse("catalogue:solution_history", args=[solution.slug])).text
    assert "Solutions similaires" in history and "Courrier libre" in history
    assert "Courrier propriétaire" in history


def test_extra_attribute_changes_are_kept_in_the_history(client, vendor, editor, make_user):
    ExtraAttribute.objects.create(key="ugap", label="Référencée UGAP", type=AttributeType.BOOLEAN)
    ExtraAttribute.objects.create(key="agents", label="Agents formés", type=AttributeType.NUMBER)
    client.force_login(editor)
    assert client.post(CREATE, form_data(vendor, extra_ugap="true")).status_code == 302
    solution = Solution.objects.get()
    assert solution.extra_attributes == {"ugap": True}
    url = reverse("catalogue:solution_edit", args=[solution.slug])
    data = edit_data(solution, extra_ugap="false", extra_agents="40")
    assert client.post(url, data).status_code == 302
    solution.refresh_from_db()
    assert solution.extra_attributes == {"ugap": False, "agents": 40.0}
    first, latest = solution.history.order_by("history_date")
    assert first.extra_attributes == {"ugap": True}
    assert latest.extra_attributes == {"ugap": False, "agents": 40.0}
    client.force_login(make_user("programme_team"))
    history = client.get(reverse("catalogue:solution_history", args=[solution.slug])).text
    assert "Attributs complémentaires" in history
    assert "Référencée UGAP : Oui" in history
    assert "Agents formés : 40 ; Référencée UGAP : Non" in history
