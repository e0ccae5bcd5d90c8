"""Yearly energy and carbon estimate of an AI service from its declared usage.

Method (version `ESTIMATE_VERSION`), every constant carried in the result with its source:

    E_inference (kWh/an) = e_requête (Wh) × requêtes/jour × jours/an ÷ 1 000
    E_entraînement (kWh/an) = E_entraînement totale ÷ durée de service (ans)
        (= part par requête E_entraînement ÷ requêtes sur la durée de service, × requêtes/an)
    E_totale (kWh/an) = (E_inference + E_entraînement) × PUE
    CO2e usage (kg/an) = E_totale × intensité carbone (g/kWh) ÷ 1 000
    CO2e fabrication (kg/an) = Σ matériel × impact fabrication × 1 an ÷ durée de vie
    CO2e total = usage + fabrication
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

ESTIMATE_VERSION: Final = "frugality-estimate-1"
SOURCE_MAX_LENGTH: Final = 300


class UsageError(ValueError):
    """A usage figure is missing, negative or absurd; `field` names it."""

    def __init__(
        self,
        field: str,
        message: str,
        code: str = "invalid",
        params: dict[str, float] | None = None,
    ) -> None:
        self.field = field
        self.message = message
        # code: "required", "negative", "out_of_range", "not_a_number", "exclusive",
        # "exceeds_total", "invalid_choice", "unknown_field" (for translated messages).
        self.code = code
        self.params = params or {}
        super().__init__(f"{field} : {message}")


@dataclass(frozen=True)
class Constant:
    key: str
    label: str
    value: float
    unit: str
    source: str
    version: str
    label_en: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "label": self.label,
            "label_en": self.label_en or LABELS_EN.get(self.label, self.label),
            "value": self.value,
            "unit": self.unit,
            "source": self.source,
            "version": self.version,
        }


LABELS_EN: Final[dict[str, str]] = {
    "PUE moyen des centres de données en France": "Average PUE of data centres in France",
    "Intensité carbone de l'électricité en France": "Carbon intensity of electricity in France",
    "Impact de fabrication d'un serveur de calcul (hors GPU)": (
        "Manufacturing impact of a compute server (without GPUs)"
    ),
    "Impact de fabrication d'un GPU": "Manufacturing impact of a GPU",
    "Durée de vie d'un serveur": "Server lifetime",
    "Durée de vie d'un GPU": "GPU lifetime",
    "Intensité carbone déclarée": "Declared carbon intensity",
    "PUE déclaré": "Declared PUE",
    "Mémoire d'un GPU": "Memory of a GPU",
    "Puissance d'un serveur (hors GPU)": "Power of a server (without GPUs)",
    "GPU par serveur": "GPUs per server",
    "Requêtes traitées simultanément": "Requests processed at once",
    "Précision des poids du modèle": "Precision of the model weights",
    "Impact de fabrication d'un serveur (hors GPU)": "Manufacturing impact of a server (without GPUs)",
    "Durée de vie du matériel": "Hardware lifetime",
}
PUE_FRANCE: Final = Constant(
    "pue",
    "PUE moyen des centres de données en France",
    1.46,
    "sans unité",
    "Arcep, enquête « Pour un numérique soutenable », données 2023",
    "2023",
)
# Carbon intensity of the French grid: sources disagree (mix, perimeter, year), so the
# one used is stored with the estimate. CodeCarbon's is the default because the sandbox
# measures with CodeCarbon: estimates and measurements then use the same factor.
GRID_FRANCE: Final[dict[str, Constant]] = {
    "fr-codecarbon": Constant(
        "carbon_intensity",
        "Intensité carbone de l'électricité en France",
        56.039,
        "gCO2e/kWh",
        "CodeCarbon 3.3.2, data/private_infra/global_energy_mix.json (FRA, année 2023)",
        "codecarbon-3.3.2",
    ),
    "fr-ecologits": Constant(
        "carbon_intensity",
        "Intensité carbone de l'électricité en France",
        41.44,
        "gCO2e/kWh",
        "EcoLogits 0.11.3, data/electricity_mixes.json (FRA, d'après ADEME Base Empreinte)",
        "ecologits-0.11.3",
    ),
}
DEFAULT_GRID: Final = "fr-codecarbon"
SERVER_EMBODIED: Final = Constant(
    "server_embodied",
    "Impact de fabrication d'un serveur de calcul (hors GPU)",
    5700.0,
    "kgCO2e",
    "EcoLogits 0.11.3, impacts/llm.py (SERVER_EMBODIED_IMPACT_GWP)",
    "ecologits-0.11.3",
)
GPU_EMBODIED: Final = Constant(
    "gpu_embodied",
    "Impact de fabrication d'un GPU",
    273.0,
    "kgCO2e",
    "EcoLogits 0.11.3, impacts/llm.py (GPU_EMBODIED_IMPACT_GWP)",
    "ecologits-0.11.3",
)
SERVER_LIFETIME: Final = Constant(
    "server_lifetime",
    "Durée de vie d'un serveur",
    4.0,
    "ans",
    "Hypothèse courante d'amortissement, reprise par frugality.md (Cité IA)",
    "1",
)
GPU_LIFETIME: Final = Constant(
    "gpu_lifetime",
    "Durée de vie d'un GPU",
    3.0,
    "ans",
    "EcoLogits 0.11.3, impacts/llm.py (HARDWARE_LIFESPAN = 3 ans)",
    "ecologits-0.11.3",
)

# Upper bounds beyond which a figure is a typing error rather than a usage.
LIMITS: Final[dict[str, tuple[float, float, str]]] = {
    "energy_per_inference_wh": (0, 10_000, "Wh par requête"),
    "energy_per_1000_tokens_wh": (0, 10_000, "Wh pour 1 000 jetons"),
    "tokens_per_request": (1, 1_000_000, "jetons par requête"),
    "requests_per_day": (0, 100_000_000, "requêtes par jour"),
    "days_per_year": (1, 366, "jours par an"),
    "training_energy_kwh": (0, 100_000_000, "kWh"),
    "lifetime_years": (0.1, 30, "ans"),
    "pue": (1.0, 3.0, ""),
    "carbon_intensity_g_per_kwh": (0, 2_000, "gCO2e/kWh"),
    "servers": (0, 10_000, "serveurs"),
    "gpus": (0, 100_000, "GPU"),
    "server_embodied_kgco2e": (0, 100_000, "kgCO2e"),
    "gpu_embodied_kgco2e": (0, 100_000, "kgCO2e"),
    "server_lifetime_years": (0.5, 20, "ans"),
    "gpu_lifetime_years": (0.5, 20, "ans"),
    "total_parameters_billion": (0.001, 100_000, "milliards de paramètres"),
    "active_share": (0.001, 1, "part des paramètres"),
    "output_tokens_per_request": (1, 1_000_000, "jetons générés par requête"),
}
FIELD_LABELS: Final[dict[str, str]] = {
    "energy_per_inference_wh": "Énergie par requête",
    "energy_per_1000_tokens_wh": "Énergie pour 1 000 jetons",
    "tokens_per_request": "Jetons par requête",
    "requests_per_day": "Requêtes par jour",
    "days_per_year": "Jours d'utilisation par an",
    "training_energy_kwh": "Énergie d'entraînement",
    "lifetime_years": "Durée de service prévue",
    "pue": "PUE",
    "carbon_intensity_g_per_kwh": "Intensité carbone",
    "servers": "Serveurs",
    "gpus": "GPU",
    "server_embodied_kgco2e": "Impact de fabrication d'un serveur",
    "gpu_embodied_kgco2e": "Impact de fabrication d'un GPU",
    "server_lifetime_years": "Durée de vie d'un serveur",
    "gpu_lifetime_years": "Durée de vie d'un GPU",
    "total_parameters_billion": "Taille du modèle (paramètres, en milliards)",
    "active_share": "Part des paramètres actifs",
    "output_tokens_per_request": "Jetons générés par requête",
    "electricity_zone": "Zone électrique du centre de données",
}
KNOWN_FIELDS: Final = frozenset(
    {
        "method",
        "grid",
        "carbon_intensity_source",
        "carbon_intensity_g_per_kwh",
        "energy_per_inference_wh",
        "energy_per_1000_tokens_wh",
        "tokens_per_request",
        "requests_per_day",
        "days_per_year",
        "training_energy_kwh",
        "lifetime_years",
        "pue",
        "servers",
        "gpus",
        "server_embodied_kgco2e",
        "gpu_embodied_kgco2e",
        "server_lifetime_years",
        "gpu_lifetime_years",
    }
)
GENERATIVE_FIELDS: Final = frozenset(
    {
        "method",
        "total_parameters_billion",
        "active_share",
        "output_tokens_per_request",
        "requests_per_day",
        "days_per_year",
        "pue",
        "electricity_zone",
    }
)


def number(usage: Mapping[str, object], key: str, default: float | None) -> float | None:
    """Read one figure and check it against its limits (`default` when the key is absent).

    A present key must hold a JSON number: null, text and booleans are refused, so that
    what the API documents is exactly what it accepts.
    """
    if key not in usage:
        return default
    raw = usage[key]
    label = FIELD_LABELS.get(key, key)
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise UsageError(key, f"{label} : un nombre est attendu.", "not_a_number")
    value = float(raw)
    low, high, unit = LIMITS[key]
    if value < 0:
        raise UsageError(key, f"{label} : une valeur négative n'a pas de sens.", "negative")
    if value < low or value > high:
        raise UsageError(
            key,
            f"{label} : {value:g} {unit} n'est pas plausible (attendu entre {low:g} et {high:g}).",
            "out_of_range",
            {"value": value, "low": low, "high": high},
        )
    return value


@dataclass(frozen=True)
class Estimate:
    method: str  # "inference" | "generative"
    inputs: dict[str, object]
    yearly_requests: float
    yearly_kwh: float
    yearly_usage_kgco2e: float
    yearly_embodied_kgco2e: float
    per_request_wh: float | None
    per_request_gco2e: float | None
    lines: tuple[str, ...]
    constants: tuple[Constant, ...]
    notes: tuple[str, ...]
    lines_en: tuple[str, ...] = ()
    notes_en: tuple[str, ...] = ()

    @property
    def yearly_kgco2e(self) -> float:
        return self.yearly_usage_kgco2e + self.yearly_embodied_kgco2e

    def to_dict(self) -> dict[str, object]:
        return {
            "version": ESTIMATE_VERSION,
            "method": self.method,
            "inputs": self.inputs,
            "yearly_requests": self.yearly_requests,
            "yearly_kwh": round(self.yearly_kwh, 4),
            "yearly_kgco2e": round(self.yearly_kgco2e, 4),
            "yearly_usage_kgco2e": round(self.yearly_usage_kgco2e, 4),
            "yearly_embodied_kgco2e": round(self.yearly_embodied_kgco2e, 4),
            "per_request_wh": None
            if self.per_request_wh is None
            else round(self.per_request_wh, 6),
            "per_request_gco2e": (
                None if self.per_request_gco2e is None else round(self.per_request_gco2e, 6)
            ),
            "lines": list(self.lines),
            "lines_en": list(self.lines_en),
            "constants": [c.to_dict() for c in self.constants],
            "notes": list(self.notes),
            "notes_en": list(self.notes_en),
        }


def fmt(value: float) -> str:
    """French number: 1 234,5 (up to 4 significant decimals for small values)."""
    if value == 0:
        return "0"
    digits = 2 if abs(value) >= 1 else max(2, 3 - math.floor(math.log10(abs(value))))
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")


def en(value: float) -> str:
    """English number: 1,234.5 (same precision as `fmt`)."""
    return fmt(value).replace(",", ".").replace("\u202f", ",")


def check_fields(usage: Mapping[str, object], known: frozenset[str]) -> None:
    for key in usage:
        if key not in known:
            raise UsageError(str(key), "champ inconnu pour cette méthode.", "unknown_field")


def required(usage: Mapping[str, object], key: str, default: float) -> float:
    value = number(usage, key, default)
    return default if value is None else value


def grid_constant(usage: Mapping[str, object]) -> Constant:
    """The carbon intensity used: a declared one (with its source) or a France default."""
    custom = number(usage, "carbon_intensity_g_per_kwh", None)
    if custom is None and "carbon_intensity_source" in usage:
        raise UsageError(
            "carbon_intensity_source",
            "Source de l'intensité carbone : seulement avec une intensité déclarée.",
            "unexpected",
        )
    if custom is not None:
        if "grid" in usage:
            raise UsageError(
                "grid",
                "Réseau électrique : choisissez une valeur par défaut ou déclarez une "
                "intensité, pas les deux.",
                "exclusive",
            )
        source = usage.get("carbon_intensity_source") or ""
        if (
            not isinstance(source, str)
            or not source.strip()
            or "\x00" in source
            or len(source) > SOURCE_MAX_LENGTH
        ):
            raise UsageError(
                "carbon_intensity_source",
                "Source de l'intensité carbone : indiquez d'où vient la valeur déclarée.",
                "required",
            )
        return Constant(
            "carbon_intensity",
            "Intensité carbone déclarée",
            custom,
            "gCO2e/kWh",
            source.strip(),
            "déclarée",
        )
    grid = usage.get("grid", DEFAULT_GRID)
    if not isinstance(grid, str) or grid not in GRID_FRANCE:
        raise UsageError(
            "grid",
            f"Réseau électrique : choisissez parmi {', '.join(GRID_FRANCE)}.",
            "invalid_choice",
        )
    return GRID_FRANCE[grid]


def estimate(usage: object) -> Estimate:
    """Estimate yearly kWh and kgCO2e; `usage["method"] == "generative"` uses EcoLogits."""
    if not isinstance(usage, Mapping):
        raise UsageError("usage", "un objet est attendu.", "not_an_object")
    method = usage.get("method", "inference")
    if method == "generative":
        from .generative import estimate_generative

        return estimate_generative(usage)
    if method != "inference":
        raise UsageError("method", "Méthode : « inference » ou « generative ».", "invalid_choice")
    check_fields(usage, KNOWN_FIELDS)
    per_inf = number(usage, "energy_per_inference_wh", None)
    per_tok = number(usage, "energy_per_1000_tokens_wh", None)
    if (per_inf is None) == (per_tok is None):
        raise UsageError(
            "energy_per_inference_wh",
            "Énergie : indiquez soit l'énergie par requête, soit l'énergie pour 1 000 jetons "
            "(une seule des deux).",
            "exclusive",
        )
    lines: list[str] = []
    lines_en: list[str] = []
    inputs: dict[str, object] = {}
    if per_tok is not None:
        tokens = number(usage, "tokens_per_request", None)
        if tokens is None:
            raise UsageError(
                "tokens_per_request",
                "Jetons par requête : obligatoire quand l'énergie est donnée pour 1 000 jetons.",
                "required",
            )
        per_request = per_tok * tokens / 1000
        inputs.update(energy_per_1000_tokens_wh=per_tok, tokens_per_request=tokens)
        lines.append(
            f"Énergie par requête = {fmt(per_tok)} Wh × {fmt(tokens)} jetons ÷ 1 000 "
            f"= {fmt(per_request)} Wh"
        )
        lines_en.append(
            f"Energy per request = {en(per_tok)} Wh × {en(tokens)} tokens ÷ 1,000 "
            f"= {en(per_request)} Wh"
        )
    else:
        assert per_inf is not None
        if "tokens_per_request" in usage:
            raise UsageError(
                "tokens_per_request",
                "Jetons par requête : seulement avec l'énergie pour 1 000 jetons.",
                "unexpected",
            )
        per_request = per_inf
        inputs["energy_per_inference_wh"] = per_inf
    requests = number(usage, "requests_per_day", None)
    if requests is None:
        raise UsageError("requests_per_day", "Requêtes par jour : obligatoire.", "required")
    days = required(usage, "days_per_year", 365.0)
    training = required(usage, "training_energy_kwh", 0.0)
    lifetime = required(usage, "lifetime_years", 3.0)
    pue = required(usage, "pue", PUE_FRANCE.value)
    servers = required(usage, "servers", 0.0)
    gpus = required(usage, "gpus", 0.0)
    server_impact = required(usage, "server_embodied_kgco2e", SERVER_EMBODIED.value)
    gpu_impact = required(usage, "gpu_embodied_kgco2e", GPU_EMBODIED.value)
    server_life = required(usage, "server_lifetime_years", SERVER_LIFETIME.value)
    gpu_life = required(usage, "gpu_lifetime_years", GPU_LIFETIME.value)
    grid = grid_constant(usage)
    inputs.update(
        requests_per_day=requests,
        days_per_year=days,
        training_energy_kwh=training,
        lifetime_years=lifetime,
        pue=pue,
        carbon_intensity_g_per_kwh=grid.value,
        servers=servers,
        gpus=gpus,
        server_embodied_kgco2e=server_impact,
        gpu_embodied_kgco2e=gpu_impact,
        server_lifetime_years=server_life,
        gpu_lifetime_years=gpu_life,
    )

    yearly_requests = requests * days
    inference_kwh = per_request * yearly_requests / 1000
    lines.append(
        f"Énergie d'inférence = {fmt(per_request)} Wh × {fmt(requests)} requêtes/jour × "
        f"{fmt(days)} jours ÷ 1 000 = {fmt(inference_kwh)} kWh/an"
    )
    lines_en.append(
        f"Inference energy = {en(per_request)} Wh × {en(requests)} requests/day × "
        f"{en(days)} days ÷ 1,000 = {en(inference_kwh)} kWh/year"
    )
    training_kwh = training / lifetime
    lifetime_requests = yearly_requests * lifetime
    if training:
        if lifetime_requests:
            share_wh = training * 1000 / lifetime_requests
            lines.append(
                f"Entraînement amorti = {fmt(training)} kWh ÷ {fmt(lifetime_requests)} requêtes "
                f"sur {fmt(lifetime)} ans = {fmt(share_wh)} Wh par requête, "
                f"soit {fmt(training_kwh)} kWh/an"
            )
            lines_en.append(
                f"Amortised training = {en(training)} kWh ÷ {en(lifetime_requests)} requests "
                f"over {en(lifetime)} years = {en(share_wh)} Wh per request, "
                f"i.e. {en(training_kwh)} kWh/year"
            )
        else:
            lines.append(
                f"Entraînement amorti = {fmt(training)} kWh ÷ {fmt(lifetime)} ans "
                f"= {fmt(training_kwh)} kWh/an"
            )
            lines_en.append(
                f"Amortised training = {en(training)} kWh ÷ {en(lifetime)} years "
                f"= {en(training_kwh)} kWh/year"
            )
    it_kwh = inference_kwh + training_kwh
    total_kwh = it_kwh * pue
    lines.append(
        f"Énergie totale = ({fmt(inference_kwh)} + {fmt(training_kwh)}) kWh × PUE {fmt(pue)} "
        f"= {fmt(total_kwh)} kWh/an"
    )
    lines_en.append(
        f"Total energy = ({en(inference_kwh)} + {en(training_kwh)}) kWh × PUE {en(pue)} "
        f"= {en(total_kwh)} kWh/year"
    )
    usage_kg = total_kwh * grid.value / 1000
    lines.append(
        f"Émissions d'usage = {fmt(total_kwh)} kWh × {fmt(grid.value)} gCO2e/kWh ÷ 1 000 "
        f"= {fmt(usage_kg)} kgCO2e/an"
    )
    lines_en.append(
        f"Usage emissions = {en(total_kwh)} kWh × {en(grid.value)} gCO2e/kWh ÷ 1,000 "
        f"= {en(usage_kg)} kgCO2e/year"
    )
    embodied_kg = servers * server_impact / server_life + gpus * gpu_impact / gpu_life
    if servers or gpus:
        lines.append(
            f"Fabrication du matériel = {fmt(servers)} serveur(s) × {fmt(server_impact)} kgCO2e "
            f"× 1 an ÷ {fmt(server_life)} ans + {fmt(gpus)} GPU × {fmt(gpu_impact)} kgCO2e "
            f"× 1 an ÷ {fmt(gpu_life)} ans = {fmt(embodied_kg)} kgCO2e/an"
        )
        lines_en.append(
            f"Hardware manufacturing = {en(servers)} server(s) × {en(server_impact)} kgCO2e "
            f"× 1 year ÷ {en(server_life)} years + {en(gpus)} GPU × {en(gpu_impact)} kgCO2e "
            f"× 1 year ÷ {en(gpu_life)} years = {en(embodied_kg)} kgCO2e/year"
        )
    lines.append(
        f"Total = {fmt(usage_kg)} + {fmt(embodied_kg)} = {fmt(usage_kg + embodied_kg)} kgCO2e/an"
    )
    lines_en.append(
        f"Total = {en(usage_kg)} + {en(embodied_kg)} = {en(usage_kg + embodied_kg)} kgCO2e/year"
    )
    constants = [
        _declared_or(PUE_FRANCE, pue),
        grid,
    ]
    if servers or gpus:
        constants += [
            _declared_or(SERVER_EMBODIED, server_impact),
            _declared_or(SERVER_LIFETIME, server_life),
            _declared_or(GPU_EMBODIED, gpu_impact),
            _declared_or(GPU_LIFETIME, gpu_life),
        ]
    per_request_total = per_request * pue + (
        training * 1000 / lifetime_requests * pue if lifetime_requests else 0
    )
    return Estimate(
        method="inference",
        inputs=inputs,
        yearly_requests=yearly_requests,
        yearly_kwh=total_kwh,
        yearly_usage_kgco2e=usage_kg,
        yearly_embodied_kgco2e=embodied_kg,
        per_request_wh=per_request_total if yearly_requests else None,
        per_request_gco2e=(usage_kg + embodied_kg) * 1000 / yearly_requests
        if yearly_requests
        else None,
        lines=tuple(lines),
        lines_en=tuple(lines_en),
        notes_en=(
            "Estimate from the declared usage; a sandbox measurement replaces it when one exists.",
        ),
        constants=tuple(constants),
        notes=(
            "Estimation à partir de l'usage déclaré ; une mesure au bac à sable la remplace "
            "quand elle existe.",
        ),
    )


def _declared_or(default: Constant, value: float) -> Constant:
    if value == default.value:
        return default
    return Constant(default.key, default.label, value, default.unit, "Valeur déclarée", "déclarée")
