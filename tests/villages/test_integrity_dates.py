"""Plausible activity dates in the service (core.dates), whatever path records them."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.factories import ActivityFactory
from villages import services
from villages.models import Activity


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 6, 15, 10, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.mark.parametrize("day", [datetime.date(1900, 1, 1), datetime.date(2099, 12, 31)])
def test_an_activity_outside_the_plausible_dates_is_refused(official, batang_barus, day):
    fields = {"date": day, "kind": Activity.Kind.SOCIALISATION, "title": "Sosialisasi", "attendees": 10}
    with pytest.raises(ValidationError) as error:
        services.activity_record(user=official, village=batang_barus, **fields)
    assert "di luar rentang" in error.value.message_dict["date"][0]
    assert not Activity.objects.exists()
    activity = ActivityFactory(village=batang_barus)
    with pytest.raises(ValidationError):
        services.activity_update(user=official, activity=activity, date=day)
    activity.refresh_from_db()
    assert activity.date == datetime.date(2024, 5, 2)
