"""Demo assessments (fictional): every AI Act outcome, on demo catalogue solutions and on
systems of demo communes. Idempotent: files are found by name; an existing AI Act
assessment is left as it is."""

from django.db import transaction

from citeia.accounts.demo import DEMO_DOMAIN
from citeia.accounts.models import Organisation, User
from citeia.catalogue.models import Solution

from . import services
from .models import AssessmentFile, Fria, FriaStatus

BASE = {"is_ai_system": True, "exclusion": None, "prohibited_practices": []}
NO_RISK = {"annex_i_safety_component": False, "annex_iii_point": None}

SYSTEMS = [
    {
        "organisation": "montreuil",
        "name": "Score d'éligibilité aux aides facultatives du CCAS",
        "description": "Outil d'un éditeur qui propose, pour chaque demande d'aide facultative, "
        "un score d'éligibilité que l'instructeur du CCAS consulte avant de décider.",
        "facts": {
            **BASE,
            "role": "deployer",
            "deployer_changes": [],
            "public_body": True,
            "annex_i_safety_component": False,
            "annex_iii_point": "5a",
            "derogation": None,
            "emotion_recognition_or_biometric_categorisation": False,
            "deepfake_or_public_interest_text": False,
            "first_put_into_service": "2025-09-01",
        },
        "fria": {
            "processes": "Instruction des demandes d'aides facultatives (secours d'urgence, "
            "aide à l'énergie) par les instructeurs du CCAS ; le score est consulté avant la "
            "commission d'attribution.",
            "period_and_frequency": "Depuis septembre 2025, environ 120 demandes par mois.",
            "affected_categories": "Demandeurs d'aides facultatives et leurs foyers, dont "
            "personnes âgées, familles monoparentales, personnes en situation de handicap.",
            "specific_risks": "Refus injustifié pour des situations atypiques ; moindre "
            "précision pour les foyers aux revenus irréguliers (notice du fournisseur, art. 13).",
            "human_oversight": "La commission décide ; l'instructeur peut écarter le score et "
            "motive son choix ; formation annuelle des instructeurs.",
            "mitigation_and_complaints": "Suspension de l'outil par la direction du CCAS en cas "
            "d'anomalie ; recours gracieux auprès du président du CCAS, médiateur municipal.",
            "dpia_reference": "AIPD CCAS-2025-07 (démo)",
            "status": FriaStatus.COMPLETED,
        },
    },
    {
        "organisation": "montreuil",
        "name": "Agent conversationnel « Allô Mairie »",
        "description": "Agent conversationnel développé par la commune, qui répond aux "
        "questions des habitants sur les démarches (état civil, inscriptions, déchets).",
        "facts": {
            **BASE,
            **NO_RISK,
            "role": "provider",
            "interacts_with_people": True,
            "generates_synthetic_content": False,
        },
    },
    {
        "organisation": "montreuil",
        "name": "Analyse des émotions des agents d'accueil (projet abandonné)",
        "description": "Proposition d'un prestataire : mesurer le stress des agents d'accueil "
        "par caméra. Projet refusé, évaluation conservée.",
        "facts": {**BASE, "role": "deployer", "prohibited_practices": ["f"]},
    },
    {
        "organisation": "montreuil",
        "name": "Tableau de priorisation des travaux de voirie",
        "description": "Tableur à formules fixes écrites par le service voirie.",
        "facts": {"is_ai_system": False},
    },
    {
        "organisation": "montreuil",
        "name": "Tri des candidatures aux emplois saisonniers",
        "description": "Outil envisagé pour présélectionner les candidatures ; l'usage exact "
        "reste à préciser avec le fournisseur.",
        "facts": {**BASE, "role": "deployer", "annex_i_safety_component": False},
        "unknown": ["annex_iii_point"],
    },
    {
        "organisation": "antony",
        "name": "Traduction au guichet de l'état civil",
        "description": "Traduction automatique hors ligne utilisée au guichet.",
        "facts": {
            **BASE,
            **NO_RISK,
            "role": "deployer",
            "public_body": True,
            "emotion_recognition_or_biometric_categorisation": False,
            "deepfake_or_public_interest_text": False,
        },
    },
]

SOLUTIONS = [
    (
        "Aidacité Droits",
        {
            **BASE,
            "role": "provider",
            "annex_i_safety_component": False,
            "annex_iii_point": "5a",
            "derogation": None,
            "interacts_with_people": False,
            "generates_synthetic_content": False,
        },
    ),
    (
        "Standardia Accueil",
        {
            **BASE,
            **NO_RISK,
            "role": "provider",
            "interacts_with_people": True,
            "generates_synthetic_content": True,
        },
    ),
    (
        "Coteaux Budget",
        {
            **BASE,
            **NO_RISK,
            "role": "provider",
            "interacts_with_people": False,
            "generates_synthetic_content": False,
        },
    ),
]


def _user(email: str):
    return User.objects.filter(email=email).first()


def _assess(file: AssessmentFile, facts: dict, user, unknown=()) -> None:
    if file.ai_act_assessments.exists():
        return
    draft = services.ai_act_start(file=file, user=user)
    draft.facts = dict(facts)
    draft.unknown_answers = list(unknown)
    draft.save()
    services.ai_act_complete(assessment=draft, user=user)


@transaction.atomic
def load_demo_assessments() -> dict:
    """Create the demo assessment files; returns counts for the load_demo summary."""
    agent = _user(f"editeur.montreuil@{DEMO_DOMAIN}")
    antony = _user(f"agent.antony@{DEMO_DOMAIN}")
    vendor = _user(f"fournisseur@{DEMO_DOMAIN}")  # a member of Civitext only
    files = 0
    for spec in SYSTEMS:
        organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
        if organisation is None:
            continue
        user = antony if spec["organisation"] == "antony" else agent
        file = services.file_for_system(
            organisation=organisation,
            name=spec["name"],
            description=spec["description"],
            user=user,
        )
        if not file.is_demo:
            AssessmentFile.objects.filter(pk=file.pk).update(is_demo=True)
        _assess(file, spec["facts"], user, spec.get("unknown", ()))
        if "fria" in spec and not Fria.objects.filter(file=file).exists():
            services.fria_save(file=file, data=spec["fria"], user=user)
        files += 1
    for name, facts in SOLUTIONS:
        solution = Solution.objects.filter(name=name).select_related("vendor").first()
        if solution is None:
            continue
        # The demo vendor account belongs to Civitext: other vendors' files have no named author.
        author = vendor if solution.vendor.slug == "demo-civitext" else None
        file = services.file_for_solution_get_or_create(solution=solution, user=author)
        if not file.is_demo:
            AssessmentFile.objects.filter(pk=file.pk).update(is_demo=True)
        _assess(file, facts, author)
        files += 1
    return {"files": files}
