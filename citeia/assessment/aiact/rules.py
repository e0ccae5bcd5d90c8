"""The AI Act rule set as data: every article, label and date the engine uses.

A legal reviewer updates this file (and bumps RULE_SET_VERSION) without touching the
engine. Dates come from the reference note on the consolidated text
(../shared/reference/ai-act.md, "Obligations of a public deployer, with dates"); they
are gathered here and nowhere else.
"""

from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

RULE_SET_VERSION: Final = "aiact-2026.1"
LEGAL_BASIS: Final = (
    "Règlement (UE) 2024/1689 sur l'intelligence artificielle, "
    "modifié par le règlement (UE) 2026/1744 (omnibus numérique)"
)
# The amending regulation's entry into force: the consolidated text the rules follow.
CONSOLIDATED_TEXT_DATE: Final = date(2026, 7, 27)

DateKey = Literal[
    "prohibitions",
    "prohibitions_ba_bb",
    "ai_literacy",
    "transparency",
    "transparency_50_2_existing",
    "high_risk_annex_iii",
    "high_risk_annex_iii_public_existing",
    "high_risk_annex_i",
]

DATES: Final = MappingProxyType[DateKey, date](
    {
        "prohibitions": date(2025, 2, 2),
        "prohibitions_ba_bb": date(2026, 12, 2),
        "ai_literacy": date(2025, 2, 2),
        "transparency": date(2026, 8, 2),
        # Art. 50(2) for generative systems already on the market before the date above.
        "transparency_50_2_existing": date(2026, 12, 2),
        "high_risk_annex_iii": date(2027, 12, 2),
        # Art. 111(2): systems of public authorities already in use before the date above.
        "high_risk_annex_iii_public_existing": date(2030, 8, 2),
        "high_risk_annex_i": date(2028, 8, 2),
    }
)

# A system first put into service before this date is "already on the market / in use".
EXISTING_SYSTEM_CUTOFFS: Final = MappingProxyType[DateKey, DateKey](
    {
        "transparency_50_2_existing": "transparency",
        "high_risk_annex_iii_public_existing": "high_risk_annex_iii",
    }
)


@dataclass(frozen=True)
class Choice:
    """One allowed value of a fact, with the article that defines it and a French label."""

    article: str
    label: str


EXCLUSIONS: Final = MappingProxyType(
    {
        "defence": Choice("Art. 2(3)", "défense ou sécurité nationale"),
        "scientific_research": Choice("Art. 2(6)", "recherche scientifique pure"),
        "pre_market_rnd": Choice(
            "Art. 2(8)",
            "recherche et développement avant mise sur le marché (hors essais en conditions réelles)",
        ),
        "personal_use": Choice("Art. 2(10)", "usage purement personnel et non professionnel"),
    }
)

ROLES: Final = MappingProxyType(
    {
        "provider": Choice("Art. 3(3)", "fournisseur"),
        "deployer": Choice("Art. 3(4)", "déployeur"),
    }
)

DEPLOYER_CHANGES: Final = MappingProxyType(
    {
        "own_name": Choice(
            "Art. 25(1)(a)", "met son nom ou sa marque sur le système à haut risque"
        ),
        "substantial_modification": Choice(
            "Art. 25(1)(b)", "modifie substantiellement le système à haut risque"
        ),
        "purpose_change": Choice(
            "Art. 25(1)(c)", "change sa destination, qui le rend à haut risque"
        ),
    }
)

# Art. 5(1) letters in the order of the article; (ba) and (bb) were added by the 2026 amendment.
PROHIBITED_PRACTICES: Final = MappingProxyType(
    {
        "a": Choice("Art. 5(1)(a)", "manipulation ou techniques subliminales préjudiciables"),
        "b": Choice(
            "Art. 5(1)(b)",
            "exploitation des vulnérabilités (âge, handicap, situation sociale ou économique)",
        ),
        "ba": Choice("Art. 5(1)(ba)", "hypertrucages intimes non consentis"),
        "bb": Choice("Art. 5(1)(bb)", "contenus pédopornographiques"),
        "c": Choice("Art. 5(1)(c)", "notation sociale"),
        "d": Choice("Art. 5(1)(d)", "prédiction d'infractions fondée sur le seul profilage"),
        "e": Choice("Art. 5(1)(e)", "moissonnage non ciblé d'images faciales"),
        "f": Choice(
            "Art. 5(1)(f)",
            "inférence des émotions au travail ou à l'école (hors raisons médicales ou de sécurité)",
        ),
        "g": Choice(
            "Art. 5(1)(g)", "catégorisation biométrique déduisant des caractéristiques sensibles"
        ),
        "h": Choice(
            "Art. 5(1)(h)",
            "identification biométrique à distance en temps réel dans l'espace public à des fins répressives",
        ),
    }
)
PROHIBITION_DATE_KEYS: Final = MappingProxyType[str, DateKey](
    {"ba": "prohibitions_ba_bb", "bb": "prohibitions_ba_bb"}
)

