"""API test helpers: a token per role (created through the service, as the token page does) and a client."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import token_create
from participants.months import add_months, month_start
from tests.factories import ContributionFactory, ParticipantFactory


def bearer(user) -> APIClient:
    """A client authenticated with a new API token of `user`."""
    client = APIClient()
    _, secret = token_create(user=user, name="tes")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def official_api(official) -> APIClient:
    return bearer(official)


@pytest.fixture
def outsider_api(other_official) -> APIClient:
    return bearer(other_official)


@pytest.fixture
def staff_api(staff_user) -> APIClient:
    return bearer(staff_user)


@pytest.fixture
def head_api(head_user) -> APIClient:
    return bearer(head_user)


def paying_worker(village, *, months: int, serial: int, name: str | None = None, last: datetime.date | None = None):
    """A worker of `village` enrolled `months` months before `last` (default: last month) and paid every month."""
    last = last or add_months(month_start(timezone.localdate()), -1)
    first = add_months(last, 1 - months)
    worker = ParticipantFactory(village=village, enrolled_on=first, name=name or f"Pekerja {serial}")
    for offset in range(months):
        ContributionFactory(participant=worker, month=add_months(first, offset))
    return worker
