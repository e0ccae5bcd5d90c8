from django.core.management.base import BaseCommand, CommandError

from citeia.accounts.models import User
from citeia.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Crée un jeton d'API personnel pour le compte EMAIL et l'affiche une seule fois."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="jeton créé en ligne de commande")

    def handle(self, *args, email, name, **options):
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist as exc:
            raise CommandError(f"Aucun compte avec l'adresse {email}.") from exc
        if not user.is_active:
            raise CommandError(f"Le compte {email} est désactivé.")
        _token, key = api_token_create(user=user, name=name)
        self.stdout.write(key)
