"""Village models: the access scope fails closed, constraints fire, commitment score counts."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    ActivityFactory,
    AgentFactory,
    AwardFactory,
    BudgetFactory,
    CommitmentFactory,
    TargetFactory,
    UserFactory,
)
from villages.access import ROLE_OFFICIAL
from villages.models import Agent, Award, Commitment, Target, Village

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 6, 1)


# --- the access scope -------------------------------------------------------------------------


def test_branch_roles_see_every_village(staff_user, head_user, superuser):
    for user in (staff_user, head_user, superuser):
        assert Village.objects.for_user(user).count() == 277


def test_official_sees_only_assigned_villages(official, batang_barus):
    assert list(Village.objects.for_user(official)) == [batang_barus]


def test_official_with_two_villages_sees_both_once(batang_barus, sikalang):
    user = UserFactory(role=ROLE_OFFICIAL, villages=[batang_barus, sikalang])
    assert sorted(Village.objects.for_user(user).values_list("code", flat=True)) == [
        "13.02.07.2006",
        "13.73.04.2010",
    ]


@pytest.mark.parametrize("case", ["anonymous", "none", "no_group", "inactive", "official_without_assignment"])
def test_scope_fails_closed(case, batang_barus, staff_user):
    if case == "anonymous":
        user = AnonymousUser()
    elif case == "none":
        user = None
    elif case == "no_group":
        user = UserFactory(username="tanpa.peran")
    elif case == "inactive":
        user = staff_user
        user.is_active = False
        user.save()
    else:
        user = UserFactory(username="operator.kosong", role=ROLE_OFFICIAL)
    assert not Village.objects.for_user(user).exists()


def test_an_official_given_a_branch_role_becomes_branch_wide(official):
    official.groups.add(Group.objects.get(name="Staf Cabang"))
    official = type(official).objects.get(pk=official.pk)
    assert Village.objects.for_user(official).count() == 277


def test_activities_follow_the_scope(official, batang_barus, sikalang):
    from villages.models import Activity

    mine = ActivityFactory(village=batang_barus)
    ActivityFactory(village=sikalang)
    assert list(Activity.objects.for_user(official)) == [mine]


# --- validation and database constraints ------------------------------------------------------


def test_village_code_format_is_validated(batang_barus):
    batang_barus.code = "1302072006"
    with pytest.raises(ValidationError) as error:
        batang_barus.full_clean()
    assert "code" in error.value.message_dict


def test_village_code_check_constraint_fires(batang_barus):
    with pytest.raises(IntegrityError), transaction.atomic():
        Village.objects.filter(pk=batang_barus.pk).update(code="13-02-07-2006")


def test_working_age_cannot_exceed_population(batang_barus):
    batang_barus.population, batang_barus.working_age_population = 1000, 1200
    with pytest.raises(ValidationError):
        batang_barus.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        batang_barus.save()


def test_commitment_validity_after_signing(batang_barus):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(
            village=batang_barus,
            kind=Commitment.Kind.AGREEMENT,
            signed_on=DAY,
            valid_until=DAY - datetime.timedelta(days=1),
        )


def test_one_budget_and_one_target_per_year(batang_barus):
    BudgetFactory(village=batang_barus, year=2024, amount=1_000_000)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetFactory(village=batang_barus, year=2024, amount=2_000_000)
    TargetFactory(village=batang_barus, year=2024, active_participants=100)
    with pytest.raises(ValidationError):
        Target(village=batang_barus, year=2024, active_participants=120).full_clean()


def test_one_award_per_level_and_year(sikalang):
    AwardFactory(village=sikalang, year=2019, level=Award.Level.NATIONAL, rank=Award.Rank.SECOND)
    with pytest.raises(IntegrityError), transaction.atomic():
        AwardFactory(village=sikalang, year=2019, level=Award.Level.NATIONAL, rank=Award.Rank.FIRST)
    assert str(sikalang.awards.get()) == "Juara 2 Nasional 2019"


def test_activity_enrolled_within_attendees(batang_barus):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityFactory(village=batang_barus, attendees=5, enrolled_on_spot=6)


def test_agent_active_until_after_since(batang_barus):
    with pytest.raises(IntegrityError), transaction.atomic():
        AgentFactory(
            village=batang_barus,
            name="Rina",
            role=Agent.Role.PERISAI,
            active_since=DAY,
            active_until=DAY - datetime.timedelta(days=1),
        )


# --- commitment score ----------------------------------------------------------------------------


def test_commitment_score_counts_the_four_parts(batang_barus):
    assert batang_barus.commitment_score(on=DAY) == 0
    CommitmentFactory(village=batang_barus, kind=Commitment.Kind.REGULATION, signed_on=datetime.date(2019, 5, 1))
    assert batang_barus.commitment_score(on=DAY) == 1
    CommitmentFactory(
        village=batang_barus,
        kind=Commitment.Kind.AGREEMENT,
        signed_on=datetime.date(2019, 5, 1),
        valid_until=datetime.date(2022, 4, 30),
    )
    assert batang_barus.commitment_score(on=DAY) == 1  # the agreement has expired
    BudgetFactory(village=batang_barus, year=2023, amount=5_000_000)
    assert batang_barus.commitment_score(on=DAY) == 1  # last year's budget does not count
    BudgetFactory(village=batang_barus, year=2024, amount=5_000_000)
    AgentFactory(village=batang_barus, name="Rina", role=Agent.Role.PERISAI, active_since=DAY)
    assert batang_barus.commitment_score(on=DAY) == 3
    CommitmentFactory(village=batang_barus, kind=Commitment.Kind.AGREEMENT, signed_on=DAY)
    assert batang_barus.commitment_score(on=DAY) == 4
    assert batang_barus.commitment_score(on=datetime.date(2019, 1, 1)) == 0
