"""Demo organisations and one demo account per role. Everything here is fictional."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from citeia.core.permissions import MemberRole, PlatformRole

from .models import Membership, MembershipStatus, Organisation, User

DEMO_DOMAIN = "demo.citeia.example"

DEMO_ORGANISATIONS = [
    {
        "slug": "demo-civitext",
        "name": "Civitext (démo)",
        "kind": "company",
        "description": "Éditeur fictif d'un assistant de rédaction des actes administratifs.",
    },
    {
        "slug": "demo-urbavision",
        "name": "UrbaVision (démo)",
        "kind": "company",
        "description": "Entreprise fictive d'analyse d'images pour l'entretien de l'espace public.",
    },
    {
        "slug": "demo-commun-numerique",
        "name": "Collectif Commun numérique (démo)",
        "kind": "association",
        "description": "Association fictive de logiciels libres pour les collectivités.",
    },
    {
        "slug": "demo-labo-ia-publique",
        "name": "Laboratoire IA et action publique (démo)",
        "kind": "research_lab",
        "description": "Laboratoire fictif partenaire de la chaire de recherche.",
    },
    {
        "slug": "demo-reseau-innovation",
        "name": "Réseau Innovation Grand Paris (démo)",
        "kind": "innovation_network",
        "description": "Réseau fictif de start-up et d'incubateurs.",
    },
    {
        "slug": "demo-ville-partenaire",
        "name": "Ville partenaire européenne (démo)",
        "kind": "international_partner",
        "is_french": False,
        "description": "Partenaire international fictif, échange de pratiques sur l'IA urbaine.",
    },
    {
        "slug": "demo-conseil-citoyen",
        "name": "Conseil citoyen de l'IA (démo)",
        "kind": "residents_body",
        "description": "Instance fictive de résidents consultée sur les usages de l'IA.",
    },
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    role_label: str
    platform_role: str = PlatformRole.NONE
    organisation: str | None = None
    member_role: str | None = None
    status: str = MembershipStatus.ACTIVE


DEMO_ACCOUNTS = [
    DemoAccount(
        f"admin@{DEMO_DOMAIN}",
        "Camille Administratrice",
        "administration",
        PlatformRole.ADMINISTRATOR,
    ),
    DemoAccount(
        f"programme@{DEMO_DOMAIN}",
        "Karim Programme",
        "équipe programme",
        PlatformRole.PROGRAMME_TEAM,
        "metropole-du-grand-paris",
        MemberRole.MANAGER,
    ),
    DemoAccount(f"experte@{DEMO_DOMAIN}", "Inès Experte", "experte", PlatformRole.EXPERT),
    DemoAccount(
        f"gestionnaire.montreuil@{DEMO_DOMAIN}",
        "Léa Gestionnaire",
        "gestionnaire (Montreuil)",
        organisation="montreuil",
        member_role=MemberRole.MANAGER,
    ),
    DemoAccount(
        f"editeur.montreuil@{DEMO_DOMAIN}",
        "Hugo Éditeur",
        "éditeur (Montreuil)",
        organisation="montreuil",
        member_role=MemberRole.EDITOR,
    ),
    DemoAccount(
        f"membre.montreuil@{DEMO_DOMAIN}",
        "Sarah Membre",
        "membre (Montreuil)",
        organisation="montreuil",
        member_role=MemberRole.MEMBER,
    ),
    DemoAccount(
        f"agent.antony@{DEMO_DOMAIN}",
        "Paul Agent",
        "éditeur (Antony)",
        organisation="antony",
        member_role=MemberRole.EDITOR,
    ),
    DemoAccount(
        f"fournisseur@{DEMO_DOMAIN}",
        "Nadia Fournisseur",
        "éditrice (entreprise Civitext)",
        organisation="demo-civitext",
        member_role=MemberRole.MANAGER,
    ),
    DemoAccount(
        f"en.attente@{DEMO_DOMAIN}",
        "Tom En-attente",
        "demande d'adhésion en attente (Montreuil)",
        organisation="montreuil",
        member_role=MemberRole.MEMBER,
        status=MembershipStatus.PENDING,
    ),
]


@transaction.atomic
def load_demo_accounts(*, password: str) -> list[DemoAccount]:
    """Create or refresh the demo organisations and accounts. Idempotent."""
    for data in DEMO_ORGANISATIONS:
        defaults = {key: value for key, value in data.items() if key != "slug"}
        defaults["is_demo"] = True
        Organisation.objects.update_or_create(slug=data["slug"], defaults=defaults)

    for account in DEMO_ACCOUNTS:
        is_admin = account.platform_role == PlatformRole.ADMINISTRATOR
        user, created = User.objects.get_or_create(
            email=account.email,
            defaults={
                "full_name": account.full_name,
                "platform_role": account.platform_role,
                "is_staff": is_admin or account.platform_role == PlatformRole.PROGRAMME_TEAM,
                "is_superuser": is_admin,
            },
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.save()
        if account.organisation:
            Membership.objects.update_or_create(
                user=user,
                organisation=Organisation.objects.get(slug=account.organisation),
                defaults={
                    "role": account.member_role,
                    "status": account.status,
                    "decided_at": timezone.now()
                    if account.status == MembershipStatus.ACTIVE
                    else None,
                },
            )
    return DEMO_ACCOUNTS
