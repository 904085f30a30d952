"""factory_boy factories and the scenario helper: "a user with role R in regions X" in one line."""

import factory
from django.contrib.auth.models import Group

from intimacy_ops.accounts.models import Region, User
from intimacy_ops.accounts.roles import Role

PASSWORD = "correct-horse-battery"  # noqa: S105


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"R{n:02d}")
    name = factory.LazyAttribute(lambda region: f"Region {region.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=[Role(role).value for role in extracted]))

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(
                [RegionFactory(code=code) if isinstance(code, str) else code for code in extracted]
            )

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        if create:
            instance.save()


def user_with(role: Role | str, regions=("EMEA",), username: str | None = None, **fields) -> User:
    """A saved, active user holding `role` in `regions` (region codes), with password PASSWORD."""
    role = Role(role)
    extra = {"username": username} if username else {}
    if role is Role.ADMINISTRATOR:
        fields.setdefault("is_superuser", True)
        fields.setdefault("is_staff", True)
    return UserFactory(roles=[role], regions=list(regions), **extra, **fields)
