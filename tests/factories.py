"""Synthetic persons for every test (no real person's data): one factory, one `make_person`.

`make_person(**overrides)` registers a person the way the resident-registry import does, through
`qualifications.services.person_create` (identifiers validated, `my_number_value` encrypted, the
audit event written). `make_person(registered=False, ...)` saves a plain row instead — no audit
event of its own — for tests that count the events they make themselves.
"""

from datetime import date

import factory
from factory.django import DjangoModelFactory

from qualifications.models import Household, Person, Sex


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"H{n:07d}")


class PersonFactory(DjangoModelFactory):
    """A plain row (`Person.save` fills the search keys); a married pair point at each other."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    addressee_number = factory.Sequence(lambda n: f"9{n:09d}")
    family_name = "試験"
    given_name = factory.Sequence(lambda n: f"太郎{n}")
    family_name_kana = "シケン"
    given_name_kana = "タロウ"
    sex = Sex.MALE
    birth_date = date(1990, 6, 15)
    postal_code = "3600000"
    address = "熊谷市試験町一丁目1番1号"
    household = factory.SubFactory(HouseholdFactory)

    @factory.post_generation
    def _spouse_points_back(person, create, extracted, **kwargs):
        spouse = person.spouse
        if create and spouse is not None and spouse.spouse_id is None:
            Person.objects.filter(pk=spouse.pk).update(spouse=person)


class RegisteredPersonFactory(PersonFactory):
    """Through the service that registers a person, as the import does."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from qualifications.services import person_create

        return person_create(**kwargs)


def make_person(*, registered: bool = True, **overrides) -> Person:
    factory_class = RegisteredPersonFactory if registered else PersonFactory
    return factory_class(**overrides)
