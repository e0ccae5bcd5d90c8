"""Rebuild every solution's derived figures (review and reference counts, means, assessments)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from citeia.catalogue.models import Solution
from citeia.catalogue.services import solution_figures_refresh


class Command(BaseCommand):
    help = (
        "Recalcule les chiffres dérivés de chaque solution (évaluations, références, "
        "moyennes par critère, classe AI Act, note de sobriété). À lancer après une "
        "modification directe de la base ; les services les tiennent à jour sinon."
    )

    def handle(self, *args, **options):
        ids = list(Solution.objects.values_list("pk", flat=True))
        with transaction.atomic():
            solution_figures_refresh(solution_ids=ids)
        self.stdout.write(f"{len(ids)} solution(s) recalculée(s).")
