"""Demo frugality and trust assessments (fictional) on the demo files of `demo.py`.

Every frugality grade A to E appears at least once. Idempotent: a file that already has
a frugality (or trust) assessment is left as it is. Call after `load_demo_assessments()`.
"""

from django.db import transaction

from . import services_principles as services
from .models import AssessmentFile, FrugalityAssessment, QuestionnaireKind, TrustAssessment

# Answers given in rotation to the items of each theme: the pattern sets the grade.
PATTERNS = {
    "A": ("yes", "yes", "yes", "partial"),
    "B": ("yes", "partial"),
    "C": ("partial",),
    "D": ("partial", "no", "partial"),
}

# file name -> (grade pattern or "E" for a failed gate, declared usage, trust pattern)
DEMO = {
    "Traduction au guichet de l'état civil": (
        "A",
        {
            "method": "inference",
            "energy_per_inference_wh": 0.05,
            "requests_per_day": 60,
            "days_per_year": 250,
            "servers": 0.05,
        },
        ("yes", "yes", "partial"),
    ),
    "Agent conversationnel « Allô Mairie »": (
        "B",
        {
            "method": "generative",
            "total_parameters_billion": 8,
            "output_tokens_per_request": 350,
            "requests_per_day": 1200,
            "electricity_zone": "FRA",
        },
        ("yes", "partial"),
    ),
    "Score d'éligibilité aux aides facultatives du CCAS": (
        "C",
        {
            "method": "inference",
            "energy_per_inference_wh": 0.4,
            "requests_per_day": 6,
            "days_per_year": 250,
            "training_energy_kwh": 40,
            "lifetime_years": 4,
            "servers": 0.1,
        },
        ("partial", "yes", "no"),
    ),
    "Tri des candidatures aux emplois saisonniers": (
        "D",
        {
            "method": "inference",
            "energy_per_1000_tokens_wh": 0.9,
            "tokens_per_request": 3000,
            "requests_per_day": 150,
            "days_per_year": 60,
        },
        ("no", "partial"),
    ),
    "Analyse des émotions des agents d'accueil (projet abandonné)": ("E", None, ("no",)),
    "Coteaux Budget": ("B", None, ("yes", "yes", "partial")),
    "Aidacité Droits": ("D", None, ("partial", "no")),
    "Standardia Accueil": ("C", None, ("yes", "partial", "no")),
}


def _entry(value: str, where: str) -> dict:
    evidence = f"{where} (document de démonstration)" if value == "yes" else ""
    return {"answer": value, "evidence": evidence}


def frugality_demo_answers(q, grade: str) -> dict:
    gate = {
        item.id: _entry("no" if grade == "E" and n == 1 else "yes", q.gate.title)
        for n, item in enumerate(q.gate.items)
    }
    if grade == "E":
        return {"gate": gate, "items": {}}
    pattern = PATTERNS[grade]
    items = {}
    for theme in q.themes:
        for n, item in enumerate(theme.items):
            items[item.id] = _entry(pattern[n % len(pattern)], f"Dossier projet, « {theme.title} »")
    return {"gate": gate, "items": items}


def trust_demo_answers(q, pattern: tuple[str, ...]) -> dict:
    items = {}
    for k, theme in enumerate(q.themes):
        for n, item in enumerate(theme.items):
            value = pattern[(n + k) % len(pattern)]
            items[item.id] = _entry(value, f"Registre de conformité, « {theme.title} »")
    return {"items": items}


@transaction.atomic
def load_demo_principles() -> dict:
    """Frugality and trust assessments on the demo files; returns the demo totals (and how
    many were created by this call) for load_demo."""
    fq = services.parsed(services.current_questionnaire(QuestionnaireKind.FRUGALITY))
    tq = services.parsed(services.current_questionnaire(QuestionnaireKind.TRUST))
    counts = {"frugality": 0, "trust": 0}
    for file in AssessmentFile.objects.filter(is_demo=True, name__in=list(DEMO)):
        grade, usage, trust_pattern = DEMO[file.name]
        user = file.created_by
        if not FrugalityAssessment.objects.filter(file=file).exists():
            draft = services.frugality_start(file=file, user=user)
            if usage is not None:
                services.frugality_estimate_save(assessment=draft, usage=usage, user=user)
            services.frugality_complete(
                assessment=draft, answers=frugality_demo_answers(fq, grade), user=user
            )
            counts["frugality"] += 1
        if not TrustAssessment.objects.filter(file=file).exists():
            draft = services.trust_start(file=file, user=user)
            services.trust_complete(
                assessment=draft, answers=trust_demo_answers(tq, trust_pattern), user=user
            )
            counts["trust"] += 1
    demo = {"file__is_demo": True, "status": "completed"}
    return {
        "created": counts["frugality"] + counts["trust"],
        "frugality": FrugalityAssessment.objects.filter(**demo).count(),
        "trust": TrustAssessment.objects.filter(**demo).count(),
        "grades": "".join(
            sorted(set(FrugalityAssessment.objects.filter(**demo).values_list("grade", flat=True)))
        ),
    }
