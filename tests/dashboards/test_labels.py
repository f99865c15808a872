"""Numbers and labels: thousands separators on counts, "Semua …" in every filter, the admin history in
Indonesian, and the cohort chart saying why a line is empty."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from dashboards.views.charts import cohort_note
from participants.models import Claim, Participant
from tests.factories import EvaluationCycleFactory, ParticipantFactory

D = datetime.date


@pytest.fixture
def thousand_participants(batang_barus):
    Participant.objects.bulk_create(ParticipantFactory.build_batch(1_234, village=batang_barus))


def test_counts_carry_thousands_separators(client, staff_user, thousand_participants, batang_barus):
    client.force_login(staff_user)
    response = client.get(reverse("participants:list"))
    assert "1.234 peserta" in response.text and "1234 peserta" not in response.text
    someone = Participant.objects.filter(village=batang_barus).first()
    Claim.objects.bulk_create(
        Claim(participant=someone, programme="JKK", event_date=D(2024, 3, 1), paid_on=D(2024, 3, 2), amount=1_000)
        for _ in range(1_050)
    )
    response = client.get(reverse("dashboard:claim_list") + "?period=custom&start=01/2024&end=06/2024")
    assert 'data-testid="claims-paid">1.050<' in response.text
    assert "Rp 1.050.000" in response.text
    assert "dari 1.050" in response.text  # the rows shown "Baris 1–50 dari 1.050"


@pytest.mark.parametrize(
    "name",
    ["home", "dashboard:village_list", "dashboard:claim_list", "dashboard:commitment_list", "participants:list"],
)
def test_filters_offer_semua_instead_of_dashes(client, staff_user, name):
    client.force_login(staff_user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "---------" not in response.text
    assert "Semua " in response.text


def test_anev_filters_offer_semua(client, staff_user):
    cycle = EvaluationCycleFactory()
    client.force_login(staff_user)
    for name in ("evaluations:cycle_detail", "evaluations:cycle_tracker"):
        response = client.get(reverse(name, kwargs={"pk": cycle.pk}))
        assert response.status_code == 200
        assert "---------" not in response.text and "Semua status" in response.text


def test_admin_history_speaks_indonesian(client, superuser, batang_barus):
    participant = ParticipantFactory(village=batang_barus, kpj=None)
    participant.kpj = "12345678901"
    participant.save()
    client.force_login(superuser)
    response = client.get(reverse("admin:participants_participant_history", args=[participant.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Perubahan" in text and ">Changes<" not in text
    assert "<strong>Nomor KPJ:</strong> —&nbsp;&rarr;&nbsp;&nbsp;12345678901" in text
    assert "None" not in text
    assert "style=" not in text


def cohorts(first: datetime.date, months: int, *, enrolled: bool = True, known: tuple = (3, 6)) -> list[dict]:
    rows = []
    for offset in range(months):
        month = D(first.year + (first.month - 1 + offset) // 12, (first.month - 1 + offset) % 12 + 1, 1)
        rows.append({"month": month, **{f"after_{k}": (50 if enrolled and k in known else None) for k in (3, 6, 12)}})
    return rows


def test_cohort_note_says_why_the_12_month_line_is_empty():
    # The default period: 12/2025–11/2026 seen in 12/2026; the oldest cohort is judged at 12 months from 01/2027.
    note = cohort_note(cohorts(D(2025, 12, 1), 12), today=D(2026, 12, 5))
    assert note.startswith("Garis 12 bulan kosong: kohort tertua di grafik ini (12/2025)")
    assert "mulai 01/2027" in note
    # An older period shows the line: nothing to explain.
    assert cohort_note(cohorts(D(2024, 1, 1), 12, known=(3, 6, 12)), today=D(2026, 12, 5)) == ""
    # Old enough but nobody enrolled: said as such.
    assert "tidak ada pendaftar baru" in cohort_note(cohorts(D(2023, 1, 1), 12, enrolled=False), today=D(2026, 12, 5))


def test_home_shows_the_cohort_note(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("home"))
    assert 'data-testid="chart-note"' in response.text and "Garis 12 bulan" in response.text
