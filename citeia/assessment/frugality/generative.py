"""Generative AI used through an API: EcoLogits' offline per-request computation.

We call `ecologits.impacts.llm.compute_llm_impacts` (pure arithmetic over the model size
and the generated tokens, no network) rather than re-deriving its method, and keep its
usage and embodied parts apart: on France's low-carbon grid the embodied share of the
GPU servers can exceed the usage share.
"""

from collections.abc import Mapping
from importlib import metadata
from typing import Final

from ecologits.electricity_mix_repository import electricity_mixes
from ecologits.impacts import llm as ecologits_llm
from ecologits.utils.range_value import RangeValue

from .estimate import (
    GENERATIVE_FIELDS,
    PUE_FRANCE,
    Constant,
    Estimate,
    UsageError,
    check_fields,
    en,
    fmt,
    number,
    required,
)

ECOLOGITS_VERSION: Final = metadata.version("ecologits")
DEFAULT_ZONE: Final = "FRA"
ZONES_EN: Final[dict[str, str]] = {
    "FRA": "France",
    "SWE": "Sweden",
    "IRL": "Ireland",
    "DEU": "Germany",
    "NLD": "Netherlands",
    "USA": "United States",
    "WOR": "World average",
}
ZONES: Final[dict[str, str]] = {
    "FRA": "France",
    "SWE": "Suède",
    "IRL": "Irlande",
    "DEU": "Allemagne",
    "NLD": "Pays-Bas",
    "USA": "États-Unis",
    "WOR": "Moyenne mondiale",
}


def _value(v: object) -> float:
    """EcoLogits returns a float, or a RangeValue when an input is a range: keep the mean."""
    if isinstance(v, RangeValue):
        return (float(v.min) + float(v.max)) / 2
    if isinstance(v, int | float):
        return float(v)
    raise TypeError(f"unexpected EcoLogits value {v!r}")


