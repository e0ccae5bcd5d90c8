"""What the run page and the PDF report show, built from the results JSON."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .charts import bar_chart
from .evaluation.findings import describe, number, percent

# Which fairness metric fits which decision (shown in every report).
METRIC_GUIDE = [
    (
        _("Parité démographique (rapport et différence des taux de sélection)"),
        _(
            "Quand la décision attribue une ressource rare ou un avantage (aide, place, "
            "contrôle) et que chaque groupe devrait en recevoir une part comparable. Le seuil "
            "de 0,8 (« règle des quatre cinquièmes ») est un repère, pas une norme légale."
        ),
    ),
    (
        _("Égalité des chances (écart des taux de vrais et faux positifs)"),
        _(
            "Quand la vérité de terrain est fiable et que l'erreur coûte cher aux personnes : "
            "un bon dossier doit être accepté, un mauvais refusé, avec la même probabilité "
            "dans chaque groupe."
        ),
    ),
    (
        _("Exactitude par groupe"),
        _(
            "Pour vérifier que le modèle n'est pas plus mauvais pour un groupe, en particulier "
            "les petits groupes et les croisements (par exemple femmes de plus de 60 ans)."
        ),
    ),
    (
        _("Parité conditionnelle (variables de contrôle)"),
        _(
            "Quand un écart peut s'expliquer par un critère légitime (le revenu pour une aide "
            "sous condition de ressources) : la parité est alors mesurée à critère égal."
        ),
    ),
]

PERTURBATIONS = {
    "noise": _("Bruit sur les variables numériques"),
    "missing": _("Valeurs manquantes"),
    "category_swap": _("Échange de catégories"),
}
LEVELS = {"warning": _("À examiner"), "ok": _("Satisfaisant"), "info": _("Information")}


def _findings(results):
    return [
        {"level": f["level"], "level_label": LEVELS[f["level"]], "text": describe(f, _)}
        for f in results.get("findings", [])
    ]


def build(run) -> dict:
    results = run.results or {}
    charts = []
    fairness = results.get("fairness") or {}
    for attribute, data in (fairness.get("attributes") or {}).items():
        groups = data.get("groups", [])
        if groups and "selection_rate" in groups[0]:
            charts.append(
                bar_chart(
                    f"selection-{attribute}",
                    _("Taux de sélection par groupe de « %(a)s »") % {"a": attribute},
                    _(
                        "Part des personnes de chaque groupe pour qui le modèle prédit la classe "
                        "positive. Rapport le plus faible / le plus élevé : %(r)s."
                    )
                    % {"r": number(data.get("demographic_parity_ratio"))},
                    [
                        (g["group"], g["selection_rate"] or 0, percent(g["selection_rate"]))
                        for g in groups
                    ],
                    maximum=1.0,
                    columns=[_("Groupe"), _("Taux de sélection")],
                )
            )
    explain = (results.get("explainability") or {}).get("permutation_importance")
    if explain:
        features = explain["features"][:12]
        charts.append(
            bar_chart(
                "importance",
                _("Importance des variables (permutation)"),
                _(
                    "Baisse du score quand les valeurs d'une variable sont mélangées au hasard : "
                    "plus la barre est longue, plus le modèle dépend de cette variable."
                ),
                [(f["feature"], max(0.0, f["mean"]), number(f["mean"], 3)) for f in features],
                columns=[_("Variable"), _("Baisse moyenne du score")],
            )
        )
    robustness = results.get("robustness")
    robustness_rows = []
    if robustness:
        for item in robustness["results"]:
            robustness_rows.append(
                {
                    **item,
                    "label": PERTURBATIONS.get(item["perturbation"], item["perturbation"]),
                    "intensity_text": percent(item["intensity"]),
                }
            )
    return {
        "results": results,
        "findings": _findings(results),
        "charts": charts,
        "guide": METRIC_GUIDE,
        "robustness_rows": robustness_rows,
        "confusion_rows": _confusion_rows(results),
    }


def _confusion_rows(results):
    matrix = (results.get("performance") or {}).get("confusion_matrix")
    if not matrix:
        return []
    return list(zip(matrix["labels"], matrix["matrix"], strict=True))


def pdf(run, request) -> bytes:
    import weasyprint

    html = render_to_string(
        "sandbox/run_pdf.html", {"run": run, "report": build(run)}, request=request
    )
    return weasyprint.HTML(
        string=html, base_url=request.build_absolute_uri("/"), url_fetcher=_no_fetch()
    ).write_pdf()


def _no_fetch():
    """The report embeds its styles and SVG: WeasyPrint fetches nothing at all."""
    from weasyprint.urls import URLFetcher

    class NoFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"Refused: {url}")

    return NoFetcher()
