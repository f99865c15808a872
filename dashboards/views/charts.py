"""Chart data for static/js/dashboard.js (plain labels and numbers, handed over with json_script), the notes
shown under the charts, and the sparklines drawn on the server."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core.formatting import format_thousands
from indicators import Result
from participants.coverage import COHORT_OFFSETS
from participants.months import add_months, month_start


def _month_labels(series: list[dict]) -> list[str]:
    return [f"{row['month']:%m/%Y}" for row in series]


def _number(value) -> float | None:
    return None if value is None else float(value)


def status_chart(series: list[dict]) -> dict:
    return {
        "type": "line",
        "labels": _month_labels(series),
        "datasets": [
            {"label": "Aktif", "data": [row["active"] for row in series]},
            {"label": "Menunggak", "data": [row["arrears"] for row in series]},
            {"label": "Nonaktif", "data": [row["inactive"] for row in series]},
            {"label": "Belum aktif", "data": [row["awaiting_first_payment"] for row in series]},
        ],
    }


def flows_chart(series: list[dict]) -> dict:
    return {
        "type": "bar",
        "labels": _month_labels(series),
        "datasets": [
            {"label": "Pendaftaran baru", "data": [row["new_enrolments"] for row in series]},
            {"label": "Menjadi nonaktif", "data": [row["lapsed"] for row in series]},
        ],
    }


def cohort_chart(cohorts: list[dict]) -> dict:
    return {
        "type": "line",
        "unit": "percent",
        "labels": [f"{row['month']:%m/%Y}" for row in cohorts],
        "datasets": [
            {"label": f"Aktif {offset} bulan kemudian", "data": [_number(row[f"after_{offset}"]) for row in cohorts]}
            for offset in COHORT_OFFSETS
        ],
    }


def funding_chart(funding: Result) -> dict:
    parts = list(funding.breakdown.values())
    return {
        "type": "doughnut",
        "labels": [part.label for part in parts],
        "datasets": [{"label": "Peserta aktif", "data": [part.numerator for part in parts]}],
    }


def coverage_chart(groups: list[tuple[str, Result]]) -> dict:
    return {
        "type": "bar",
        "unit": "percent",
        "labels": [name for name, _ in groups],
        "datasets": [{"label": "Cakupan (%)", "data": [_number(result.value) for _, result in groups]}],
    }


SPARK_WIDTH, SPARK_HEIGHT = 100, 24


def sparkline(values: list[int]) -> dict:
    """A small line of monthly values, drawn server-side as an SVG polyline (no script, nothing inline but
    the points): the points in a 100 × 24 box, the lowest value at the bottom, and a text for screen readers.
    A village without any participant in those months gets no line."""
    if not any(values):  # no participant in any month: nothing to draw
        return {"points": "", "label": ""}
    low, high = min(values), max(values)
    span = (high - low) or 1
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    points = " ".join(
        f"{index * step:.1f},{SPARK_HEIGHT - 2 - (value - low) * (SPARK_HEIGHT - 4) / span:.1f}"
        for index, value in enumerate(values)
    )
    first, last = format_thousands(values[0]), format_thousands(values[-1])
    label = f"Peserta aktif {len(values)} bulan terakhir: dari {first} ke {last}"
    return {"points": points, "label": label, "width": SPARK_WIDTH, "height": SPARK_HEIGHT}


def cohort_note(cohorts: list[dict], *, today: datetime.date | None = None) -> str:
    """Why a line of the cohort chart is empty: no cohort of the chart is old enough yet (said, not left blank)."""
    if not cohorts:
        return ""
    empty = [offset for offset in COHORT_OFFSETS if all(row[f"after_{offset}"] is None for row in cohorts)]
    if not empty:
        return ""
    current = month_start(today or timezone.localdate())
    oldest = cohorts[0]["month"]
    # A cohort's k-month share is known once its k-th month after enrolment is over.
    too_young = [offset for offset in empty if add_months(oldest, offset + 1) > current]
    without_enrolments = [offset for offset in empty if offset not in too_young]
    notes = []
    if too_young:
        longest = max(too_young)
        notes.append(
            f"Garis {_offsets(too_young)} kosong: kohort tertua di grafik ini ({oldest:%m/%Y}) baru bisa dinilai "
            f"{longest} bulan kemudian, mulai {add_months(oldest, longest + 1):%m/%Y}. Pilih periode yang berakhir "
            "lebih awal untuk melihat garis itu."
        )
    if without_enrolments:
        notes.append(
            f"Garis {_offsets(without_enrolments)} kosong: tidak ada pendaftar baru pada bulan-bulan yang sudah "
            "cukup lama lewat."
        )
    return " ".join(notes)


def _offsets(offsets: list[int]) -> str:
    return " dan ".join(f"{offset} bulan" for offset in offsets)


def with_notes(cards: list[dict], notes: dict[str, str]) -> list[dict]:
    """The chart cards with the note of each (shown under its title when not empty)."""
    return [{**card, "note": notes.get(card["id"], "")} for card in cards]
