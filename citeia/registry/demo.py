"""Demo content of the register: fictional records of the real public organisations of
the territory (every territory, the Métropole), in every status, with versions, withheld
fields and explanation requests in every state. Called by `manage.py load_demo`."""

import datetime

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation

from citeia.accounts.models import Organisation, User
from citeia.core import search
from citeia.core.permissions import PlatformRole
from citeia.territory.models import Territory

from . import request_services, services
from .models import ExplanationRequest, Record, RecordStatus

# (name, summary, theme, decision_type, technique, personal_data, automation, extra fields)
TEMPLATES = [
    (
        "Calcul du tarif de la restauration scolaire",
        "Calcule le tarif de la cantine de chaque enfant selon le quotient familial du foyer.",
        "education",
        "individual",
        "rules",
        "personal",
        "partial",
        {
            "data_sources": "Revenu fiscal de référence et composition du foyer (avis d'imposition).",
            "parameters": "Quotient familial = revenu / nombre de parts ; 8 tranches de tarif.",
            "operations": "Calcul du quotient, lecture de la tranche, application du tarif.",
        },
    ),
    (
        "Attribution des places en crèche",
        "Classe les demandes de place en crèche selon des critères votés par le conseil municipal.",
        "education",
        "individual",
        "rules",
        "personal",
        "human",
        {
            "data_sources": "Dossier de demande : adresse, situation professionnelle, fratrie.",
            "parameters": "Points : 3 pour une fratrie, 2 pour un parent seul, 1 par mois d'attente.",
            "operations": "Somme des points, classement, examen par la commission.",
        },
    ),
    (
        "Détection des dépôts sauvages",
        "Repère sur les photos des agents de propreté les dépôts d'ordures sur la voie publique.",
        "environment",
        "none",
        "ml",
        "none",
        "na",
        {"methods": "Réseau de neurones de détection d'objets, entraîné sur 12 000 photos."},
    ),
    (
        "Prévision de la fréquentation des piscines",
        "Prévoit le nombre de baigneurs par créneau pour adapter les effectifs.",
        "culture",
        "none",
        "ml",
        "none",
        "na",
        {"methods": "Régression sur l'historique des entrées, la météo et le calendrier scolaire."},
    ),
    (
        "Tri des demandes de logement social",
        "Propose un ordre d'examen des demandes de logement social selon l'urgence.",
        "urbanism",
        "individual",
        "hybrid",
        "sensitive",
        "human",
        {
            "data_sources": "Numéro unique de demande, situation du foyer, motifs d'urgence.",
            "parameters": "Critères de priorité de l'article L441-1 du CCH, pondérés par la commission.",
            "operations": "Calcul d'un score, vérification par un agent, passage en commission.",
        },
    ),
    (
        "Assistant de réponse aux courriels des habitants",
        "Propose aux agents un brouillon de réponse aux questions fréquentes des habitants.",
        "citizen",
        "support",
        "ml",
        "personal",
        "human",
        {"methods": "Modèle de langage à poids ouverts, hébergé par la collectivité."},
    ),
    (
        "Optimisation des tournées de collecte",
        "Calcule l'ordre de passage des bennes selon le remplissage des conteneurs.",
        "environment",
        "none",
        "hybrid",
        "none",
        "na",
        {"methods": "Capteurs de remplissage et optimisation de tournées (recherche locale)."},
    ),
    (
        "Calcul des aides au transport des seniors",
        "Détermine le montant de l'aide au transport selon les ressources des retraités.",
        "social",
        "individual",
        "rules",
        "personal",
        "partial",
        {
            "data_sources": "Avis d'imposition, justificatif de domicile.",
            "parameters": "Plafond de ressources et barème en trois tranches.",
            "operations": "Comparaison au plafond, lecture du barème.",
        },
    ),
    (
        "Contrôle des déclarations de taxe de séjour",
        "Signale les déclarations de taxe de séjour incohérentes pour un contrôle par un agent.",
        "finance",
        "support",
        "rules",
        "personal",
        "human",
        {"methods": "Règles de cohérence entre nuitées déclarées et capacité d'accueil."},
    ),
    (
        "Comptage des vélos sur les pistes cyclables",
        "Compte les passages de vélos grâce à des capteurs anonymes pour planifier les aménagements.",
        "mobility",
        "none",
        "ml",
        "none",
        "na",
        {"methods": "Classification des silhouettes sans image conservée."},
    ),
    (
        "Affectation des élèves dans les écoles",
        "Propose l'école de secteur de chaque enfant selon l'adresse et les dérogations demandées.",
        "education",
        "individual",
        "rules",
        "personal",
        "partial",
        {
            "data_sources": "Adresse du foyer, demandes de dérogation.",
            "parameters": "Carte scolaire ; priorité aux fratries pour les dérogations.",
            "operations": "Géolocalisation de l'adresse, lecture de la carte scolaire.",
        },
    ),
    (
        "Prévision des crues et alertes",
        "Prévoit la hauteur des cours d'eau et déclenche les alertes aux services concernés.",
        "safety",
        "support",
        "hybrid",
        "none",
        "human",
        {"methods": "Modèle hydrologique et correction statistique des prévisions."},
    ),
]
COMMON = {
    "description": (
        "Cet outil aide le service. Il utilise des informations simples. "
        "Un agent vérifie toujours le résultat. Vous pouvez poser vos questions au service."
    ),
    "lifecycle": "in_use",
    "legal_basis": "Délibération du conseil et code général des collectivités territoriales.",
    "accountable_role": "Directeur ou directrice du service concerné",
    "human_oversight": "Un agent relit chaque résultat avant qu'il ne soit utilisé.",
    "appeal_procedure": "Recours gracieux auprès de l'autorité territoriale, puis tribunal administratif.",
    "supplier_name": "Éditeur fictif (démo)",
    "cost": "Environ 15 000 € par an (chiffre fictif)",
    "explanation_contact": "Accueil de la mairie, ou par courrier au service concerné.",
}
DEMO_ACTOR = "admin@demo.citeia.example"