ANNEX_III_POINTS: Final = MappingProxyType(
    {
        "1a": "identification biométrique à distance",
        "1b": "catégorisation biométrique selon des attributs sensibles",
        "1c": "reconnaissance des émotions",
        "2": "composant de sécurité d'une infrastructure critique (trafic, eau, gaz, chauffage, électricité)",
        "3a": "accès, admission ou affectation dans l'enseignement et la formation",
        "3b": "évaluation des acquis d'apprentissage",
        "3c": "évaluation du niveau d'enseignement approprié",
        "3d": "détection des comportements interdits pendant les examens",
        "4a": "recrutement et sélection",
        "4b": "conditions de travail, promotion, licenciement, attribution des tâches, suivi des agents",
        "5a": "éligibilité, octroi, réduction, retrait ou récupération de prestations et services d'aide publics",
        "5b": "évaluation de la solvabilité (score de crédit)",
        "5c": "évaluation des risques et tarification en assurance vie et santé",
        "5d": "tri et régulation des appels d'urgence",
        "6a": "risque qu'une personne soit victime d'une infraction (autorités répressives)",
        "6b": "polygraphes et outils similaires (autorités répressives)",
        "6c": "fiabilité des preuves (autorités répressives)",
        "6d": "risque d'infraction ou de récidive (autorités répressives)",
        "6e": "profilage lors de la détection d'infractions, des enquêtes ou des poursuites",
        "7a": "polygraphes et outils similaires (migration, asile, frontières)",
        "7b": "évaluation des risques posés par une personne entrant sur le territoire",
        "7c": "examen des demandes d'asile, de visa ou de titre de séjour",
        "7d": "détection ou identification de personnes (migration, asile, frontières)",
        "8a": "aide aux autorités judiciaires et aux modes alternatifs de règlement des litiges",
        "8b": "influence sur le résultat d'une élection ou d'un référendum",
    }
)
# Annex III points exempt from the FRIA and from registration in the EU database.
CRITICAL_INFRASTRUCTURE_POINT: Final = "2"
# Deployers of these points run a FRIA whatever their nature (Art. 27(1)).
FRIA_ANY_DEPLOYER_POINTS: Final = frozenset({"5b", "5c"})
# Annex III point 6 applies only to law-enforcement authorities: municipal police is a doubtful case.
LEGAL_REVIEW_AREA: Final = "6"

DEROGATIONS: Final = MappingProxyType(
    {
        "a": Choice("Art. 6(3)(a)", "tâche procédurale étroite"),
        "b": Choice(
            "Art. 6(3)(b)", "amélioration du résultat d'une activité humaine déjà réalisée"
        ),
        "c": Choice(
            "Art. 6(3)(c)", "détection de schémas de décision sans remplacer l'évaluation humaine"
        ),
        "d": Choice("Art. 6(3)(d)", "tâche préparatoire à une évaluation"),
    }
)
PROFILING_ARTICLE: Final = "Art. 6(3), dernier alinéa"

# Transparency duties (Art. 50), keyed by the fact that triggers each one.
TRANSPARENCY_FACTS: Final = MappingProxyType(
    {
        "50(1)": "interacts_with_people",
        "50(2)": "generates_synthetic_content",
        "50(3)": "emotion_recognition_or_biometric_categorisation",
        "50(4)": "deepfake_or_public_interest_text",
    }
)
PROVIDER_TRANSPARENCY: Final = ("50(1)", "50(2)")
DEPLOYER_TRANSPARENCY: Final = ("50(3)", "50(4)")


