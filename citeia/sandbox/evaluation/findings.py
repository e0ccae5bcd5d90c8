"""Plain-French findings from the results: codes and figures, worded at display time.

A finding is stored as ``{"code", "level", "section", "params"}``; :func:`describe`
words it, through the caller's ``translate`` (gettext in the web app), so that the
same results read in French or English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .config import FOUR_FIFTHS, Task

EOD_LIMIT = 0.1
ROBUSTNESS_DROP = 0.05

MESSAGES: dict[str, str] = {
    "performance_classification": (
        "Le modèle classe correctement %(accuracy)s des cas (exactitude équilibrée : "
        "%(balanced)s ; F1 : %(f1)s)."
    ),
    "performance_regression": (
        "Erreur absolue moyenne : %(mae)s ; coefficient de détermination R² : %(r2)s."
    ),
    "parity_below_threshold": (
        "Pour « %(attribute)s », le taux de sélection du groupe « %(low)s » vaut %(ratio)s "
        "fois celui du groupe « %(high)s », sous le seuil de 0,8 souvent utilisé "
        "(intervalle de confiance à 95 %% : %(ci_low)s à %(ci_high)s)."
    ),
    "parity_ok": (
        "Pour « %(attribute)s », le plus faible taux de sélection (groupe « %(low)s ») vaut "
        "%(ratio)s fois le plus élevé (groupe « %(high)s ») : au-dessus du seuil de 0,8."
    ),
    "equalized_odds_gap": (
        "Pour « %(attribute)s », les taux d'erreur diffèrent entre groupes : l'écart "
        "d'égalité des chances vaut %(value)s points, au-delà de 10 points."
    ),
    "proxy_strong": (
        "La variable « %(feature)s » est fortement liée à l'attribut sensible « %(attribute)s » "
        "(association %(value)s sur 1) : elle peut le remplacer dans le modèle, même si "
        "l'attribut en est retiré."
    ),
    "top_feature": "La variable la plus influente sur les prédictions est « %(feature)s ».",
    "robustness_drop": (
        "Sous la perturbation « %(perturbation)s » d'intensité %(intensity)s, le score "
        "baisse de %(drop)s points."
    ),
    "robustness_ok": "Le score varie de moins de 5 points sous les perturbations testées.",
    "energy": (
        "1 000 prédictions consomment %(kwh)s kWh, soit %(g)s g CO₂e (mesure : %(method)s)."
    ),
}

PERTURBATION_NAMES = {
    "noise": "bruit sur les variables numériques",
    "missing": "valeurs manquantes",
    "category_swap": "échange de catégories",
}
METHOD_NAMES = {"rapl": "compteurs RAPL du processeur", "estimated": "estimation charge × TDP"}


def number(value: float | None, digits: int = 2) -> str:
    """French number formatting: 0,62 ; 1 234,5."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")
    return text


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return number(value * 100, 1).removesuffix(",0") + " %"


def scientific(value: float) -> str:
    return f"{value:.2e}".replace(".", ",")


def _finding(code: str, level: str, section: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "level": level, "section": section, "params": params}


def build(results: dict[str, Any], task: Task) -> list[dict[str, Any]]:
    """Findings, most important first: unfair treatment, proxies, then the rest."""
    found: list[dict[str, Any]] = []
    fairness = results.get("fairness") or {}
    for attribute, data in (fairness.get("attributes") or {}).items():
        ratio = data.get("demographic_parity_ratio")
        if ratio is None:
            continue
        ci = (data.get("confidence_intervals") or {}).get("demographic_parity_ratio") or {}
        params = {
            "attribute": attribute,
            "low": data["least_selected_group"],
            "high": data["most_selected_group"],
            "ratio": number(ratio),
            "ci_low": number(ci.get("low")),
            "ci_high": number(ci.get("high")),
        }
        if ratio < FOUR_FIFTHS:
            found.append(_finding("parity_below_threshold", "warning", "fairness", **params))
        else:
            found.append(_finding("parity_ok", "ok", "fairness", **params))
        eod = data.get("equalized_odds_difference")
        if eod is not None and eod > EOD_LIMIT:
            found.append(
                _finding(
                    "equalized_odds_gap",
                    "warning",
                    "fairness",
                    attribute=attribute,
                    value=number(eod * 100, 1),
                )
            )
    for attribute, items in (fairness.get("proxies") or {}).items():
        for item in items:
            if item["strength"] == "strong":
                found.append(
                    _finding(
                        "proxy_strong",
                        "warning",
                        "fairness",
                        feature=item["feature"],
                        attribute=attribute,
                        value=number(item["association"]),
                    )
                )
    performance = results.get("performance")
    if performance:
        if task == Task.REGRESSION:
            found.append(
                _finding(
                    "performance_regression",
                    "info",
                    "performance",
                    mae=number(performance["mae"]),
                    r2=number(performance["r2"]),
                )
            )
        else:
            found.append(
                _finding(
                    "performance_classification",
                    "info",
                    "performance",
                    accuracy=percent(performance["accuracy"]),
                    balanced=percent(performance["balanced_accuracy"]),
                    f1=number(performance["f1"]),
                )
            )
    explain = (results.get("explainability") or {}).get("permutation_importance")
    if explain and explain["features"]:
        found.append(
            _finding(
                "top_feature", "info", "explainability", feature=explain["features"][0]["feature"]
            )
        )
    robustness = results.get("robustness")
    if robustness:
        drops = [
            r
            for r in robustness["results"]
            if r["change"] is not None and -r["change"] > ROBUSTNESS_DROP
        ]
        for r in drops:
            found.append(
                _finding(
                    "robustness_drop",
                    "warning",
                    "robustness",
                    perturbation=PERTURBATION_NAMES[r["perturbation"]],
                    intensity=percent(r["intensity"]),
                    drop=number(-r["change"] * 100, 1),
                )
            )
        if not drops:
            found.append(_finding("robustness_ok", "ok", "robustness"))
    energy = results.get("energy")
    if energy and "kwh_per_1000_predictions" in energy:
        found.append(
            _finding(
                "energy",
                "info",
                "energy",
                kwh=scientific(energy["kwh_per_1000_predictions"]),
                g=scientific(energy["g_co2e_per_1000_predictions"]),
                method=METHOD_NAMES.get(energy["method"], energy["method"]),
            )
        )
    order = {"warning": 0, "ok": 1, "info": 2}
    found.sort(key=lambda f: order[f["level"]])
    return found


def describe(finding: dict[str, Any], translate: Callable[[str], str] = lambda s: s) -> str:
    params = {
        key: translate(value)
        if isinstance(value, str)
        and value in (*PERTURBATION_NAMES.values(), *METHOD_NAMES.values())
        else value
        for key, value in finding["params"].items()
    }
    return translate(MESSAGES[finding["code"]]) % params