def _organisations() -> list[Organisation]:
    """The Métropole, every territory's organisation and a few more communes: 16 in all."""
    picked = [Organisation.objects.get(kind="metropole")]
    for territory in Territory.objects.order_by("number"):
        organisation = (
            Organisation.objects.filter(kind="ept", territory=territory).first()
            or Organisation.objects.filter(commune=territory.seat).first()
        )
        if organisation is not None:
            picked.append(organisation)
    for slug in ("montreuil", "antony", "saint-denis", "vincennes"):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is not None and organisation not in picked:
            picked.append(organisation)
    return picked


def _actor() -> User:
    user = User.objects.filter(email=DEMO_ACTOR).first()
    if user is None:
        user = User.objects.filter(platform_role=PlatformRole.ADMINISTRATOR).first()
    if user is None:
        user = User.objects.create_user(
            DEMO_ACTOR, full_name="Administration (démo)", platform_role=PlatformRole.ADMINISTRATOR
        )
    return user


def load_demo_registry() -> dict[str, int]:
    """Create the demo register once (idempotent). Returns counts for display."""
    # Demo requesters and editors are fictional: their notifications go nowhere.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        translation.override(settings.LANGUAGE_CODE),
        transaction.atomic(),
    ):
        if not Record.objects.filter(is_demo=True).exists():
            _load()
    return {
        "records": Record.objects.filter(is_demo=True).count(),
        "organisations": Record.objects.filter(is_demo=True)
        .values("organisation")
        .distinct()
        .count(),
        "requests": ExplanationRequest.objects.filter(is_demo=True).count(),
    }


def _load() -> None:
    actor = _actor()
    now = timezone.now()
    organisations = _organisations()
    records: list[Record] = []
    n = 0
    # Two records per organisation: 32 with the 16 organisations.
    for round_index in range(2):
        for org_index, organisation in enumerate(organisations):
            name, summary, theme, decision, technique, personal, automation, extra = TEMPLATES[
                (org_index + round_index * 5) % len(TEMPLATES)
            ]
            n += 1
            data = {
                **COMMON,
                **extra,
                "name": name,
                "summary": summary,
                "theme": theme,
                "decision_type": decision,
                "technique": technique,
                "personal_data": personal,
                "automation": automation,
                "goal": summary,
                "next_review": (now + datetime.timedelta(days=200 - 60 * (n % 5))).date(),
                "in_use_since": datetime.date(2024, 1 + n % 12, 1),
                "keywords": f"{theme}, démo",
            }
            withheld = {"cost": "l311_6_business"} if n % 7 == 0 else None
            if n % 11 == 0:
                withheld = {"methods": "l311_5_systems"}
            record = services.record_create(
                user=actor, organisation=organisation, data=data, withheld=withheld, is_demo=True
            )
            records.append(record)
    for index, record in enumerate(records):
        _advance(record, index, actor, now)
    _requests(records, actor, now)
    for record in Record.objects.filter(is_demo=True, current_version__isnull=False):
        search.index(record.current_version)


