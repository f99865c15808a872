"""The benchmark generator and the page benchmark run on both databases (at a tiny size)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from indicators import Period, indicators_compute
from participants.models import Contribution, Participant, VillageMonthStat, nik_problems
from villages.models import Target, Village


def test_generator_writes_participants_contributions_and_statistics(db):
    call_command("generate_benchmark_data", participants=600, months=12, stdout=io.StringIO())
    assert Participant.objects.count() == 600
    assert Participant.objects.values("village").distinct().count() == 277
    assert Contribution.objects.count() > 600
    sample = Participant.objects.order_by("pk").first()
    assert nik_problems(sample.nik, birth_date=sample.birth_date, sex=sample.sex) == []
    assert Participant.objects.filter(exit_date__isnull=False).exclude(exit_reason="").exists()
    # Every contribution lies within its participant's enrolment and exit months.
    for contribution in Contribution.objects.select_related("participant")[:200]:
        participant = contribution.participant
        assert contribution.month >= participant.enrolled_on.replace(day=1)
        assert participant.exit_date is None or contribution.month <= participant.exit_date
    assert not Village.objects.filter(working_age_population__isnull=True).exists()
    assert Target.objects.count() == 277
    # The statistics were refreshed: the branch's active participants agree with the raw contributions.
    period = Period.last_full_months(1)
    active = indicators_compute(villages=Village.objects.all(), period=period, keys=["active_participants"])
    paid = Contribution.objects.filter(month=period.end, participant__in=Participant.objects.enrolled_in(period.end))
    assert active["active_participants"].value == paid.count() > 0
    assert VillageMonthStat.objects.exists()


def test_generator_refuses_a_database_with_participants(db):
    call_command("generate_benchmark_data", participants=10, months=3, stdout=io.StringIO())
    with pytest.raises(CommandError, match="--replace"):
        call_command("generate_benchmark_data", participants=10, months=3, stdout=io.StringIO())
    call_command("generate_benchmark_data", participants=20, months=3, replace=True, stdout=io.StringIO())
    assert Participant.objects.count() == 20


def test_benchmark_pages_prints_times_and_query_counts(db):
    call_command("generate_benchmark_data", participants=50, months=6, stdout=io.StringIO())
    out = io.StringIO()
    call_command("benchmark_pages", runs=1, stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("| ") and "`" in line]
    assert len(lines) == 4
    assert all(int(line.rstrip(" |").rsplit("|", 1)[1]) > 0 for line in lines)


def test_map_boundaries_cover_every_village(db):
    geojson = json.loads((Path(settings.BASE_DIR) / "static/geo/batas_desa_cabang_solok.geojson").read_text())
    codes = {feature["properties"]["code"] for feature in geojson["features"]}
    assert codes == set(Village.objects.values_list("code", flat=True))
