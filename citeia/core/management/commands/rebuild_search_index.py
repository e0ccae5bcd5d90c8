"""Rebuild the full-text index of every registered model, or of the ones named."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from citeia.core import search


class Command(BaseCommand):
    help = (
        "Reconstruit l'index de recherche plein texte (tous les modèles enregistrés, "
        "ou ceux nommés : app_label.Model)."
    )

    def add_arguments(self, parser):
        parser.add_argument("models", nargs="*", metavar="app_label.Model")

    def handle(self, *args, **options):
        registered = search.registered_models()
        models = registered
        if options["models"]:
            try:
                models = [apps.get_model(label) for label in options["models"]]
            except (LookupError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            unknown = [model._meta.label for model in models if model not in registered]
            if unknown:
                raise CommandError(
                    f"Modèles non indexés : {', '.join(unknown)}. "
                    f"Modèles indexés : {', '.join(m._meta.label for m in registered) or 'aucun'}."
                )
        for model in models:
            count = search.reindex(model)
            self.stdout.write(f"{model._meta.label} : {count} document(s) indexé(s)")
