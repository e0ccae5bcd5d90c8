"""Usage estimate: formulas checked against hand-computed values; EcoLogits offline."""

import json
import socket

import pytest
from ecologits.impacts.llm import compute_llm_impacts
from hypothesis import given, settings
from hypothesis import strategies as st

from citeia.assessment.frugality import UsageError, estimate, estimate_generative


def test_inference_estimate_matches_hand_computation():
    e = estimate(
        {
            "energy_per_inference_wh": 0.5,
            "requests_per_day": 1000,
            "training_energy_kwh": 300,
            "lifetime_years": 3,
            "servers": 0.1,
            "gpus": 0.5,
        }
    )
    # 0.5 Wh × 1 000 × 365 / 1 000 = 182.5 kWh ; training 300 / 3 = 100 kWh/year;
    # (182.5 + 100) × 1.46 = 412.45 kWh ; × 56.039 g/kWh = 23.1132855… kg.
    assert e.yearly_requests == 365_000
    assert e.yearly_kwh == pytest.approx(412.45)
    assert e.yearly_usage_kgco2e == pytest.approx(412.45 * 56.039 / 1000)
    # 0.1 × 5 700 / 4 + 0.5 × 273 / 3 = 142.5 + 45.5 = 188 kg.
    assert e.yearly_embodied_kgco2e == pytest.approx(188)
    assert e.yearly_kgco2e == pytest.approx(188 + 412.45 * 56.039 / 1000)
    # Per request: 0.5 Wh + 300 000 Wh / 1 095 000 requests, × PUE.
    assert e.per_request_wh == pytest.approx((0.5 + 300_000 / 1_095_000) * 1.46)
    data = json.loads(json.dumps(e.to_dict()))
    assert data["lines"][0] == (
        "Énergie d'inférence = 0,5 Wh × 1\u202f000 requêtes/jour × 365 jours ÷ 1 000 = 182,5 kWh/an"
    )
    assert "Énergie totale = (182,5 + 100) kWh × PUE 1,46 = 412,45 kWh/an" in data["lines"]
    keys = {c["key"]: c for c in data["constants"]}
    assert keys["pue"]["value"] == 1.46 and "Arcep" in keys["pue"]["source"]
    assert keys["carbon_intensity"]["value"] == 56.039
    assert keys["carbon_intensity"]["version"] == "codecarbon-3.3.2"
    assert keys["server_lifetime"]["value"] == 4 and keys["gpu_lifetime"]["value"] == 3
    assert all(c["source"] and c["version"] and c["unit"] for c in data["constants"])


def test_energy_per_1000_tokens_with_declared_pue_and_carbon_intensity():
    e = estimate(
        {
            "energy_per_1000_tokens_wh": 2,
            "tokens_per_request": 500,
            "requests_per_day": 100,
            "days_per_year": 200,
            "pue": 1.2,
            "carbon_intensity_g_per_kwh": 100,
            "carbon_intensity_source": "Contrat de l'hébergeur 2026",
        }
    )
    # 2 Wh × 500 / 1 000 = 1 Wh per request; 20 000 requests → 20 kWh × 1.2 = 24 kWh → 2.4 kg.
    assert e.yearly_kwh == pytest.approx(24)
    assert e.yearly_usage_kgco2e == pytest.approx(2.4)
    assert e.yearly_embodied_kgco2e == 0
    grid = next(c for c in e.constants if c.key == "carbon_intensity")
    assert grid.source == "Contrat de l'hébergeur 2026" and grid.version == "déclarée"
    pue = next(c for c in e.constants if c.key == "pue")
    assert pue.value == 1.2 and pue.source == "Valeur déclarée"


def test_ecologits_grid_can_be_chosen_and_is_stored():
    e = estimate({"energy_per_inference_wh": 1, "requests_per_day": 1000, "grid": "fr-ecologits"})
    assert e.yearly_usage_kgco2e == pytest.approx(365 * 1.46 * 41.44 / 1000)
    assert e.to_dict()["constants"][1]["version"] == "ecologits-0.11.3"


def test_training_is_amortised_even_without_requests():
    e = estimate(
        {
            "energy_per_inference_wh": 1,
            "requests_per_day": 0,
            "training_energy_kwh": 50,
            "lifetime_years": 2,
            "pue": 1,
        }
    )
    assert e.yearly_kwh == pytest.approx(25)
    assert e.per_request_wh is None and e.per_request_gco2e is None


