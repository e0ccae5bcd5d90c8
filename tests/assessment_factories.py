"""Factories for the assessment app (shared by its test modules; add, don't change)."""

import factory

from citeia.assessment.aiact import Facts, classify
from citeia.assessment.models import AiActAssessment, AssessmentFile, FileKind

from .factories import OrganisationFactory

SOCIAL_BENEFIT_FACTS = {
    "is_ai_system": True,
    "exclusion": None,
    "role": "deployer",
    "deployer_changes": [],
    "public_body": True,
    "prohibited_practices": [],
    "annex_i_safety_component": False,
    "annex_iii_point": "5a",
    "derogation": None,
    "emotion_recognition_or_biometric_categorisation": False,
    "deepfake_or_public_interest_text": False,
}
CHATBOT_FACTS = {
    "is_ai_system": True,
    "exclusion": None,
    "role": "provider",
    "prohibited_practices": [],
    "annex_i_safety_component": False,
    "annex_iii_point": None,
    "interacts_with_people": True,
    "generates_synthetic_content": False,
}


class SystemFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssessmentFile

    kind = FileKind.SYSTEM
    organisation = factory.SubFactory(OrganisationFactory, kind="commune")
    name = factory.Sequence(lambda n: f"Système de test {n}")
    description = "Un système d'IA utilisé par un service municipal."


class AiActAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AiActAssessment

    file = factory.SubFactory(SystemFileFactory)
    facts = factory.LazyFunction(lambda: dict(SOCIAL_BENEFIT_FACTS))
    result = factory.LazyAttribute(lambda o: classify(Facts.from_dict(o.facts)).to_dict())
    rule_set_version = factory.LazyAttribute(lambda o: o.result["rule_set"]["version"])
    status = "draft"
