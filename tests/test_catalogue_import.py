"""Import of solutions from JSON Lines: `import_solutions` and `importer.import_lines`."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from citeia.accounts.models import Organisation
from citeia.catalogue.importer import import_lines
from citeia.catalogue.models import (
    AttributeType,
    ExtraAttribute,
    Reference,
    Solution,
    SolutionStatus,
    VendorProfile,
)
from citeia.core import search
from citeia.core.permissions import MemberRole

from .catalogue_factories import SolutionFactory, VendorFactory
from .factories import MembershipFactory

pytestmark = pytest.mark.django_db


def solution_line(**overrides) -> dict:
    line = {
        "vendor": "vendeur-import",
        "name": "Tri'Déchets",
        "summary": "Reconnaît les dépôts sauvages sur les photos des agents de propreté.",
        "description": "Aide les **services de propreté** à traiter les signalements.",
        "domains": ["dechets"],
        "techniques": ["vision"],
        "maturity": "pilot",
        "licence": "AGPL-3.0-or-later",
        "deployment": "on_premise",
        "hosting": "customer",
        "personal_data": "personal",
        "model_provenance": "open_weights",
        "model_name": "Modèle de détection ouvert",
        "website": "https://tri-dechets.example",
        "latest_version": "2.1",
        "latest_version_date": "2025-03-14",
    }
    line.update(overrides)
    return line


def jsonl(*records) -> list[str]:
    return [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]


@pytest.fixture
def vendor():
    return VendorFactory(slug="vendeur-import", name="Vendeur Import")


@pytest.fixture
def import_file(tmp_path):
    def write(*records) -> str:
        path = tmp_path / "solutions.jsonl"
        path.write_text("\n".join(jsonl(*records)) + "\n", encoding="utf-8")
        return str(path)

    return write


def run(path, *args) -> tuple[str, str, CommandError | None]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_solutions", path, *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def test_command_imports_a_solution_as_draft_with_all_fields(vendor, import_file):
    out, err, failure = run(import_file(solution_line()))
    assert failure is None, err
    solution = Solution.objects.get(vendor=vendor, name="Tri'Déchets")
    assert solution.status == SolutionStatus.DRAFT
    assert solution.is_free_software  # AGPL is OSI-approved, so free software by default
    assert [d.slug for d in solution.domains.all()] == ["dechets"]
    assert [t.slug for t in solution.techniques.all()] == ["vision"]
    assert str(solution.latest_version_date) == "2025-03-14"
    assert solution.history.first().history_change_reason == "Import"
    assert "1 solution créée" in out


def test_publish_option_publishes_imported_solutions(vendor, import_file):
    run(import_file(solution_line()), "--publish")
    solution = Solution.objects.get(name="Tri'Déchets")
    assert solution.status == SolutionStatus.PUBLISHED
    assert solution.published_at is not None


def test_new_vendor_is_created_with_its_profile(import_file):
    vendor = {
        "slug": "nouvel-editeur",
        "name": "Nouvel Éditeur",
        "kind": "association",
        "size": "non_profit",
        "networks": ["numerique-en-communs"],
        "purchasing_centrals": ["ugap"],
    }
    _out, err, failure = run(import_file(solution_line(vendor=vendor)))
    assert failure is None, err
    organisation = Organisation.objects.get(slug="nouvel-editeur")
    assert organisation.kind == "association"
    profile = VendorProfile.objects.get(organisation=organisation)
    assert [n.slug for n in profile.networks.all()] == ["numerique-en-communs"]
    assert [c.slug for c in profile.purchasing_centrals.all()] == ["ugap"]
    assert organisation.solutions.count() == 1


def test_vendor_is_found_by_siren(import_file):
    VendorFactory(slug="par-siren", siren="732829320")
    _out, err, failure = run(import_file(solution_line(vendor="732 829 320")))
    assert failure is None, err
    assert Solution.objects.get().vendor.slug == "par-siren"


def test_references_by_insee_code_or_slug(vendor, import_file):
    references = [
        {"organisation": "93048", "status": "deployed", "since": "2024-01-15"},
        {"organisation": "antony", "status": "exploring", "public_feedback": "Premiers essais."},
    ]
    _out, err, failure = run(import_file(solution_line(references=references)))
    assert failure is None, err
    rows = Reference.objects.order_by("organisation__name")
    assert [(r.organisation.slug, r.status) for r in rows] == [
        ("antony", "exploring"),
        ("montreuil", "deployed"),
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"licence": "WTFPL-9"}, "licence", "Licence inconnue"),
        ({"website": "pas une adresse"}, "website", "URL valide"),
        ({"domains": ["dechets", "astrologie"]}, "domains", "astrologie"),
        ({"techniques": ["telepathie"]}, "techniques", "telepathie"),
        ({"summary": ""}, "summary", "obligatoire"),
        ({"maturity": "legendaire"}, "maturity", "legendaire"),
        ({"vendor": "inconnu"}, "vendor", "Fournisseur inconnu"),
        ({"latest_version_date": "14/03/2025"}, "latest_version_date", "AAAA-MM-JJ"),
        ({"couleur": "bleu"}, "couleur", "Champ inconnu"),
        ({"certifications": ["iso9001"]}, "certifications", "iso9001"),
        ({"references": [{"organisation": "99999", "status": "deployed"}]}, "references[1]", ""),
    ],
)
def test_bad_line_is_reported_with_line_number_and_field(
    vendor, import_file, overrides, field, message
):
    good = solution_line(name="Bonne ligne")
    _out, err, failure = run(import_file(good, solution_line(**overrides)))
    assert failure is not None
    assert f"Ligne 2, champ « {field}" in err
    assert message in err
    assert list(Solution.objects.values_list("name", flat=True)) == ["Bonne ligne"]


def test_missing_required_field_is_named(vendor, import_file):
    line = solution_line()
    del line["maturity"]
    _out, err, failure = run(import_file(line))
    assert failure is not None
    assert "Ligne 1, champ « maturity » : Champ obligatoire manquant." in err
    assert not Solution.objects.exists()


def test_malformed_json_line_is_reported(vendor, import_file):
    _out, err, failure = run(import_file('{"name": "Oups",', solution_line()))
    assert failure is not None
    assert "Ligne 1 : JSON invalide" in err
    assert Solution.objects.count() == 1


def test_line_that_is_not_an_object_is_refused(vendor, import_file):
    _out, err, _failure = run(import_file('["une", "liste"]'))
    assert "Ligne 1 : Chaque ligne doit être un objet JSON" in err


def test_duplicate_in_file_is_reported_on_the_second_line(vendor, import_file):
    _out, err, failure = run(import_file(solution_line(), "", solution_line(summary="Autre.")))
    assert failure is not None
    assert "Ligne 3, champ « name » : Doublon" in err
    assert "ligne 1" in err
    assert Solution.objects.get().summary.startswith("Reconnaît")


def test_bad_line_after_a_vendor_creation_leaves_no_vendor_behind(import_file):
    vendor = {"slug": "editeur-fantome", "name": "Éditeur fantôme", "kind": "company"}
    _out, _err, failure = run(import_file(solution_line(vendor=vendor, licence="Nope-1.0")))
    assert failure is not None
    assert not Organisation.objects.filter(slug="editeur-fantome").exists()


def test_partial_bad_file_imports_only_good_lines_and_reports_the_bad_ones(vendor, import_file):
    path = import_file(
        solution_line(name="Première"),
        solution_line(name="Deuxième", website="ftp:/nulle-part"),
        solution_line(name="Troisième"),
        "pas du json",
    )
    out, err, failure = run(path)
    assert failure is not None
    assert sorted(Solution.objects.values_list("name", flat=True)) == ["Première", "Troisième"]
    assert "Ligne 2, champ « website »" in err
    assert "Ligne 4 : JSON invalide" in err
    assert "4 lignes lues : 2 solutions créées" in out
    assert "2 lignes en erreur" in out


def test_atomic_option_imports_nothing_when_a_line_is_bad(vendor, import_file):
    path = import_file(solution_line(name="Première"), solution_line(name="Bad", licence="X-1"))
    out, _err, failure = run(path, "--atomic")
    assert failure is not None
    assert not Solution.objects.exists()
    assert "aucune ligne n'a été enregistrée" in out


def test_dry_run_writes_nothing(import_file):
    vendor = {"slug": "essai", "name": "Essai", "kind": "company"}
    out, err, failure = run(import_file(solution_line(vendor=vendor)), "--dry-run")
    assert failure is None, err
    assert "1 solution créée" in out
    assert "rien n'a été enregistré" in out
    assert not Solution.objects.exists()
    assert not Organisation.objects.filter(slug="essai").exists()


def test_an_import_writes_one_version_with_its_lists(vendor, import_file):
    run(import_file(solution_line(domains=["dechets", "eau"])))
    solution = Solution.objects.get()
    assert solution.history.count() == 1
    version = solution.history.get()
    assert {d.domain.slug for d in version.domains.all()} == {"dechets", "eau"}
    assert {t.technique.slug for t in version.techniques.all()} == {"vision"}

    # Changing only a list writes one more version, holding the new list.
    run(import_file(solution_line(domains=["eau"], techniques=["vision", "prediction"])))
    assert solution.history.count() == 2
    latest = solution.history.first()
    assert {d.domain.slug for d in latest.domains.all()} == {"eau"}
    assert latest.history_change_reason == "Import"


def test_importing_twice_updates_instead_of_duplicating(vendor, import_file):
    path = import_file(solution_line())
    run(path, "--publish")
    history = Solution.history.count()
    out, _err, failure = run(path, "--publish")
    assert failure is None
    assert Solution.objects.count() == 1
    assert "1 inchangée" in out
    assert Solution.history.count() == history  # nothing changed, nothing written

    out, _err, _failure = run(import_file(solution_line(summary="Nouveau résumé.")))
    solution = Solution.objects.get()
    assert solution.summary == "Nouveau résumé."
    assert solution.status == SolutionStatus.PUBLISHED  # an update keeps the status
    assert "1 mise à jour" in out


def test_imported_solutions_are_found_by_french_search(
    vendor, import_file, django_capture_on_commit_callbacks
):
    path = import_file(solution_line())
    with django_capture_on_commit_callbacks(execute=True):
        run(path)
    found = search.filter_and_rank(Solution.objects.all(), "dechet")
    assert [s.name for s in found] == ["Tri'Déchets"]


def test_dry_run_indexes_nothing(vendor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        import_lines(jsonl(solution_line()), actor=None, dry_run=True)
    assert callbacks == []


def test_extra_attributes_are_typed(vendor, import_file):
    ExtraAttribute.objects.create(key="ugap", label="Au catalogue UGAP", type=AttributeType.BOOLEAN)
    ExtraAttribute.objects.create(key="agents", label="Agents", type=AttributeType.NUMBER)
    path = import_file(
        solution_line(name="A", extra={"ugap": True, "agents": 12}),
        solution_line(name="B", extra={"ugap": "oui"}),
    )
    _out, err, _failure = run(path)
    assert "Ligne 2, champ « extra.ugap » : Valeur attendue : true ou false." in err
    solution = Solution.objects.get()
    assert {v.attribute.key: v.value for v in solution.extra_values.all()} == {
        "ugap": True,
        "agents": 12,
    }


def test_similar_to_links_existing_solutions(vendor, import_file):
    other = SolutionFactory(slug="voisine")
    _out, err, failure = run(import_file(solution_line(similar_to=["voisine"])))
    assert failure is None, err
    assert list(Solution.objects.get(name="Tri'Déchets").similar_to.all()) == [other]


# --- Acting as a vendor user ----------------------------------------------------------


def test_vendor_user_imports_only_for_their_organisation(vendor, import_file):
    editor = MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user
    other = VendorFactory(slug="autre-vendeur")
    path = import_file(solution_line(), solution_line(vendor=other.slug, name="Pas à moi"))
    _out, err, failure = run(path, "--vendor-user", editor.email)
    assert failure is not None
    assert "Ligne 2, champ « vendor » : Vous ne pouvez pas importer" in err
    solution = Solution.objects.get()
    assert solution.vendor == vendor
    assert solution.status == SolutionStatus.DRAFT
    assert solution.history.first().history_user == editor


def test_vendor_user_cannot_publish(vendor, import_file):
    editor = MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user
    _out, _err, failure = run(
        import_file(solution_line()), "--vendor-user", editor.email, "--publish"
    )
    assert failure is not None
    assert "réservé à l'équipe programme" in str(failure)
    with pytest.raises(PermissionDenied):
        import_lines(jsonl(solution_line()), actor=editor, publish=True)


def test_vendor_user_cannot_change_a_solution_in_review(vendor, import_file):
    editor = MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user
    SolutionFactory(vendor=vendor, name="Tri'Déchets", status=SolutionStatus.IN_REVIEW)
    report = import_lines(jsonl(solution_line(summary="Changé.")), actor=editor)
    assert [str(e) for e in report.errors] == [
        "Ligne 1, champ « name » : Cette solution est en relecture : "
        "elle ne peut pas être modifiée maintenant."
    ]


def test_vendor_user_may_not_create_vendors_nor_declare_references(vendor):
    editor = MembershipFactory(organisation=vendor, role=MemberRole.EDITOR).user
    new_vendor = {"slug": "x", "name": "X", "kind": "company"}
    report = import_lines(
        jsonl(
            solution_line(vendor=new_vendor),
            solution_line(references=[{"organisation": "93048", "status": "deployed"}]),
        ),
        actor=editor,
    )
    assert [(e.line, e.field) for e in report.errors] == [(1, "vendor"), (2, "references")]
    assert not Solution.objects.exists()


def test_unknown_vendor_user_is_refused(import_file):
    _out, _err, failure = run(import_file(solution_line()), "--vendor-user", "nobody@x.test")
    assert failure is not None
    assert "Aucun compte actif" in str(failure)


def test_missing_file_is_a_clear_error(tmp_path):
    _out, _err, failure = run(str(tmp_path / "absent.jsonl"))
    assert "Lecture impossible" in str(failure)


def test_import_lines_reports_for_an_admin_page(vendor, make_user):
    team = make_user("programme_team")
    report = import_lines(
        jsonl(solution_line(), solution_line(name="Mauvaise", licence="Nope")),
        actor=team,
        publish=True,
    )
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert report.error_lines == [2]
    assert report.written
    assert Solution.objects.get().status == SolutionStatus.PUBLISHED


def test_example_of_the_documentation_imports_cleanly(tmp_path):
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "catalogue-import.md").read_text()
    example = doc.split("## Exemple", 1)[1].split("```json\n", 1)[1].split("```", 1)[0]
    report = import_lines(example.splitlines(), actor=None, publish=True)
    assert report.errors == []
    assert report.created == 2
    assert Reference.objects.get().organisation.slug == "montreuil"
    assert Organisation.objects.get(slug="editeur-exemple").vendor_profile.size == "sme"
