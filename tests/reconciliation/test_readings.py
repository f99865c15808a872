"""The indicators as reported by the village and as confirmed by the core system (docs/reconciliation.md): every
count of both readings, per village and for the branch, equals a count made here independently, from the
participants and months recorded (reported) and from the hand-built extract's rows (confirmed)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q
from django.urls import reverse

from core.formatting import format_percent, format_rupiah, format_thousands
from participants.models import Contribution, Participant
from participants.months import add_months, month_end
from reconciliation import services
from reconciliation.models import Extract, Shape, VillageResult
from tests.reconciliation.conftest import NOV, PARTICIPANT_HEADERS, PAYMENT_HEADERS, SEP, kpj, xlsx

EXTRACT_DAY = datetime.date(2026, 12, 10)


def match(user, content: bytes, shape: str = "") -> Extract:
    extract = services.extract_upload(user=user, name="e.xlsx", content=content, shape=shape, extract_date=EXTRACT_DAY)
    return services.extract_confirm(extract=extract, user=user)


def enrolled(participant: Participant, month: datetime.date) -> bool:
    return participant.enrolled_on <= month_end(month) and (
        participant.exit_date is None or participant.exit_date >= month
    )


def months_of(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months = [first]
    while months[-1] < last:
        months.append(add_months(months[-1], 1))
    return months


def reported_here(village, *, first, last, on) -> dict:
    """What the village recorded, counted from its participants and contributions."""
    participants = list(Participant.objects.filter(village=village))
    paid = list(Contribution.objects.filter(participant__village=village, month__gte=first, month__lte=last))
    paid_months = {(c.participant_id, c.month) for c in paid}
    registered = [p for p in participants if p.enrolled_on <= on and (p.exit_date is None or p.exit_date >= on)]
    return {
        "registered": len(registered),
        "active": sum(1 for p in participants if enrolled(p, last) and (p.pk, last) in paid_months),
        "paying": len({c.participant_id for c in paid}),
        "months": len(paid),
        "amount": sum(c.amount for c in paid),
        "paid_enrolled": sum(1 for c in paid if enrolled(c.participant, c.month)),
        "enrolled_months": sum(1 for p in participants for m in months_of(first, last) if enrolled(p, m)),
    }


def confirmed_from_rows(rows, *, village, villages_by_text, excluded_niks, last) -> dict:
    """What the payment list says of the village's workers: rows by NIK, a matched worker counted in their village
    here, one only the core system knows in the village the row names; the excluded (conflicts) left out."""
    persons: dict[str, list] = {}
    for row in rows:
        if row[1] not in excluded_niks:
            persons.setdefault(row[1], []).append(row)
    counts = dict.fromkeys(("registered", "active", "paying", "months", "amount", "paid_enrolled"), 0)
    for nik, person_rows in persons.items():
        here = Participant.objects.filter(nik=nik).first()
        where = here.village if here else villages_by_text.get(person_rows[0][7])
        if where != village:
            continue
        months = {datetime.date(int(r[3][:4]), int(r[3][4:]), 1): int(r[4].replace(".", "")) for r in person_rows}
        counts["registered"] += 1
        counts["active"] += last in months
        counts["paying"] += 1
        counts["months"] += len(months)
        counts["amount"] += sum(months.values())
        counts["paid_enrolled"] += sum(1 for m in months if here and enrolled(here, m))
    return counts


@pytest.fixture
def matched(branch, staff_user, batang_barus) -> Extract:
    # Batang Barus has a working-age denominator (the coverage), Sikalang none.
    batang_barus.working_age_population = 400
    batang_barus.save()
    return match(staff_user, xlsx(PAYMENT_HEADERS, branch.rows))


def test_payment_list_readings_equal_independent_counts(branch, matched, batang_barus, sikalang):
    by_text = {"Batang Barus": batang_barus, "Sikalang": sikalang, sikalang.code: sikalang}
    assert matched.period_first == SEP and matched.reference == NOV
    totals = {key: [0, 0] for key in ("active", "covered", "paying", "months", "amount", "paid_enrolled")}
    working_age_total = enrolled_total = 0
    for village in (batang_barus, sikalang):
        result = VillageResult.objects.get(extract=matched, village=village)
        here = reported_here(village, first=SEP, last=NOV, on=EXTRACT_DAY)
        core = confirmed_from_rows(
            branch.rows, village=village, villages_by_text=by_text, excluded_niks={branch.conflict.nik}, last=NOV
        )
        for key in ("active", "paying", "months", "amount", "paid_enrolled"):
            assert result.readings[key] == [here[key], core[key]], key
        assert result.readings["enrolled_months"] == here["enrolled_months"]
        assert result.readings["working_age"] == (village.working_age_population or 0)
        covered = [here["active"], core["active"]] if village.working_age_population else [0, 0]
        assert result.readings["covered"] == covered
        assert "registered" not in result.readings  # a payment list does not say who is registered
        for key in totals:
            totals[key] = [a + b for a, b in zip(totals[key], result.readings[key], strict=True)]
        working_age_total += village.working_age_population or 0
        enrolled_total += here["enrolled_months"]
    # By hand, for the record: Batang Barus paid 11/2026 here agree and extra, in the core agree and missing; the
    # conflict's month is not confirmed; Sikalang's only worker in the core system is the unknown one.
    bb = VillageResult.objects.get(extract=matched, village=batang_barus).readings
    assert bb["active"] == [2, 2] and bb["paying"] == [6, 5] and bb["months"] == [11, 10]
    assert bb["amount"] == [92_400, 84_000] and bb["paid_enrolled"] == [11, 10] and bb["enrolled_months"] == 18
    sk = VillageResult.objects.get(extract=matched, village=sikalang).readings
    assert sk["active"] == [0, 1] and sk["months"] == [0, 2] and sk["paid_enrolled"] == [0, 0]
    # The branch: the sums of its villages (no worker is unplaced here).
    assert not VillageResult.objects.filter(extract=matched, village=None).exists()
    branch_readings = matched.summary["readings"]
    for key, pair in totals.items():
        assert branch_readings[key] == pair, key
    assert branch_readings["working_age"] == working_age_total
    assert branch_readings["enrolled_months"] == enrolled_total


def test_the_rows_the_pages_show(branch, matched, batang_barus):
    result = VillageResult.objects.get(extract=matched, village=batang_barus)
    rows = {row.key: row for row in result.reading_rows}
    assert list(rows) == ["active", "coverage", "paying", "collection", "months", "amount"]
    assert (rows["active"].reported, rows["active"].confirmed) == ("2", "2") and not rows["active"].differs
    assert (rows["paying"].reported, rows["paying"].confirmed) == ("6", "5") and rows["paying"].differs
    assert (rows["collection"].reported, rows["collection"].confirmed) == (
        format_percent(100 * 11 / 18),
        format_percent(100 * 10 / 18),
    )
    assert (rows["amount"].reported, rows["amount"].confirmed) == (format_rupiah(92_400), format_rupiah(84_000))
    assert (rows["coverage"].reported, rows["coverage"].confirmed) == (format_percent(200 / 400),) * 2
    assert rows["months"].label == "Bulan iuran dibayar 09/2026–11/2026"


def test_participant_list_readings(branch, staff_user, batang_barus, sikalang):
    b = branch
    rows = [
        [kpj(1), b.agree.nik, "Ahmad Yani", "", "", "", "", "AKTIF", "112026", ""],
        [kpj(2), b.missing.nik, b.missing.name, "", "", "", "", "AKTIF", "11/2026", ""],
        [kpj(3), b.extra.nik, b.extra.name, "", "", "", "", "", "10/2026", ""],
        [kpj(4), b.no_kpj.nik, b.no_kpj.name, "", "", "", "", "", "09/2026", ""],
        [kpj(6), b.moved.nik, b.moved.name, "", "", "", "", "", "09/2026", "Sikalang"],
        [kpj(8), b.unknown_nik, "Siti Aminah", "", "", "", "", "", "11/2026", sikalang.code],
        [kpj(9), b.unknown_nik[:-4] + "0099", "Rina", "", "", "", "", "", "", "Nagari Entah"],
    ]
    extract = match(staff_user, xlsx(PARTICIPANT_HEADERS, rows), shape=Shape.PARTICIPANTS)
    assert extract.reference == NOV and extract.period_first == NOV
    for village, listed in ((batang_barus, rows[:5]), (sikalang, rows[5:6])):
        result = VillageResult.objects.get(extract=extract, village=village)
        here = reported_here(village, first=NOV, last=NOV, on=EXTRACT_DAY)
        active = sum(1 for row in listed if row[8] in ("112026", "11/2026"))
        assert result.readings["registered"] == [here["registered"], len(listed)]
        assert result.readings["active"] == [here["active"], active]
        assert set(result.readings) == {"registered", "active", "covered", "working_age"}
    # The worker in a village no one knows: the branch's, confirmed only.
    unplaced = VillageResult.objects.get(extract=extract, village=None)
    assert unplaced.readings["registered"] == [None, 1] and unplaced.readings["active"] == [None, 0]
    registered_here = Participant.objects.filter(enrolled_on__lte=EXTRACT_DAY).filter(
        Q(exit_date=None) | Q(exit_date__gte=EXTRACT_DAY)
    )
    assert extract.summary["readings"]["registered"] == [registered_here.count(), len(rows)]
    assert [row.key for row in extract.reading_rows] == ["registered", "active", "coverage"]


def test_village_page_shows_both_readings_and_the_switch(client, branch, matched, official, batang_barus):
    client.force_login(official)
    url = reverse("dashboard:village_detail", args=[batang_barus.code])
    page = client.get(url).content.decode()
    assert 'data-testid="reconciled-on">10/12/2026<' in page
    assert 'data-testid="data-quality">16,7%<' in page and "(1 dari 6 orang sesuai)" in page
    assert 'data-testid="reported-paying">6<' in page and 'data-testid="confirmed-paying">5<' in page
    assert 'data-testid="reported-amount">Rp 92.400<' in page
    assert 'table-primary fw-semibold" data-testid="reported-active"' in page
    confirmed = client.get(url, {"bacaan": "inti"}).content.decode()
    assert 'table-primary fw-semibold" data-testid="confirmed-active"' in confirmed
    assert 'aria-current="true" href="?bacaan=inti#rekonsiliasi"' in confirmed


def test_result_page_switches_the_village_table(client, branch, matched, staff_user, batang_barus):
    client.force_login(staff_user)
    url = reverse("reconciliation:result", args=[matched.pk])
    reported = client.get(url).content.decode()
    confirmed = client.get(url, {"bacaan": "inti"}).content.decode()
    row = f'data-village="{batang_barus.code}">'
    cell = '<td class="text-end" data-reading="months">{}</td>'

    def village_row(page: str) -> str:
        table = page[page.index('data-testid="village-readings"') :]
        return table[table.index(row) : table.index("</tr>", table.index(row))]

    assert cell.format(format_thousands(11)) in village_row(reported)
    assert cell.format(format_thousands(10)) in village_row(confirmed)
    assert 'data-testid="reading-shown">dikonfirmasi sistem inti<' in confirmed
    # The branch's two readings side by side, whichever is chosen.
    for page in (reported, confirmed):
        assert 'data-testid="branch-readings"' in page
        assert 'data-testid="reported-months">11<' in page and 'data-testid="confirmed-months">12<' in page
    # An unknown reading is the village's.
    assert 'data-testid="reading-shown">dilaporkan desa<' in client.get(url, {"bacaan": "x"}).content.decode()


def test_branch_sums_whatever_order_the_villages_come_in():
    from reconciliation.readings import branch_readings

    unplaced = {"active": [None, 1], "working_age": None}
    village = {"active": [2, 3], "working_age": 400}
    for order in ([unplaced, village], [village, unplaced]):
        assert branch_readings(order) == {"active": [2, 4], "working_age": 400}
