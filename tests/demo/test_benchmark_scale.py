"""The benchmark at scale, at a tiny size on both databases: the generator's skewed villages and history, and
benchmark_pages --full (the trivial page beside the others, the participant list, the writes)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min

from participants.models import Contribution, Participant
from participants.months import months_between
from villages.models import Village


def test_generator_gives_the_first_village_the_largest_share_and_84_months(db):
    out = io.StringIO()
    call_command("generate_benchmark_data", participants=900, largest_village=400, stdout=out)
    first = Village.objects.order_by("code").first()
    sizes = Participant.objects.values("village").annotate(n=Count("id")).values_list("village", "n")
    sizes = dict(sizes)
    assert sizes.pop(first.pk) == 400
    assert sum(sizes.values()) == 500 and max(sizes.values()) - min(sizes.values()) <= 1
    assert f"Desa terbesar: {first.code} dengan 400 peserta" in out.getvalue()
    span = Participant.objects.aggregate(first=Min("enrolled_on"), last=Max("enrolled_on"))
    assert months_between(span["first"].replace(day=1), span["last"].replace(day=1)) >= 80  # 84 months by default
    assert Contribution.objects.filter(participant__village=first).count() > 400


def test_generator_refuses_a_largest_village_beyond_the_participants(db):
    with pytest.raises(CommandError, match="--largest-village"):
        call_command("generate_benchmark_data", participants=10, largest_village=11, stdout=io.StringIO())


def test_benchmark_pages_full_measures_the_list_and_the_writes_beside_the_trivial_page(db):
    call_command("generate_benchmark_data", participants=2500, largest_village=150, months=12, stdout=io.StringIO())
    before = (Participant.objects.count(), Contribution.objects.count())
    out = io.StringIO()
    call_command("benchmark_pages", runs=2, full=True, stdout=out)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in out.getvalue().splitlines() if line.startswith("| ")}
    labels = list(rows)
    assert labels[1].startswith("Halaman sepele") and rows[labels[1]].split(" | ")[3] == "1.0"
    assert any(label.startswith("Peserta, halaman terakhir") for label in labels)
    assert any(label.startswith("Peserta, cari nama") for label in labels)
    largest = Village.objects.order_by("code").first()
    assert f"Simpan satu iuran (desa {largest.code}, 150 peserta)" in labels
    assert f"Daftarkan satu peserta (desa {largest.code}, 150 peserta)" in labels
    # Every write went through: a warm-up and 2 runs, in the largest and the smallest village.
    assert Participant.objects.count() == before[0] + 2 * 3
    assert Contribution.objects.count() == before[1] + 2 * 3


def test_benchmark_pages_refuses_a_server_that_is_not_http(db):
    call_command("generate_benchmark_data", participants=20, months=3, stdout=io.StringIO())
    with pytest.raises(CommandError, match="http"):
        call_command("benchmark_pages", runs=1, server="file:///etc/passwd", stdout=io.StringIO())
