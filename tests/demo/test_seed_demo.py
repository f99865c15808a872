"""seed_demo builds a small, deterministic demo branch, refuses production, and never duplicates."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from evaluations.models import VillageEvaluation
from participants.models import Claim, Contribution, Participant
from villages.models import Activity, Agent, Award, Budget, Commitment, Target

pytestmark = [pytest.mark.django_db(transaction=False), pytest.mark.slow]

SCALE = "0.03"
COUNTED = (Participant, Contribution, Claim, Activity, Commitment, Budget, Agent, Award, Target, VillageEvaluation)


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def snapshot() -> tuple[list, list]:
    participants = list(Participant.objects.order_by("nik").values_list("nik", "name", "enrolled_on", "exit_date"))
    months = Contribution.objects.order_by("participant__nik", "month")
    return participants, list(months.values_list("participant__nik", "month", "amount", "paid_on")[:2000])


def seeded_and_rolled_back(*args: str) -> tuple[list, list]:
    """What a seed on the empty test database writes; the transaction is rolled back afterwards."""
    with transaction.atomic():
        seed(*args)
        taken = snapshot()
        transaction.set_rollback(True)
    assert not Participant.objects.exists()
    return taken


def test_same_seed_gives_the_same_branch(settings):
    settings.DEBUG = True
    first = seeded_and_rolled_back()
    assert first[0] and first[1]
    assert seeded_and_rolled_back() == first


def test_a_different_seed_gives_a_different_branch(settings):
    settings.DEBUG = True
    niks = {nik for nik, *_rest in seeded_and_rolled_back("--seed", "1")[0]}
    other = {nik for nik, *_rest in seeded_and_rolled_back("--seed", "2")[0]}
    assert niks != other


def test_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert not Participant.objects.exists()


def test_force_runs_with_debug_off(settings):
    settings.DEBUG = False
    seed("--force")
    assert Participant.objects.exists()
