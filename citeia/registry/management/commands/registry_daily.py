"""The register's daily chores: enqueue them for the workers, or run them now (--now)."""

from django.core.management.base import BaseCommand

from citeia.registry import request_services, tasks, upkeep


class Command(BaseCommand):
    help = (
        "Tâches quotidiennes du registre : effacement des données personnelles des demandes "
        "d'explication au terme de leur conservation, rappels de revue, vérification des liens "
        "(si REGISTRY_LINK_CHECK est activé)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now", action="store_true", help="Exécuter tout de suite plutôt que via la file."
        )

    def handle(self, *args, **options):
        links = upkeep.link_check_enabled()
        if options["now"]:
            self.stdout.write(
                f"Demandes effacées : {request_services.explanation_requests_erase_expired()}"
            )
            self.stdout.write(f"Fiches rappelées : {upkeep.review_reminders_send()}")
            if links:
                self.stdout.write(f"Liens cassés : {upkeep.links_check()}")
            return
        tasks.erase_expired_requests.enqueue()
        tasks.send_review_reminders.enqueue()
        if links:
            tasks.check_links.enqueue()
        self.stdout.write("Tâches du registre mises en file.")
