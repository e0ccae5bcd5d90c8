"""Load the demo content (fictional) and print the demo accounts. Demo mode only."""

import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from citeia.accounts.demo import load_demo_accounts
from citeia.assessment.demo import load_demo_assessments
from citeia.assessment.principles_demo import load_demo_principles
from citeia.catalogue.demo import demo_catalogue_accounts, load_demo_catalogue
from citeia.registry.demo import load_demo_registry
from citeia.sandbox.demo import load_demo_sandbox


class Command(BaseCommand):
    help = (
        "Charge le contenu de démonstration et affiche les comptes de démo "
        "(CITEIA_DEMO=1 uniquement)."
    )

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError(
                "Refusé : le contenu de démonstration crée des comptes aux mots de passe affichés. "
                "Lancez avec CITEIA_DEMO=1 sur une instance de démonstration uniquement."
            )
        credentials = settings.VAR_DIR / "demo-password.txt"
        if credentials.exists():
            password = credentials.read_text().strip()
        else:
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            password = "demo-" + secrets.token_urlsafe(12)
            credentials.write_text(password + "\n")
            credentials.chmod(0o600)
        accounts = load_demo_accounts(password=password)
        catalogue = load_demo_catalogue(password=password)
        register = load_demo_registry()
        assessments = load_demo_assessments()
        principles = load_demo_principles()
        sandbox = load_demo_sandbox()
        self.stdout.write("")
        self.stdout.write(
            "Comptes de démonstration (mot de passe commun, stocké dans var/demo-password.txt) :"
        )
        for account in accounts:
            self.stdout.write(f"  {account.email:45} {account.role_label}")
        for email, label in demo_catalogue_accounts():
            self.stdout.write(f"  {email:45} {label}")
        self.stdout.write(f"  mot de passe : {password}")
        self.stdout.write(
            "Catalogue de démonstration : {solutions} solutions de {vendors} fournisseurs "
            "fictifs, {reviews} évaluations d'experts.".format(**catalogue)
        )
        self.stdout.write(
            "Évaluations de démonstration : {files} dossiers AI Act (tous les classements).".format(
                **assessments
            )
        )
        self.stdout.write(
            "Sobriété et confiance : {frugality} évaluations de sobriété (notes {grades}), "
            "{trust} auto-évaluations de confiance.".format(**principles)
        )
        self.stdout.write(
            "Registre de démonstration : {records} fiches de {organisations} collectivités, "
            "{requests} demandes d'explication.".format(**register)
        )
        self.stdout.write(
            "Bac à sable : {datasets} jeu de données, {models} modèles, {runs} évaluations "
            "(exécutées par le worker).".format(**sandbox)
        )
        self.stdout.write(f"Administrateur de démo : {accounts[0].email} / {password}")
        self.stdout.write("")