@pytest.mark.parametrize(
    ("usage", "field"),
    [
        ({"energy_per_inference_wh": -1, "requests_per_day": 10}, "energy_per_inference_wh"),
        ({"energy_per_inference_wh": 1, "requests_per_day": -5}, "requests_per_day"),
        ({"energy_per_inference_wh": 1, "requests_per_day": 1e12}, "requests_per_day"),
        ({"energy_per_inference_wh": 1, "requests_per_day": 10, "pue": 0.8}, "pue"),
        (
            {"energy_per_inference_wh": 1, "requests_per_day": 10, "days_per_year": 400},
            "days_per_year",
        ),
        (
            {"energy_per_inference_wh": "beaucoup", "requests_per_day": 10},
            "energy_per_inference_wh",
        ),
        (
            {"energy_per_inference_wh": float("nan"), "requests_per_day": 10},
            "energy_per_inference_wh",
        ),
        ({"energy_per_inference_wh": True, "requests_per_day": 10}, "energy_per_inference_wh"),
        ({"requests_per_day": 10}, "energy_per_inference_wh"),
        (
            {"energy_per_inference_wh": 1, "energy_per_1000_tokens_wh": 1, "requests_per_day": 1},
            "energy_per_inference_wh",
        ),
        ({"energy_per_1000_tokens_wh": 1, "requests_per_day": 1}, "tokens_per_request"),
        ({"energy_per_inference_wh": 1}, "requests_per_day"),
        ({"energy_per_inference_wh": 1, "requests_per_day": 1, "grid": "mars"}, "grid"),
        (
            {"energy_per_inference_wh": 1, "requests_per_day": 1, "carbon_intensity_g_per_kwh": 50},
            "carbon_intensity_source",
        ),
        ({"energy_per_inference_wh": 1, "requests_per_day": 1, "servers": -2}, "servers"),
        ({"energy_per_inference_wh": 1, "requests_per_day": 1, "couleur": "bleu"}, "couleur"),
        ({"method": "magie"}, "method"),
    ],
)
def test_negative_or_absurd_usage_raises_usage_error_naming_the_field(usage, field):
    with pytest.raises(UsageError) as exc:
        estimate(usage)
    assert exc.value.field == field
    assert exc.value.message


def test_negative_value_message_is_explicit():
    with pytest.raises(UsageError, match="négative"):
        estimate({"energy_per_inference_wh": 1, "requests_per_day": -5})


@pytest.mark.parametrize("value", ["0,5", "1", None, ""])
def test_a_present_figure_must_be_a_json_number(value):
    with pytest.raises(UsageError) as exc:
        estimate({"energy_per_inference_wh": value, "requests_per_day": 10})
    assert exc.value.code == "not_a_number"


@pytest.mark.parametrize(
    ("usage", "field"),
    [
        (
            {"energy_per_inference_wh": 1, "requests_per_day": 1, "tokens_per_request": 5},
            "tokens_per_request",
        ),
        (
            {"energy_per_inference_wh": 1, "requests_per_day": 1, "carbon_intensity_source": "x"},
            "carbon_intensity_source",
        ),
        (
            {
                "energy_per_inference_wh": 1,
                "requests_per_day": 1,
                "grid": "fr-ecologits",
                "carbon_intensity_g_per_kwh": 30,
                "carbon_intensity_source": "x",
            },
            "grid",
        ),
        ({"energy_per_inference_wh": 1, "requests_per_day": 1, "grid": None}, "grid"),
        ({"method": None}, "method"),
    ],
)
def test_fields_that_do_not_go_together_are_refused(usage, field):
    with pytest.raises(UsageError) as exc:
        estimate(usage)
    assert exc.value.field == field


def test_generative_estimate_is_ecologits_offline_computation_times_usage():
    usage = {
        "method": "generative",
        "total_parameters_billion": 7,
        "output_tokens_per_request": 400,
        "requests_per_day": 500,
        "days_per_year": 250,
    }
    e = estimate(usage)
    ref = compute_llm_impacts(
        model_active_parameter_count=7,
        model_total_parameter_count=7,
        output_token_count=400,
        if_electricity_mix_adpe=4.858e-08,
        if_electricity_mix_pe=9.3135,
        if_electricity_mix_gwp=0.04144,
        if_electricity_mix_wue=3.6737,
        datacenter_pue=1.46,
        datacenter_wue=0.0,
    )
    n = 500 * 250
    assert e.method == "generative"
    assert e.yearly_kwh == pytest.approx(ref.usage.energy.value * n)
    assert e.yearly_usage_kgco2e == pytest.approx(ref.usage.gwp.value * n)
    assert e.yearly_embodied_kgco2e == pytest.approx(ref.embodied.gwp.value * n)
    # On the French grid, the GPU servers' manufacturing outweighs the electricity.
    assert e.yearly_embodied_kgco2e > e.yearly_usage_kgco2e
    data = e.to_dict()
    assert any("EcoLogits" in c["source"] for c in data["constants"])
    grid = next(c for c in data["constants"] if c["key"] == "carbon_intensity")
    assert grid["value"] == pytest.approx(41.44)


