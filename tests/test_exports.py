"""CSV and JSON exports: through HTTP for the public lists, and the streaming helper itself."""

import csv
import io
import json
import tracemalloc
import types
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from hypothesis import given
from hypothesis import strategies as st

from citeia.accounts.models import Organisation
from citeia.core.csvsafe import FORMULA_PREFIXES, neutralise_cell
from citeia.core.exports import Column, csv_lines, json_chunks
from citeia.territory.models import Commune

from .factories import OrganisationFactory

BOM = "\ufeff"


def _body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    # Consuming the stream to its end lets the test client close the response.
    return b"".join(response.streaming_content).decode("utf-8")


def _csv_rows(text: str, delimiter: str = ",") -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :], newline=""), delimiter=delimiter))


# Through HTTP


@pytest.mark.django_db
def test_territory_csv_export_starts_with_the_bom_and_lists_the_twelve(client):
    response = client.get("/territoire/territoires.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="citeia-territoires.csv"'
    body = _body(response)
    assert body.encode("utf-8").startswith(b"\xef\xbb\xbf")
    header, *rows = _csv_rows(body)
    assert header == [
        "code",
        "nom",
        "siren",
        "nature",
        "siege_code_insee",
        "nombre_communes",
        "population",
    ]
    assert sorted(row[0] for row in rows) == sorted(f"T{n}" for n in range(1, 13))
    t6 = next(row for row in rows if row[0] == "T6")
    assert t6[5] == "8"
    assert int(t6[6]) == sum(
        Commune.objects.filter(territory__code="T6").values_list("population", flat=True)
    )


@pytest.mark.django_db
def test_semicolon_separator_for_french_spreadsheets(client):
    body = _body(client.get("/territoire/territoires.csv", {"sep": "semicolon"}))
    first_line = body.split("\r\n", 1)[0]
    assert first_line == BOM + "code;nom;siren;nature;siege_code_insee;nombre_communes;population"
    rows = _csv_rows(body, delimiter=";")
    assert len(rows) == 13
    assert all(len(row) == 7 for row in rows)


@pytest.mark.django_db
def test_territory_json_export_is_valid_json(client):
    response = client.get("/territoire/territoires.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="citeia-territoires.json"'
    data = json.loads(_body(response))
    assert len(data) == 12
    paris = next(item for item in data if item["code"] == "T1")
    assert paris["seat_insee_code"] == "75056"
    assert paris["commune_count"] == 1
    assert paris["population"] == 2103778


@pytest.mark.django_db
def test_commune_csv_export_of_t6_has_its_eight_communes(client):
    response = client.get("/territoire/communes/", {"format": "csv", "territoire": "T6"})
    assert response.status_code == 200
    header, *rows = _csv_rows(_body(response))
    assert header[0] == "code_insee"
    assert len(rows) == 8
    assert {row[header.index("territoire")] for row in rows} == {"T6"}
    # Numbers stay numbers: no neutralising quote in front of them.
    assert all(row[header.index("population")].isdigit() for row in rows)


@pytest.mark.django_db
def test_commune_json_export_filtered_by_department(client):
    response = client.get("/territoire/communes/", {"format": "json", "departement": "93"})
    data = json.loads(_body(response))
    assert len(data) == Commune.objects.filter(department_code="93").count()
    assert {item["department_code"] for item in data} == {"93"}
    assert all(isinstance(item["population"], int) for item in data)


@pytest.mark.django_db
def test_commune_export_defaults_to_csv(client):
    response = client.get("/territoire/communes/")
    assert response["Content-Disposition"] == 'attachment; filename="citeia-communes.csv"'
    assert len(_csv_rows(_body(response))) == 131


@pytest.mark.django_db
def test_organisation_csv_export_filtered_by_type_has_the_eleven_ept(client):
    response = client.get("/organisations/", {"format": "csv", "type": "ept"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="citeia-organisations.csv"'
    header, *rows = _csv_rows(_body(response))
    assert len(rows) == 11
    assert {row[header.index("type")] for row in rows} == {"ept"}
    assert {row[header.index("donnee_de_demonstration")] for row in rows} == {"non"}


@pytest.mark.django_db
def test_organisation_json_export(client):
    data = json.loads(_body(client.get("/organisations/", {"format": "json", "type": "ept"})))
    assert len(data) == 11
    assert all(item["is_demo"] is False for item in data)


@pytest.mark.django_db
def test_formula_in_a_name_is_neutralised_in_csv_but_kept_in_json(client):
    formulas = ['=HYPERLINK("http://exemple.test","Piege")', "@SUM(Piege)", "-1+Piege", "+Piege"]
    for n, name in enumerate(formulas):
        OrganisationFactory(name=name, slug=f"piege-{n}")
    csv_body = _body(client.get("/organisations/", {"format": "csv", "q": "Piege"}))
    header, *rows = _csv_rows(csv_body)
    assert sorted(row[header.index("nom")] for row in rows) == sorted(
        "'" + name for name in formulas
    )
    data = json.loads(_body(client.get("/organisations/", {"format": "json", "q": "Piege"})))
    assert sorted(item["name"] for item in data) == sorted(formulas)


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_the_rows(client, django_assert_max_num_queries):
    for n in range(30):
        OrganisationFactory(name=f"Entreprise {n}")
    assert Organisation.objects.count() > 170
    for fmt in ("csv", "json"):
        with django_assert_max_num_queries(2):
            _body(client.get("/organisations/", {"format": fmt}))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/territoire/territoires.xml", "Format inconnu : utilisez .csv ou .json."),
        ("/territoire/communes/?format=xlsx", "Format d&#x27;export inconnu « xlsx »"),
        ("/organisations/?format=pdf", "Format d&#x27;export inconnu « pdf »"),
    ],
)
def test_unknown_export_format_is_a_404_in_french(client, url, message):
    response = client.get(url)
    assert response.status_code == 404
    assert message in response.content.decode()


# The helpers, directly

COLUMNS = [
    Column("n", "numéro"),
    Column("label", "libellé"),
    Column("amount", "montant"),
    Column("city", "ville", "place.city"),
]


def _rows(count: int):
    for n in range(count):
        yield {
            "n": n,
            "label": f"Ligne {n} : une description assez longue pour peser dans la mémoire",
            "amount": Decimal(-n) / 4,
            "place": {"city": "Saint-Denis"},
        }


def test_numbers_stay_numbers_and_text_formulas_are_quoted():
    rows = [
        {"n": -3, "label": "-3", "amount": Decimal("-1.50"), "place": {"city": "+33 1 00"}},
        {"n": 2.5, "label": "=1+1", "amount": None, "place": None},
    ]
    header, first, second = _csv_rows("".join(csv_lines(rows, COLUMNS)))
    assert header == ["numéro", "libellé", "montant", "ville"]
    assert first == ["-3", "'-3", "-1.50", "'+33 1 00"]
    assert second == ["2.5", "'=1+1", "", ""]


def test_csv_lines_stream_twenty_thousand_rows_in_flat_memory():
    lines = csv_lines(_rows(20_000), COLUMNS)
    assert isinstance(lines, types.GeneratorType)
    bound = 512 * 1024  # bytes
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        count = size = 0
        for line in lines:
            count += 1
            size += len(line)
        _, streamed_peak = tracemalloc.get_traced_memory()
        # The same output held at once, to show that the bound means something.
        tracemalloc.reset_peak()
        materialised = list(csv_lines(_rows(20_000), COLUMNS))
        _, materialised_peak = tracemalloc.get_traced_memory()
        del materialised
    finally:
        if not was_tracing:
            tracemalloc.stop()
    assert count == 20_001
    assert size > 1_500_000
    assert streamed_peak - start < bound
    assert materialised_peak - start > 4 * bound


def test_json_chunks_stream_valid_json():
    chunks = json_chunks(_rows(1_000), COLUMNS)
    assert isinstance(chunks, types.GeneratorType)
    data = json.loads("".join(chunks))
    assert len(data) == 1_000
    assert data[3] == {
        "n": 3,
        "label": "Ligne 3 : une description assez longue pour peser dans la mémoire",
        "amount": "-0.75",
        "city": "Saint-Denis",
    }
    assert json.loads("".join(json_chunks([], COLUMNS))) == []


@pytest.mark.django_db
def test_querysets_are_iterated_without_caching_every_row():
    communes = Commune.objects.select_related("territory").order_by("insee_code")
    columns = [Column("insee_code", "code"), Column("territory", "territoire", "territory.code")]
    lines = list(csv_lines(communes, columns))
    assert len(lines) == 131
    assert communes._result_cache is None


# Properties of the neutralisation


@given(st.text())
def test_no_neutralised_text_starts_like_a_formula(text):
    cell = neutralise_cell(text)
    assert not cell.startswith(FORMULA_PREFIXES)
    # Nothing is lost: the quote is the only change, and only when needed.
    if text.startswith(FORMULA_PREFIXES):
        assert cell == "'" + text
    else:
        assert cell == text


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.decimals(allow_nan=False)))
def test_numbers_are_never_quoted(number):
    cell = neutralise_cell(number)
    assert cell == str(number)
    assert Decimal(cell) == Decimal(str(number))


@given(st.lists(st.one_of(st.text(), st.integers(), st.none(), st.booleans()), max_size=6))
def test_neutralised_cells_survive_a_csv_round_trip(values):
    columns = [Column(f"c{i}", f"c{i}", lambda row, i=i: row[i]) for i in range(len(values))]
    for delimiter in (",", ";"):
        text = "".join(csv_lines([values], columns, delimiter=delimiter))
        parsed = _csv_rows(text, delimiter=delimiter)
        if not values:
            continue
        assert parsed[1] == [neutralise_cell(value) for value in values]