@dataclass(frozen=True)
class ObligationRule:
    article: str
    title: str
    explanation: str


AI_LITERACY = ObligationRule(
    "Art. 4",
    "Maîtrise de l'IA",
    "Former les agents qui conçoivent ou utilisent le système à ses capacités, ses limites et ses risques.",
)

PROHIBITION_EXPLANATION: Final = (
    "Ne pas mettre sur le marché, mettre en service ni utiliser ce système ; arrêter son usage."
)
PROHIBITION_EXPLANATION_H: Final = "Interdit sauf exceptions étroites soumises à autorisation (art. 5(2) à 5(7)) ; arrêter son usage."

TRANSPARENCY: Final = MappingProxyType(
    {
        "50(1)": ObligationRule(
            "Art. 50(1)",
            "Dire aux personnes qu'elles échangent avec une IA",
            "Concevoir le système pour que chacun sache qu'il échange avec une IA, sauf si c'est évident.",
        ),
        "50(2)": ObligationRule(
            "Art. 50(2)",
            "Marquer les contenus générés",
            "Marquer textes, images, sons et vidéos générés dans un format lisible par machine et détectable.",
        ),
        "50(3)": ObligationRule(
            "Art. 50(3)",
            "Informer les personnes exposées",
            "Informer les personnes exposées à la reconnaissance des émotions ou à la catégorisation biométrique.",
        ),
        "50(4)": ObligationRule(
            "Art. 50(4)",
            "Signaler hypertrucages et textes générés",
            "Signaler les hypertrucages et les textes d'intérêt public générés par IA sans relecture éditoriale humaine.",
        ),
        "50(5)": ObligationRule(
            "Art. 50(5)",
            "Informer clairement et dès le premier contact",
            "Donner ces informations de façon claire et accessible, au plus tard à la première interaction.",
        ),
    }
)
# Appended to an explanation when a later date may apply; {cutoff} and {until} are filled from DATES.
EXISTING_SYSTEM_NOTE: Final = " Système déjà en service avant le {cutoff} : échéance au {until}."


PROVIDER_HIGH_RISK: Final = (
    ObligationRule(
        "Art. 9",
        "Gestion des risques",
        "Mettre en place et tenir à jour un système de gestion des risques.",
    ),
    ObligationRule(
        "Art. 10",
        "Données et gouvernance des données",
        "Utiliser des données d'entraînement pertinentes, représentatives et contrôlées.",
    ),
    ObligationRule(
        "Art. 11",
        "Documentation technique",
        "Rédiger la documentation technique avant la mise en service et la tenir à jour.",
    ),
    ObligationRule(
        "Art. 12",
        "Journalisation",
        "Permettre l'enregistrement automatique des événements (journaux).",
    ),
    ObligationRule(
        "Art. 13",
        "Notice pour les déployeurs",
        "Fournir une notice d'utilisation claire sur les capacités et limites du système.",
    ),
    ObligationRule(
        "Art. 14",
        "Contrôle humain",
        "Concevoir le système pour qu'une personne puisse le surveiller et l'arrêter.",
    ),
    ObligationRule(
        "Art. 15",
        "Exactitude, robustesse et cybersécurité",
        "Atteindre et déclarer un niveau approprié d'exactitude, de robustesse et de sécurité.",
    ),
    ObligationRule(
        "Art. 17",
        "Système de gestion de la qualité",
        "Documenter les procédures qualité de conception, de test et de suivi.",
    ),
    ObligationRule(
        "Art. 47",
        "Déclaration UE de conformité",
        "Rédiger et signer la déclaration UE de conformité.",
    ),
    ObligationRule(
        "Art. 48", "Marquage CE", "Apposer le marquage CE, y compris sous forme numérique."
    ),
    ObligationRule(
        "Art. 72",
        "Surveillance après commercialisation",
        "Suivre le fonctionnement du système une fois en service.",
    ),
    ObligationRule(
        "Art. 73",
        "Signalement des incidents graves",
        "Signaler les incidents graves à l'autorité de surveillance du marché.",
    ),
)
CONFORMITY: Final = MappingProxyType(
    {
        "annex_i": ObligationRule(
            "Art. 43(3)",
            "Évaluation de la conformité",
            "Suivre la procédure d'évaluation de la conformité prévue par la législation du produit (annexe I).",
        ),
        "annex_iii_biometrics": ObligationRule(
            "Art. 43(1)",
            "Évaluation de la conformité",
            "Contrôle interne ou organisme notifié selon l'application des normes harmonisées (biométrie).",
        ),
        "annex_iii": ObligationRule(
            "Art. 43(2)",
            "Évaluation de la conformité",
            "Contrôle interne (annexe VI) avant la mise sur le marché ou la mise en service.",
        ),
    }
)

