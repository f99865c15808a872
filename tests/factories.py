"""factory_boy factories, one per model the tests create. Regions come from the data migration, so
villages are the real ones (`village(code)`), and so is the default anev rubric.

Defaults are plain, valid values of Nagari Batang Barus; a test names only what it is about.
Scenario builders (a programme of paying participants, a village joining) are in tests/builders.py.
"""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from evaluations.models import ActionItem, EvaluationCycle, EvaluationStep, Rubric, VillageEvaluation
from indicators import Pillar
from participants.models import (
    Claim,
    Contribution,
    FundingSource,
    ImportBatch,
    Occupation,
    Participant,
    Programme,
    Sex,
)
from participants.months import add_months, month_range, month_start
from villages.models import Activity, Agent, Assignment, Award, Budget, Commitment, ExportLog, Target, Village
from villages.residents import Denominator, Resident, ResidentList, ResidentStatus

BATANG_BARUS = "13.02.07.2006"  # Nagari Batang Barus, Kab. Solok: the officials' own village in the tests
SIKALANG = "13.73.04.2010"  # Desa Sikalang, Kota Sawahlunto: the other village
DEFAULT_RUBRIC = "Rubrik Standar Desa Sadar"  # the rubric of the data migration


def make_nik(*, birth_date: datetime.date, sex: str, serial: int, region: str = "130207") -> str:
    """A NIK that python-stdnum accepts, encoding `birth_date` and `sex` (women: day + 40)."""
    day = birth_date.day + (40 if sex == Sex.FEMALE else 0)
    return f"{region}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial % 10000:04d}"


def village(code: str = BATANG_BARUS) -> Village:
    return Village.objects.get(code=code)


def default_rubric() -> Rubric:
    return Rubric.objects.get(name=DEFAULT_RUBRIC)


# --- users and villages ----------------------------------------------------------------------------------------


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
            AssignmentFactory(user=self, village=assigned)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    user = factory.SubFactory(UserFactory)
    village = factory.LazyFunction(village)


class CommitmentFactory(factory.django.DjangoModelFactory):
    """A cooperation agreement with no end date (in force)."""

    class Meta:
        model = Commitment

    village = factory.LazyFunction(village)
    kind = Commitment.Kind.AGREEMENT
    signed_on = datetime.date(2019, 3, 20)


class BudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Budget

    village = factory.LazyFunction(village)
    year = 2024
    amount = 25_000_000


class AgentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agent

    village = factory.LazyFunction(village)
    name = factory.Sequence(lambda n: f"Agen {n}")
    role = Agent.Role.PERISAI
    active_since = datetime.date(2020, 1, 1)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    village = factory.LazyFunction(village)
    year = 2021
    level = Award.Level.PROVINCE
    rank = Award.Rank.THIRD


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    village = factory.LazyFunction(village)
    year = 2024
    active_participants = 150


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    village = factory.LazyFunction(village)
    date = datetime.date(2024, 5, 2)
    kind = Activity.Kind.SOCIALISATION
    attendees = 40
    enrolled_on_spot = 5


class ExportLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExportLog

    user = factory.SubFactory(UserFactory)
    what = "Daftar peserta"
    file_format = "xlsx"
    rows = 1


# --- participants ----------------------------------------------------------------------------------------------


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


class PayingParticipantFactory(ParticipantFactory):
    """A participant who paid: `paid=N` the enrolment month and the N - 1 after it (default 12), or
    `paid=[(first, last), ...]` every month of those ranges."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def paid(self, create, extracted, **kwargs):
        extracted = 12 if extracted is None else extracted
        if isinstance(extracted, int):
            first = month_start(self.enrolled_on)
            extracted = [(first, add_months(first, extracted - 1))]
        for start, end in extracted:
            for month in month_range(start, end):
                ContributionFactory(participant=self, month=month)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A JKK claim of Rp 5.000.000 for an accident in 03/2024, not yet paid."""

    class Meta:
        model = Claim

    participant = factory.SubFactory(ParticipantFactory)
    programme = Programme.JKK
    event_date = datetime.date(2024, 3, 1)
    amount = 5_000_000


class ImportBatchFactory(factory.django.DjangoModelFactory):
    """An upload waiting for confirmation (its file is not read by the tests that use this)."""

    class Meta:
        model = ImportBatch

    kind = ImportBatch.Kind.PARTICIPANTS
    uploaded_by = factory.SubFactory(UserFactory)
    village = factory.LazyFunction(village)
    file = "imports/peserta.xlsx"
    original_name = "peserta.xlsx"


# --- the anev --------------------------------------------------------------------------------------------------


class RubricFactory(factory.django.DjangoModelFactory):
    """An empty rubric (items and categories are added by the test that needs them)."""

    class Meta:
        model = Rubric

    name = factory.Sequence(lambda n: f"Rubrik uji {n}")


class EvaluationCycleFactory(factory.django.DjangoModelFactory):
    """The first cycle, 2019–2022 with its baseline in 01/2019, on the default rubric."""

    class Meta:
        model = EvaluationCycle

    name = "Anev 2019–2022"
    start_month = datetime.date(2019, 1, 1)
    end_month = datetime.date(2022, 12, 1)
    baseline_date = datetime.date(2019, 1, 1)
    rubric = factory.LazyFunction(default_rubric)


class VillageEvaluationFactory(factory.django.DjangoModelFactory):
    """A draft evaluation, as opening the cycle makes it (not computed)."""

    class Meta:
        model = VillageEvaluation

    cycle = factory.SubFactory(EvaluationCycleFactory)
    village = factory.LazyFunction(village)


class EvaluationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationStep

    evaluation = factory.SubFactory(VillageEvaluationFactory)
    action = EvaluationStep.Action.CREATED


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    evaluation = factory.SubFactory(VillageEvaluationFactory)
    action = factory.Sequence(lambda n: f"Sosialisasi ulang {n}")
    pillar = Pillar.AWARENESS
    owner = "Wali nagari"
    due_date = datetime.date(2023, 6, 30)


# --- resident lists ----------------------------------------------------------------------------------------------


class ResidentListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentList
        django_get_or_create = ("village",)

    village = factory.LazyFunction(village)
    imported_at = factory.LazyFunction(timezone.now)
    uploaded_by = factory.SubFactory(UserFactory)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    resident_list = factory.SubFactory(ResidentListFactory)
    village = factory.SelfAttribute("resident_list.village")
    name = factory.Sequence(lambda n: f"Warga {n}")
    sex = Sex.MALE
    birth_date = datetime.date(1980, 5, 1)
    nik = factory.LazyAttributeSequence(lambda o, n: make_nik(birth_date=o.birth_date, sex=o.sex, serial=n + 1))
    hamlet = "Koto"
    occupation_id = 9
    status = ResidentStatus.ALIVE


class DenominatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Denominator

    village = factory.LazyFunction(village)
    as_of = factory.LazyFunction(timezone.localdate)
    source = "data penduduk OpenSID"
    alive = 100
    aged_15 = 80
    working = 60
    informal = 40