def _advance(record: Record, index: int, actor, now) -> None:
    """Spread the statuses: drafts, in review, published (1 to 3 versions), retired,
    archived, and published records with unpublished edits."""
    kind = index % 10
    if kind == 0:
        return  # draft
    services.record_submit(user=actor, record=record)
    if kind == 1:
        return  # in review
    services.record_publish(
        user=actor,
        record=record,
        note="Première publication",
        when=now - datetime.timedelta(days=120),
    )
    if kind in (3, 4, 5, 7):
        services.record_update(
            user=actor,
            record=record,
            data={"monitoring": "Bilan trimestriel présenté au comité de suivi."},
        )
        services.record_submit(user=actor, record=record)
        services.record_publish(
            user=actor,
            record=record,
            note="Ajout du suivi",
            when=now - datetime.timedelta(days=45),
        )
    if kind in (4, 5):
        services.record_update(
            user=actor,
            record=record,
            data={"staff_training": "Une demi-journée de formation pour chaque agent."},
        )
        services.record_submit(user=actor, record=record)
        services.record_publish(
            user=actor,
            record=record,
            note="Formation des agents",
            when=now - datetime.timedelta(days=5),
        )
    if kind == 6:
        services.record_retire(
            user=actor,
            record=record,
            note="Remplacé par une procédure manuelle.",
            when=now - datetime.timedelta(days=20),
        )
    if kind == 8:
        services.record_retire(
            user=actor,
            record=record,
            note="Expérimentation terminée.",
            when=now - datetime.timedelta(days=60),
        )
        services.record_archive(user=actor, record=record)
    if kind == 9:
        services.record_update(
            user=actor, record=record, data={"cost": "Coût en cours de renégociation (brouillon)."}
        )


REQUEST_TEXT = (
    "J'ai reçu une décision qui me concerne. Je voudrais savoir comment l'algorithme a été "
    "utilisé et quelles informations ont été prises en compte."
)
ANSWERS = {
    "answer_contribution": "L'algorithme a proposé un résultat ; un agent l'a vérifié et validé.",
    "answer_data": "Les informations de votre dossier de demande, fournies par vous.",
    "answer_parameters": "Votre situation relevait de la deuxième tranche du barème.",
    "answer_operations": "Calcul du critère, lecture du barème, vérification par un agent.",
}


def _requests(records: list[Record], actor, now) -> None:
    """Explanation requests in every state on public records used in individual decisions."""
    eligible = [
        record
        for record in Record.objects.filter(
            pk__in=[r.pk for r in records], current_version__isnull=False
        ).exclude(status=RecordStatus.ARCHIVED)
        if record.current_version.decision_type == "individual"
    ]
    states = ["received", "assigned", "answered", "late_answered", "closed", "erased", "overdue"]
    for index, state in enumerate(states * 2):
        record = eligible[index % len(eligible)]
        received = now - datetime.timedelta(
            days={"overdue": 45, "erased": 500}.get(state, 10 + index)
        )
        request = request_services.explanation_request_create(
            record=record,
            data={
                "message": REQUEST_TEXT,
                "decision_reference": f"DEMO-{2026}-{index + 1:03d}",
                "requester_name": f"Personne fictive {index + 1}",
                "email": f"demandeur{index + 1}@demo.citeia.example",
                "is_demo": True,
            },
            now=received,
        )
        if state == "assigned":
            assignee = User.objects.filter(
                memberships__organisation=record.organisation,
                memberships__role__in=["editor", "manager"],
                memberships__status="active",
            ).first()
            request_services.explanation_request_assign(
                user=actor, request=request, assignee=assignee
            )
        elif state in ("answered", "erased"):
            request_services.explanation_request_answer(
                user=actor,
                request=request,
                answers=ANSWERS,
                now=received + datetime.timedelta(days=12),
            )
        elif state == "late_answered":
            request_services.explanation_request_answer(
                user=actor,
                request=request,
                answers=ANSWERS,
                now=received + datetime.timedelta(days=40),
            )
        elif state == "closed":
            request_services.explanation_request_close(user=actor, request=request, now=received)
    request_services.explanation_requests_erase_expired()
