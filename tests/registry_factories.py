"""Factories for the register's tests: complete records, published through the services."""

import datetime

from citeia.core import search
from citeia.registry import services
from citeia.registry.models import Record

from .factories import UserFactory

COMPLETE = {
    "name": "Calcul du quotient familial",
    "summary": "Calcule le tarif de la cantine selon les revenus du foyer.",
    "description": "La commune calcule votre tarif. Elle utilise vos revenus et la taille du foyer.",
    "theme": "education",
    "lifecycle": "in_use",
    "goal": "Fixer le tarif de la restauration scolaire selon les ressources.",
    "decision_type": "individual",
    "automation": "partial",
    "legal_basis": "Délibération du conseil municipal fixant les tarifs.",
    "accountable_role": "Direction de l'éducation",
    "human_oversight": "Un agent vérifie chaque tarif avant l'envoi.",
    "personal_data": "personal",
    "technique": "rules",
    "next_review": datetime.date(2099, 1, 1),
    "data_sources": "Avis d'imposition fourni par la famille.",
    "parameters": "Revenu fiscal de référence divisé par le nombre de parts.",
    "operations": "Division, puis lecture de la grille des tranches.",
    "appeal_procedure": "Recours gracieux auprès du maire, puis tribunal administratif.",
    "supplier_name": "Éditeur Fictif",
    "cost": "12 000 € par an",
}


def admin_user():
    return UserFactory(platform_role="administrator", is_superuser=True, is_staff=True)


def make_record(organisation, *, user=None, withheld=None, **fields) -> Record:
    user = user or admin_user()
    return services.record_create(
        user=user, organisation=organisation, data={**COMPLETE, **fields}, withheld=withheld
    )


def make_published(organisation, *, user=None, when=None, **fields) -> Record:
    user = user or admin_user()
    record = make_record(organisation, user=user, **fields)
    services.record_submit(user=user, record=record)
    services.record_publish(user=user, record=record, note="Première publication", when=when)
    record.refresh_from_db()
    # Tests run in a transaction that never commits: index as the on-commit hook would.
    search.index(record.current_version)
    return record


def republish(record: Record, *, user=None, when=None, note="Mise à jour", **fields) -> Record:
    user = user or admin_user()
    services.record_update(user=user, record=record, data=fields)
    services.record_submit(user=user, record=record)
    services.record_publish(user=user, record=record, note=note, when=when)
    record.refresh_from_db()
    search.index(record.current_version)
    return record