def estimate_generative(usage: Mapping[str, object]) -> Estimate:
    """Yearly kWh and kgCO2e of a generative model called through an API (EcoLogits)."""
    check_fields(usage, GENERATIVE_FIELDS)
    total = number(usage, "total_parameters_billion", None)
    if total is None:
        raise UsageError(
            "total_parameters_billion",
            "Taille du modèle : obligatoire (en milliards de paramètres).",
            "required",
        )
    # A mixture-of-experts model runs only part of its parameters for each token.
    share = required(usage, "active_share", 1.0)
    active = total * share
    tokens = number(usage, "output_tokens_per_request", None)
    if tokens is None:
        raise UsageError(
            "output_tokens_per_request", "Jetons générés par requête : obligatoire.", "required"
        )
    requests = number(usage, "requests_per_day", None)
    if requests is None:
        raise UsageError("requests_per_day", "Requêtes par jour : obligatoire.", "required")
    days = required(usage, "days_per_year", 365.0)
    pue = required(usage, "pue", PUE_FRANCE.value)
    zone = usage.get("electricity_zone", DEFAULT_ZONE)
    mix = electricity_mixes.find_electricity_mix(zone=zone) if isinstance(zone, str) else None
    if mix is None or zone not in ZONES:
        raise UsageError(
            "electricity_zone",
            f"Zone électrique : choisissez parmi {', '.join(ZONES)}.",
            "invalid_choice",
        )
    impacts = ecologits_llm.compute_llm_impacts(
        model_active_parameter_count=active,
        model_total_parameter_count=total,
        output_token_count=tokens,
        if_electricity_mix_adpe=mix.adpe,
        if_electricity_mix_pe=mix.pe,
        if_electricity_mix_gwp=mix.gwp,
        if_electricity_mix_wue=mix.wue,
        datacenter_pue=pue,
        datacenter_wue=0.0,  # water is not reported here
    )
    request_kwh = _value(impacts.usage.energy.value)
    request_usage_kg = _value(impacts.usage.gwp.value)
    request_embodied_kg = _value(impacts.embodied.gwp.value)
    yearly_requests = requests * days
    yearly_kwh = request_kwh * yearly_requests
    usage_kg = request_usage_kg * yearly_requests
    embodied_kg = request_embodied_kg * yearly_requests
    lines = (
        f"Par requête (EcoLogits {ECOLOGITS_VERSION}, modèle de {fmt(total)} Md de paramètres "
        f"dont {fmt(active)} Md actifs, {fmt(tokens)} jetons générés, PUE {fmt(pue)}) : "
        f"{fmt(request_kwh * 1000)} Wh, {fmt(request_usage_kg * 1000)} gCO2e d'usage, "
        f"{fmt(request_embodied_kg * 1000)} gCO2e de fabrication",
        f"Requêtes par an = {fmt(requests)} requêtes/jour × {fmt(days)} jours "
        f"= {fmt(yearly_requests)}",
        f"Énergie = {fmt(request_kwh * 1000)} Wh × {fmt(yearly_requests)} ÷ 1 000 "
        f"= {fmt(yearly_kwh)} kWh/an",
        f"Émissions d'usage = {fmt(request_usage_kg * 1000)} g × {fmt(yearly_requests)} ÷ 1 000 "
        f"= {fmt(usage_kg)} kgCO2e/an",
        f"Fabrication (part des serveurs GPU) = {fmt(request_embodied_kg * 1000)} g × "
        f"{fmt(yearly_requests)} ÷ 1 000 = {fmt(embodied_kg)} kgCO2e/an",
        f"Total = {fmt(usage_kg)} + {fmt(embodied_kg)} = {fmt(usage_kg + embodied_kg)} kgCO2e/an",
    )
    lines_en = (
        f"Per request (EcoLogits {ECOLOGITS_VERSION}, model of {en(total)} B parameters "
        f"of which {en(active)} B active, {en(tokens)} generated tokens, PUE {en(pue)}): "
        f"{en(request_kwh * 1000)} Wh, {en(request_usage_kg * 1000)} gCO2e from usage, "
        f"{en(request_embodied_kg * 1000)} gCO2e from manufacturing",
        f"Requests per year = {en(requests)} requests/day × {en(days)} days "
        f"= {en(yearly_requests)}",
        f"Energy = {en(request_kwh * 1000)} Wh × {en(yearly_requests)} ÷ 1,000 "
        f"= {en(yearly_kwh)} kWh/year",
        f"Usage emissions = {en(request_usage_kg * 1000)} g × {en(yearly_requests)} ÷ 1,000 "
        f"= {en(usage_kg)} kgCO2e/year",
        f"Manufacturing (share of the GPU servers) = {en(request_embodied_kg * 1000)} g × "
        f"{en(yearly_requests)} ÷ 1,000 = {en(embodied_kg)} kgCO2e/year",
        f"Total = {en(usage_kg)} + {en(embodied_kg)} = {en(usage_kg + embodied_kg)} kgCO2e/year",
    )
    src = f"EcoLogits {ECOLOGITS_VERSION}, impacts/llm.py"
    ver = f"ecologits-{ECOLOGITS_VERSION}"
    constants = (
        PUE_FRANCE
        if pue == PUE_FRANCE.value
        else Constant("pue", "PUE déclaré", pue, "sans unité", "Valeur déclarée", "déclarée"),
        Constant(
            "carbon_intensity",
            f"Intensité carbone de l'électricité ({ZONES[zone]})",
            round(mix.gwp * 1000, 3),
            "gCO2e/kWh",
            f"EcoLogits {ECOLOGITS_VERSION}, data/electricity_mixes.json ({zone})",
            ver,
            label_en=f"Carbon intensity of electricity ({ZONES_EN[zone]})",
        ),
        Constant("gpu_memory", "Mémoire d'un GPU", float(ecologits_llm.GPU_MEMORY), "Go", src, ver),
        Constant(
            "server_power",
            "Puissance d'un serveur (hors GPU)",
            float(ecologits_llm.SERVER_POWER),
            "kW",
            src,
            ver,
        ),
        Constant(
            "server_gpus", "GPU par serveur", float(ecologits_llm.SERVER_GPUS), "GPU", src, ver
        ),
        Constant(
            "batch_size",
            "Requêtes traitées simultanément",
            float(ecologits_llm.BATCH_SIZE),
            "requêtes",
            src,
            ver,
        ),
        Constant(
            "quantization_bits",
            "Précision des poids du modèle",
            float(ecologits_llm.MODEL_QUANTIZATION_BITS),
            "bits",
            src,
            ver,
        ),
        Constant(
            "gpu_embodied",
            "Impact de fabrication d'un GPU",
            float(ecologits_llm.GPU_EMBODIED_IMPACT_GWP),
            "kgCO2e",
            src,
            ver,
        ),
        Constant(
            "server_embodied",
            "Impact de fabrication d'un serveur (hors GPU)",
            float(ecologits_llm.SERVER_EMBODIED_IMPACT_GWP),
            "kgCO2e",
            src,
            ver,
        ),
        Constant(
            "hardware_lifetime",
            "Durée de vie du matériel",
            ecologits_llm.HARDWARE_LIFESPAN / (365 * 24 * 3600),
            "ans",
            src,
            ver,
        ),
    )
    return Estimate(
        method="generative",
        inputs={
            "total_parameters_billion": total,
            "active_share": share,
            "output_tokens_per_request": tokens,
            "requests_per_day": requests,
            "days_per_year": days,
            "pue": pue,
            "electricity_zone": zone,
        },
        yearly_requests=yearly_requests,
        yearly_kwh=yearly_kwh,
        yearly_usage_kgco2e=usage_kg,
        yearly_embodied_kgco2e=embodied_kg,
        per_request_wh=request_kwh * 1000,
        per_request_gco2e=(request_usage_kg + request_embodied_kg) * 1000,
        lines=lines,
        lines_en=lines_en,
        notes_en=(
            "EcoLogits method (GenAI Impact): energy estimated from the model size and the "
            "number of generated tokens, without any network call.",
            "On France's low-carbon grid, manufacturing the servers can weigh more than the "
            "electricity used: both parts are kept.",
        ),
        constants=constants,
        notes=(
            "Méthode EcoLogits (GenAI Impact) : énergie estimée d'après la taille du modèle et "
            "le nombre de jetons générés, sans appel réseau.",
            "Sur le réseau français peu carboné, la fabrication des serveurs peut peser plus "
            "que l'électricité consommée : les deux parts sont gardées.",
        ),
    )
