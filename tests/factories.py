"""factory_boy factories. Regions come from the data migration, so villages are the real ones."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group, User

from participants.models import Contribution, FundingSource, Occupation, Participant, Sex
from villages.models import Activity, Assignment, Village


def make_nik(*, birth_date: datetime.date, sex: str, serial: int, region: str = "130207") -> str:
    """A NIK that python-stdnum accepts, encoding `birth_date` and `sex` (women: day + 40)."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial % 10000:04d}"


def village(code: str = "13.02.07.2006") -> Village:
    return Village.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()

    @factory.post_generation
    def villages(self, create, extracted, **kwargs):
        for assigned in extracted or ():
            Assignment.objects.create(user=self, village=assigned)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    village = factory.LazyFunction(village)
    name = factory.Sequence(lambda n: f"Peserta {n}")
    sex = Sex.MALE
    birth_date = datetime.date(1985, 3, 14)
    nik = factory.LazyAttributeSequence(lambda o, n: make_nik(birth_date=o.birth_date, sex=o.sex, serial=n + 1))
    occupation = Occupation.FARMER
    monthly_income = 1_500_000
    funding_source = FundingSource.SELF
    enrolled_on = datetime.date(2024, 1, 10)


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    participant = factory.SubFactory(ParticipantFactory)
    month = datetime.date(2024, 1, 1)
    amount = 16_800
    paid_on = factory.LazyAttribute(lambda o: o.month)
    channel = Contribution.Channel.AGENT
    funding_source = FundingSource.SELF


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    village = factory.LazyFunction(village)
    date = datetime.date(2024, 5, 2)
    kind = Activity.Kind.SOCIALISATION
    attendees = 40
    enrolled_on_spot = 5
