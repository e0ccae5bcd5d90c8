"""The catalogue's reference data (domains, techniques, the evaluation grid) in English.

They are stored in French; citeia/catalogue/data_labels.py lists them for makemessages
and the pages display them through gettext. These tests check the module is up to date
with the data files, that no catalogue template prints one of these labels untranslated,
and, with a label whose translation the catalogue already has, that the pages translate.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from citeia.catalogue import data_labels
from citeia.catalogue.models import Domain, Technique
from citeia.core import search

from .catalogue_factories import SolutionFactory

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "citeia" / "catalogue" / "data"
TEMPLATES = ROOT / "citeia" / "catalogue" / "templates"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "catalogue_data_labels", ROOT / "scripts" / "catalogue_data_labels.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _data():
    taxonomy = json.loads((DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    grid = json.loads((DATA_DIR / "grid_v1.json").read_text(encoding="utf-8"))
    return taxonomy, grid


# --- The module of labels ----------------------------------------------------------


def test_data_labels_module_is_up_to_date_with_the_data_files():
    generated = _generator().render()
    current = (ROOT / "citeia" / "catalogue" / "data_labels.py").read_text(encoding="utf-8")
    assert current == generated, (
        "citeia/catalogue/data_labels.py is out of date: "
        "run .venv/bin/python scripts/catalogue_data_labels.py"
    )


def test_data_labels_list_every_label_the_pages_show():
    taxonomy, grid = _data()
    shown = {name for _slug, name, _description in taxonomy["domains"]}
    shown |= {name for _slug, name, _description in taxonomy["techniques"]}
    for criterion in grid["criteria"]:
        shown |= {criterion["name"], criterion["description"]}
        shown |= {criterion["question"]} - {""}
        for level in criterion["levels"]:
            shown |= {level["label"], level["description"]}
    assert shown <= set(data_labels.LABELS)
    assert len(data_labels.LABELS) == len(set(data_labels.LABELS))


def test_labels_have_no_percent_sign():
    # {% translate variable %} looks the msgid up with "%" doubled: it would never match.
    assert not [label for label in data_labels.LABELS if "%" in label]


# --- Templates ----------------------------------------------------------------------

DATA_OBJECT = r"\b(?:domain|technique|criterion|level|network|central)"
DATA_FIELD = r"\.(?:name|label|description|question)\b"
RAW_PATTERNS = [
    # {{ domain.name }}, {{ row.criterion.description }}, {{ score.level.label|upper }}
    re.compile(r"\{\{\s*[\w.]*" + DATA_OBJECT + DATA_FIELD + r"[^}]*\}\}"),
    # {{ domain }}, {{ criterion|default:"—" }}: the model's __str__ is its French name
    re.compile(r"\{\{\s*[\w.]*" + DATA_OBJECT + r"s?\s*(?:\||\}\})"),
    # {{ solution.domains.all|join:", " }}
    re.compile(r"\{\{\s*[\w.]*\b(?:domains|techniques|criteria|levels)\b[\w.]*\s*\|\s*join"),
    # {% blocktranslate with name=criterion.name %}, {% include … with name=domain.name %}
    re.compile(
        r"\{%\s*(?:blocktranslate|blocktrans|with|include)\b[^%]*=\s*[\w.]*"
        + DATA_OBJECT
        + DATA_FIELD
        + r"[^%]*%\}"
    ),
]


def raw_labels(source: str) -> list[str]:
    """What a template prints of the reference data without {% translate %}."""
    return [match.group(0) for pattern in RAW_PATTERNS for match in pattern.finditer(source)]


@pytest.mark.parametrize(
    "source",
    [
        "<p>{{ domain.name }}</p>",
        "<th>{{ row.criterion.name }}</th>",
        "{{ score.level.label|capfirst }}",
        "<td>{{ level.description }}</td>",
        "{{ criterion.question }}",
        "{{ technique }}",
        '<td>{{ solution.domains.all|join:", " }}</td>',
        '{{ techniques|join:", "|default:"—" }}',
        "{% blocktranslate with name=criterion.name %}Pour {{ name }}{% endblocktranslate %}",
        '{% include "x.html" with label=domain.name %}',
    ],
)
def test_the_check_finds_a_raw_label(source):
    assert raw_labels(source)


@pytest.mark.parametrize(
    "source",
    [
        "{% translate domain.name %}",
        "{% translate row.criterion.name as criterion_name %}{{ criterion_name }}",
        "{% blocktranslate with name=criterion_name %}Pour {{ name }}{% endblocktranslate %}",
        "{% if criterion.question %}",
        '<a href="#critere-{{ row.criterion.key }}">',
        "{{ level.score }}",
        "{{ solution.name }} {{ solution.vendor.name }} {{ extra.attribute.label }}",
    ],
)
def test_the_check_lets_translated_labels_and_other_fields_through(source):
    assert not raw_labels(source)


def test_no_catalogue_template_prints_a_reference_label_untranslated():
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        raw = raw_labels(path.read_text(encoding="utf-8"))
        if raw:
            found[str(path.relative_to(ROOT))] = raw
    assert not found, "print these through {% translate %}: " + repr(found)


# --- Pages --------------------------------------------------------------------------
# A label whose English translation locale/en already has, so that the test does not
# depend on the data labels' translations being merged into django.po.

KNOWN_MSGID = "Entreprise"


@pytest.fixture
def english(client):
    with translation.override("en"):
        expected = translation.gettext(KNOWN_MSGID)
    if expected == KNOWN_MSGID:
        pytest.fail(f"locale/en no longer translates {KNOWN_MSGID!r}: pick another msgid")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return expected


@pytest.mark.django_db
def test_english_pages_translate_domain_and_technique_names(client, english):
    domain = Domain.objects.create(slug="test-traduit", name=KNOWN_MSGID, position=99)
    technique = Technique.objects.create(slug="test-traduite", name=KNOWN_MSGID, position=99)
    solution = SolutionFactory(slug="traduite", domains=[domain], techniques=[technique])
    search.index(solution)

    page = client.get(solution.get_absolute_url()).content.decode()
    assert f'?domaine=test-traduit">{english}</a>' in page
    assert f'?domaine=test-traduit">{KNOWN_MSGID}</a>' not in page

    response = client.get("/catalogue/")
    facets = {facet.key: facet for facet in response.context["facets"]}
    domains = {option.value: option.label for option in facets["domaine"].options}
    techniques = {option.value: option.label for option in facets["technique"].options}
    assert domains["test-traduit"] == english
    assert techniques["test-traduite"] == english
