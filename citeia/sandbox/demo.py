"""Demo content of the sandbox (fictional): the benefit-eligibility dataset of Montreuil,
two models and one evaluation of each, queued for the worker. Idempotent.

The runs are attached to Montreuil's demo assessment file of the eligibility score when the
assessment demo created it (load it first, as `load_demo` does): their measured energy then
feeds that file's frugality estimate."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from citeia.accounts.models import Organisation, User

from . import demo_data, services
from .models import Dataset, Run, SandboxModel

DATASET_NAME = "Demandes d'aide au chauffage 2025 (démo)"
MODEL_A = "Éligibilité — régression logistique (démo)"
MODEL_B = "Éligibilité — arbre de décision sur la règle (démo)"
# The system of citeia/assessment/demo.py that the demo models stand for.
ASSESSED_SYSTEM = "Score d'éligibilité aux aides facultatives du CCAS"


def _user() -> User:
    from citeia.accounts.demo import DEMO_DOMAIN

    return User.objects.get(email=f"editeur.montreuil@{DEMO_DOMAIN}")


def _assessment_file(user: User, organisation: Organisation):
    """The demo file of the assessed system, among the files the user may attach runs to."""
    from citeia.assessment.selectors import files_for_user

    return (
        files_for_user(user)
        .filter(organisation=organisation, name=ASSESSED_SYSTEM, is_demo=True)
        .first()
    )


def load_demo_sandbox() -> dict[str, int]:
    organisation = Organisation.objects.get(slug="montreuil")
    if Dataset.objects.filter(is_demo=True, name=DATASET_NAME).exists():
        return {"datasets": 1, "models": 2, "runs": Run.objects.filter(is_demo=True).count()}
    user = _user()
    files = demo_data.build()
    dataset = services.dataset_upload(
        user=user,
        organisation=organisation,
        name=DATASET_NAME,
        description=(
            "Données fictives générées (graine fixe) : 50 000 demandes d'une aide municipale, "
            "avec la décision historique. Les décisions passées défavorisent les femmes."
        ),
        upload=SimpleUploadedFile("demandes-aide-demo.csv", files["dataset.csv"]),
        sensitivity="personal",
        is_demo=True,
    )
    roles = {
        "decision": "target",
        "sexe": "sensitive",
        "tranche_age": "sensitive",
        "commune": "feature",
    }
    services.dataset_update(
        user=user,
        dataset=dataset,
        schema_changes={name: {"role": role} for name, role in roles.items()},
    )
    model_a = services.model_upload(
        user=user,
        organisation=organisation,
        name=MODEL_A,
        description="Entraîné sur les décisions historiques, le sexe parmi les entrées.",
        upload=SimpleUploadedFile("eligibilite-a.onnx", files["model_a.onnx"]),
        fmt="onnx",
        task="binary",
        classes=[0, 1],
        is_demo=True,
    )
    model_b = services.model_upload(
        user=user,
        organisation=organisation,
        name=MODEL_B,
        description="Entraîné sur la règle écrite de l'aide : revenu, foyer, enfants.",
        upload=SimpleUploadedFile("eligibilite-b.skops", files["model_b.skops"]),
        fmt="skops",
        task="binary",
        is_demo=True,
    )
    # Antony may use the data for three months: the grant shows on the dataset's page.
    antony = Organisation.objects.filter(slug="antony").first()
    manager = User.objects.filter(
        memberships__organisation=organisation,
        memberships__role="manager",
        memberships__status="active",
    ).first()
    if antony and manager:
        services.dataset_grant(
            user=manager,
            dataset=dataset,
            organisation=antony,
            expires_at=timezone.now() + timedelta(days=90),
        )
    assessment_file = _assessment_file(user, organisation)
    with transaction.atomic():
        for model in (model_a, model_b):
            services.run_create(
                user=user,
                dataset=dataset,
                model=model,
                target="decision",
                positive_label="1",
                sensitive=["sexe", "tranche_age"],
                control=["tranche_revenu"],
                is_demo=True,
                assessment_file=assessment_file,
            )
    return {
        "datasets": 1,
        "models": SandboxModel.objects.filter(is_demo=True).count(),
        "runs": Run.objects.filter(is_demo=True).count(),
    }
