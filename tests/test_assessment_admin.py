import pytest
from django.core.management import call_command

from citeia.assessment.models import Questionnaire


@pytest.mark.django_db
def test_shipped_questionnaires_are_loaded_as_current():
    current = {q.kind: q for q in Questionnaire.objects.filter(is_current=True)}
    assert set(current) == {"frugality", "trust"}
    assert current["frugality"].content["kind"] == "frugality"


@pytest.mark.django_db
def test_admin_refuses_an_invalid_questionnaire_and_retires_the_old_version(client, make_user):
    admin = make_user("administrator")
    client.force_login(admin)
    old = Questionnaire.objects.get(kind="trust", is_current=True)
    url = "/admin/assessment/questionnaire/add/"
    bad = client.post(url, {"kind": "trust", "version": "2", "content": '{"kind": "trust"}'})
    assert bad.status_code == 200
    assert "Questionnaire invalide" in bad.content.decode()
    assert not Questionnaire.objects.filter(version="2").exists()
    import json

    content = dict(old.content, version="2")
    good = client.post(
        url,
        {"kind": "trust", "version": "2", "content": json.dumps(content), "is_current": "on"},
    )
    assert good.status_code == 302, good.context["adminform"].form.errors.as_json()
    old.refresh_from_db()
    assert not old.is_current
    assert Questionnaire.objects.get(kind="trust", is_current=True).version == "2"


@pytest.mark.django_db
def test_flag_command_says_how_many(capsys):
    call_command("flag_outdated_assessments")
    assert "0 assessment(s) flagged" in capsys.readouterr().out
