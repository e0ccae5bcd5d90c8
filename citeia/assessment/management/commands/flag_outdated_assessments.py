from django.core.management.base import BaseCommand

from citeia.assessment.aiact import RULE_SET_VERSION
from citeia.assessment.services import flag_outdated_assessments
from citeia.assessment.services_principles import flag_outdated_principles


class Command(BaseCommand):
    help = (
        "Flag completed assessments made under another AI Act rule set, or another frugality "
        "or trust questionnaire version, as to review (with the difference explained)."
    )

    def handle(self, *args, **options):
        flagged = flag_outdated_assessments(current_version=RULE_SET_VERSION)
        self.stdout.write(f"{len(flagged)} assessment(s) flagged for review ({RULE_SET_VERSION}).")
        principles = flag_outdated_principles()
        self.stdout.write(
            f"{len(principles)} frugality or trust assessment(s) flagged for review "
            "(questionnaire versions)."
        )