def test_generative_mixture_of_experts_uses_active_parameters():
    dense = estimate_generative(
        {"total_parameters_billion": 47, "output_tokens_per_request": 300, "requests_per_day": 100}
    )
    moe = estimate_generative(
        {
            "total_parameters_billion": 47,
            "active_share": 13 / 47,
            "output_tokens_per_request": 300,
            "requests_per_day": 100,
        }
    )
    assert moe.yearly_kwh < dense.yearly_kwh


@pytest.mark.parametrize(
    ("usage", "field"),
    [
        ({"output_tokens_per_request": 10, "requests_per_day": 1}, "total_parameters_billion"),
        (
            {
                "total_parameters_billion": 7,
                "active_share": 1.5,
                "output_tokens_per_request": 10,
                "requests_per_day": 1,
            },
            "active_share",
        ),
        ({"total_parameters_billion": 7, "requests_per_day": 1}, "output_tokens_per_request"),
        (
            {
                "total_parameters_billion": 7,
                "output_tokens_per_request": 10,
                "requests_per_day": 1,
                "electricity_zone": "ATL",
            },
            "electricity_zone",
        ),
        (
            {
                "total_parameters_billion": -7,
                "output_tokens_per_request": 10,
                "requests_per_day": 1,
            },
            "total_parameters_billion",
        ),
        (
            {
                "total_parameters_billion": 7,
                "output_tokens_per_request": 10,
                "requests_per_day": 1,
                "energy_per_inference_wh": 3,
            },
            "energy_per_inference_wh",
        ),
    ],
)
def test_generative_bad_input_names_the_field(usage, field):
    with pytest.raises(UsageError) as exc:
        estimate_generative(usage)
    assert exc.value.field == field


def test_generative_estimate_makes_no_network_call(monkeypatch):
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError("network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    e = estimate_generative(
        {
            "total_parameters_billion": 70,
            "output_tokens_per_request": 800,
            "requests_per_day": 50,
            "electricity_zone": "SWE",
        }
    )
    assert e.yearly_kwh > 0
    assert calls == []


figures = st.fixed_dictionaries(
    {
        "energy_per_inference_wh": st.floats(0, 100),
        "requests_per_day": st.floats(0, 1_000_000),
        "training_energy_kwh": st.floats(0, 100_000),
        "pue": st.floats(1, 3),
        "servers": st.floats(0, 10),
    }
)


@settings(max_examples=60, deadline=None)
@given(figures, st.floats(1.01, 5))
def test_more_requests_never_lower_energy_or_emissions(usage, factor):
    base = estimate(usage)
    more = estimate({**usage, "requests_per_day": min(usage["requests_per_day"] * factor, 1e8)})
    assert more.yearly_kwh >= base.yearly_kwh
    assert more.yearly_kgco2e >= base.yearly_kgco2e
    assert base.yearly_kgco2e == pytest.approx(
        base.yearly_usage_kgco2e + base.yearly_embodied_kgco2e
    )


@settings(max_examples=60, deadline=None)
@given(figures)
def test_energy_is_proportional_to_pue(usage):
    at_one = estimate({**usage, "pue": 1})
    assert estimate(usage).yearly_kwh == pytest.approx(at_one.yearly_kwh * usage["pue"])


def test_english_lines_and_labels_mirror_the_french():
    e = estimate({"energy_per_inference_wh": 0.5, "requests_per_day": 1000, "servers": 0.1})
    assert len(e.lines_en) == len(e.lines)
    # 182.5 kWh × 1.46 × 56.039 g = 14.93 kg; 0.1 × 5 700 / 4 = 142.5 kg.
    assert e.lines_en[-1] == "Total = 14.93 + 142.5 = 157.43 kgCO2e/year"
    assert e.to_dict()["constants"][0]["label_en"] == "Average PUE of data centres in France"
    g = estimate_generative(
        {"total_parameters_billion": 7, "output_tokens_per_request": 400, "requests_per_day": 1}
    )
    assert len(g.lines_en) == len(g.lines) and g.notes_en
    assert "Carbon intensity of electricity (France)" in [
        c.to_dict()["label_en"] for c in g.constants
    ]
