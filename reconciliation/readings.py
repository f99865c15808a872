"""The indicators an extract can speak to, read two ways (docs/reconciliation.md, "As reported and as confirmed").

*Dilaporkan desa* (as reported): what the villages recorded here, read when the extract is matched: the
statistics table for active participants and the collection rate (as the indicators read it), the participants
and their paid months for the rest. *Dikonfirmasi sistem inti* (as confirmed): the persons of the extract that
matched a participant of the village (a conflict is not a match) and the workers only the core system knows whom
the extract places in the village, with their months as the core system has them.

A participant list speaks to who is registered and who is active (its last paid month); a payment list to who
paid which month of its period (first to last month in it) and how much, not to who is registered. Each village
result keeps the counts the figures are built from (`VillageResult.readings`), the branch their sums
(`Extract.summary["readings"]`); `reading_rows` turns them into the rows the pages show.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from core.formatting import format_percent, format_rupiah, format_thousands
from indicators.facts import Facts
from indicators.periods import Period
from participants.models import Contribution, Participant, VillageMonthStat
from participants.months import add_months
from villages.models import Village

# The counts kept per village as [reported, confirmed]; a reading the extract cannot give is None.
PAIRS = {
    "peserta": ("registered", "active", "covered"),
    "iuran": ("active", "covered", "paying", "months", "amount", "paid_enrolled"),
}
# The two readings, as the switch on the pages names them (?bacaan=).
REPORTED, CONFIRMED = "desa", "inti"
READINGS = {REPORTED: "Dilaporkan desa", CONFIRMED: "Dikonfirmasi sistem inti"}


def reading_choice(value: str | None) -> str:
    return value if value in READINGS else REPORTED


def enrolled_in_month(participant: Participant, month: datetime.date) -> bool:
    """Registered by the end of `month` and not exited before it began (`ParticipantQuerySet.enrolled_in`)."""
    return participant.enrolled_on < add_months(month, 1) and (
        participant.exit_date is None or participant.exit_date >= month
    )


class Confirmed:
    """The core system's figures per village, person by person as matching counts them."""

    def __init__(self, *, shape: str, reference: datetime.date):
        self.shape = shape
        self.reference = reference
        self.counts: dict[int | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.amounts_given = False

    def add(self, village_id: int | None, person, participant: Participant | None) -> None:
        """A person of the extract counted in `village_id`: `participant` when matched, None when only the core
        system knows them."""
        counts = self.counts[village_id]
        counts["registered"] += 1
        if self.active(person):
            counts["active"] += 1
        if self.shape != "iuran":
            return
        amounts: dict[datetime.date, int] = {}
        for row in person.rows:
            if row.month and row.month not in amounts:
                amounts[row.month] = row.amount or 0
                self.amounts_given |= row.amount is not None
        counts["paying"] += 1 if amounts else 0
        counts["months"] += len(amounts)
        counts["amount"] += sum(amounts.values())
        if participant is not None:
            counts["paid_enrolled"] += sum(1 for month in amounts if enrolled_in_month(participant, month))

    def active(self, person) -> bool:
        """Paying the reference month: a payment list's month paid, or a participant list's last paid month at or
        after it."""
        if self.shape == "iuran":
            return self.reference in person.months
        last = person.value("month")
        return bool(last and last >= self.reference)


@dataclass
class Reported:
    """What the villages recorded, per village, at matching time (a few grouped queries)."""

    registered: dict[int, int]
    stats: dict[int, dict[str, int]]
    paid: dict[int, dict[str, int]]
    working_age: dict[int, int]


def reported_figures(
    *, participants: list[Participant], on: datetime.date, first: datetime.date, last: datetime.date
) -> Reported:
    """Participants registered on `on` (from the list already read), the statistics of the months `first`–`last`
    (active in `last`; paid and registered participant-months), the contributions recorded for those months, and
    each village's working-age denominator as the coverage indicator reads it."""
    registered: dict[int, int] = defaultdict(int)
    for participant in participants:
        if participant.enrolled_on <= on and (participant.exit_date is None or participant.exit_date >= on):
            registered[participant.village_id] += 1
    stats = {  # prefixed: an annotation may not share a name with a field it sums
        row["village_id"]: {name.removeprefix("fact_"): value for name, value in row.items()}
        for row in VillageMonthStat.objects.filter(month__gte=first, month__lte=last)
        .values("village_id")
        .annotate(
            fact_active=Sum("active", filter=Q(month=last)),
            fact_active_months=Sum("active"),
            fact_enrolled_months=Sum("enrolled"),
        )
    }
    paid = {
        row["participant__village_id"]: row
        for row in Contribution.objects.filter(month__gte=first, month__lte=last)
        .values("participant__village_id")
        .annotate(paying=Count("participant_id", distinct=True), months=Count("id"), amount=Sum("amount"))
    }
    facts = Facts(villages=Village.objects.all(), period=Period(start=last, end=last)).village_facts
    working_age = {pk: village["working_age"] for pk, village in facts.items()}
    return Reported(registered=registered, stats=stats, paid=paid, working_age=working_age)


def village_readings(
    *, shape: str, village_id: int | None, reported: Reported, confirmed: Confirmed
) -> dict[str, list | int | None]:
    """A village's counts in both readings (the workers placed nowhere: the confirmed reading only)."""
    core = confirmed.counts.get(village_id, {})
    here = village_id is not None
    stats = reported.stats.get(village_id, {}) if here else {}
    paid = reported.paid.get(village_id, {}) if here else {}
    working_age = reported.working_age.get(village_id, 0) if here else 0
    figures = {
        "registered": (reported.registered.get(village_id, 0), core.get("registered", 0)),
        "active": (stats.get("active") or 0, core.get("active", 0)),
        "paying": (paid.get("paying", 0), core.get("paying", 0)),
        "months": (paid.get("months", 0), core.get("months", 0)),
        "amount": (paid.get("amount") or 0, core.get("amount", 0) if confirmed.amounts_given else None),
        "paid_enrolled": (stats.get("active_months") or 0, core.get("paid_enrolled", 0)),
    }
    figures["covered"] = tuple(value if working_age else 0 for value in figures["active"])
    readings: dict[str, list | int | None] = {
        key: [figures[key][0] if here else None, figures[key][1]] for key in PAIRS[shape]
    }
    readings["working_age"] = working_age if here else None
    if shape == "iuran":
        readings["enrolled_months"] = (stats.get("enrolled_months") or 0) if here else None
        if not here:
            readings["paid_enrolled"] = [None, None]  # no one is registered here: nothing is due
    return readings


def branch_readings(readings: list[dict]) -> dict:
    """The branch's counts: each count summed over the villages (None where no village has one)."""
    total: dict = {}
    for village in readings:
        for key, value in village.items():
            if isinstance(value, list):
                pair = total.setdefault(key, [None, None])
                for side in (0, 1):
                    if value[side] is not None:
                        pair[side] = (pair[side] or 0) + value[side]
            elif value is not None:
                total[key] = (total.get(key) or 0) + value
            else:
                total.setdefault(key, None)
    return total


@dataclass(frozen=True)
class ReadingRow:
    key: str
    label: str
    definition: str
    reported: str
    confirmed: str
    differs: bool


def _percent(numerator, denominator):
    if numerator is None or not denominator:
        return None
    return 100 * numerator / denominator


def reading_rows(readings: dict, *, extract) -> list[ReadingRow]:
    """The rows of both readings for a page: each indicator the extract speaks to, formatted ("—" where a reading
    has nothing to say)."""
    if not readings:
        return []
    shape, reference, first = extract.shape, extract.reference, extract.period_first
    month = f"{reference:%m/%Y}"
    period = f"{first:%m/%Y}–{month}" if first != reference else month

    def pair(key: str) -> tuple:
        return tuple(readings.get(key) or (None, None))

    rows = []

    def add(key, label, definition, values, formatter):
        shown = [formatter(value) if value is not None else "—" for value in values]
        rows.append(ReadingRow(key, label, definition, shown[0], shown[1], values[0] != values[1]))

    if shape == "peserta":
        add("registered", "Peserta terdaftar", "Terdaftar pada tanggal ekstrak.", pair("registered"), format_thousands)
    add("active", f"Peserta aktif {month}", f"Iuran bulan {month} dibayar.", pair("active"), format_thousands)
    working_age = readings.get("working_age")
    add(
        "coverage",
        "Cakupan kepesertaan",
        "Peserta aktif dibagi pekerja informal (data penduduk OpenSID) atau penduduk usia kerja (perkiraan), hanya "
        "desa yang penyebutnya ada.",
        [_percent(value, working_age) for value in pair("covered")],
        format_percent,
    )
    if shape == "iuran":
        add("paying", f"Peserta yang membayar {period}", "Membayar paling sedikit satu bulan periode ekstrak.",
            pair("paying"), format_thousands)  # fmt: skip
        enrolled = readings.get("enrolled_months")
        add(
            "collection",
            f"Kolektibilitas {period}",
            "Bulan-peserta dibayar dibagi bulan-peserta terdaftar di sini selama periode ekstrak (pekerja yang hanya "
            "ada di sistem inti belum terdaftar di sini: tidak dihitung).",
            [_percent(value, enrolled) for value in pair("paid_enrolled")],
            format_percent,
        )
        add("months", f"Bulan iuran dibayar {period}", "Bulan-peserta yang dibayar dalam periode ekstrak.",
            pair("months"), format_thousands)  # fmt: skip
        add("amount", f"Iuran dibayar {period}", "Jumlah iuran bulan-bulan itu.", pair("amount"), format_rupiah)
    return rows