DEPLOYER_HIGH_RISK: Final = (
    ObligationRule(
        "Art. 26(1)",
        "Utiliser selon la notice",
        "Utiliser le système conformément à la notice d'utilisation du fournisseur.",
    ),
    ObligationRule(
        "Art. 26(2)",
        "Contrôle humain compétent",
        "Confier le contrôle humain à des personnes formées, compétentes et disposant de l'autorité nécessaire.",
    ),
    ObligationRule(
        "Art. 26(4)",
        "Données d'entrée",
        "Veiller à ce que les données d'entrée que vous maîtrisez soient pertinentes et représentatives.",
    ),
    ObligationRule(
        "Art. 26(5)",
        "Surveiller, signaler, suspendre",
        "Surveiller le fonctionnement, signaler risques et incidents graves, suspendre l'usage si besoin.",
    ),
    ObligationRule(
        "Art. 26(6)",
        "Conserver les journaux",
        "Conserver les journaux générés par le système au moins six mois.",
    ),
    ObligationRule(
        "Art. 26(7)",
        "Informer les agents",
        "Informer les représentants du personnel et les agents concernés avant un usage sur le lieu de travail.",
    ),
    ObligationRule(
        "Art. 26(9)",
        "Analyse d'impact RGPD",
        "Si des données personnelles sont traitées, réaliser l'AIPD (RGPD) avec la notice du fournisseur.",
    ),
    ObligationRule(
        "Art. 26(12)",
        "Coopérer avec les autorités",
        "Coopérer avec les autorités compétentes dans la mise en œuvre du règlement.",
    ),
)
DEPLOYER_ANNEX_III: Final = (
    ObligationRule(
        "Art. 26(11)",
        "Informer les personnes concernées",
        "Informer les personnes que des décisions les concernant sont prises ou assistées par le système.",
    ),
)
EXPLANATION_RIGHT = ObligationRule(
    "Art. 86",
    "Expliquer les décisions sur demande",
    "Expliquer sur demande le rôle du système dans une décision individuelle et ses principaux éléments.",
)
FRIA = ObligationRule(
    "Art. 27",
    "Analyse d'impact sur les droits fondamentaux (FRIA)",
    "Réaliser la FRIA avant le premier usage, la notifier à l'autorité de surveillance du marché et la tenir à jour.",
)
REGISTRATION_PROVIDER = ObligationRule(
    "Art. 49(1)",
    "Enregistrement dans la base de données de l'UE",
    "Enregistrer le système dans la base de données de l'UE avant sa mise sur le marché ou en service.",
)
REGISTRATION_DEPLOYER = ObligationRule(
    "Art. 49(3)",
    "Enregistrement de l'usage par l'autorité publique",
    "Avant usage, s'enregistrer et enregistrer l'usage dans la base de l'UE ; ne jamais utiliser un système non enregistré (art. 26(8)).",
)
REGISTRATION_NATIONAL = ObligationRule(
    "Art. 49(5)",
    "Enregistrement au niveau national",
    "Infrastructure critique (annexe III, point 2) : enregistrement au niveau national, pas dans la base de l'UE.",
)
DEROGATION_PROVIDER: Final = (
    ObligationRule(
        "Art. 6(4)",
        "Documenter la dérogation",
        "Documenter avant la mise sur le marché pourquoi le système n'est pas à haut risque.",
    ),
    ObligationRule(
        "Art. 49(2)",
        "Enregistrer le système malgré la dérogation",
        "Enregistrer le système dans la base de données de l'UE même s'il n'est pas à haut risque.",
    ),
)
DEROGATION_DEPLOYER = ObligationRule(
    "Art. 6(4)",
    "Obtenir la dérogation documentée du fournisseur",
    "Demander au fournisseur son évaluation documentée ; sans elle, traiter le système comme à haut risque.",
)
