"""factory_boy factories that produce valid registry and aid rows."""

import random

import factory
from django.utils import timezone

from aid.models import Application, Program
from registry import fakes, identifiers
from registry.models import Bank, BankAccount, Business, Owner, Region

_rng = random.Random(7)


def _kelurahan():
    return Region.objects.filter(level=Region.Level.KELURAHAN).order_by("?").first()


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner

    nik = factory.Sequence(lambda n: fakes.nik(_rng, serial=n % 9000 + 1))
    full_name = factory.Faker("name", locale="id_ID")
    phone = factory.LazyFunction(lambda: identifiers.phone(fakes.mobile(_rng)).value)
    ktp_address = factory.Faker("street_address", locale="id_ID")
    kelurahan = factory.LazyFunction(_kelurahan)
    sex = factory.LazyAttribute(lambda o: identifiers.nik_facts(o.nik).sex)
    birth_date = factory.LazyAttribute(lambda o: identifiers.nik_facts(o.nik).birth_date)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    owner = factory.SubFactory(OwnerFactory)
    name = factory.Sequence(lambda n: f"Warung {n}")
    sector = "Kuliner"
    kelurahan = factory.LazyAttribute(lambda b: b.owner.kelurahan)
    kecamatan = factory.LazyAttribute(lambda b: b.kelurahan.parent if b.kelurahan else None)


class BankAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankAccount

    owner = factory.SubFactory(OwnerFactory)
    bank = factory.LazyFunction(lambda: Bank.objects.get(code="002"))
    account_number = factory.LazyFunction(lambda: fakes.account_number(_rng, "002"))
    holder_name = factory.LazyAttribute(lambda a: a.owner.full_name)


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ["code"]

    code = "bpum-2020"
    name = "BPUM 2020"
    amount = 2_400_000


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application created directly in ``proposed``; use aid.services for history."""

    class Meta:
        model = Application

    business = factory.SubFactory(BusinessFactory)
    owner = factory.LazyAttribute(lambda a: a.business.owner)
    program = factory.SubFactory(ProgramFactory)
    proposed_at = factory.LazyFunction(timezone.now)
