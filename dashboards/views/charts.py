"""Chart data for static/js/dashboard.js: plain labels and numbers, handed over with json_script."""

from __future__ import annotations

from indicators import Result


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
            for offset in (3, 6, 12)
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
