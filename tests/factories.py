import factory

from citeia.accounts.models import Membership, MembershipStatus, Organisation, User
from citeia.core.permissions import MemberRole


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation de test {n}")
    slug = factory.Sequence(lambda n: f"organisation-de-test-{n}")
    kind = "company"
    is_demo = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    full_name = factory.Sequence(lambda n: f"Personne Test {n}")
    password = factory.PostGenerationMethodCall("set_password", "mot-de-passe-solide-42")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MemberRole.MEMBER
    status = MembershipStatus.ACTIVE
