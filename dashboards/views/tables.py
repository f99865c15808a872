"""The tables of the pages as header + rows, for the exports (the same numbers as the pages)."""

from __future__ import annotations

from dashboards.follow_up import FollowUp
from dashboards.selectors import Headline, RankingRow, ranking_columns
from indicators import REGISTRY, Result


def indicator_table(headlines: list[Headline]) -> tuple[list[str], list[list]]:
    header = [
        "Kode",
        "Indikator",
        "Pilar",
        "Nilai",
        "Tampilan",
        "Pembilang",
        "Penyebut",
        "Periode",
        "Nilai periode sebelumnya",
        "Periode sebelumnya",
        "Cara hitung",
    ]
    rows = []
    for item in headlines:
        now, before, indicator = item.current, item.previous, item.indicator
        rows.append(
            [
                now.key,
                indicator.label,
                indicator.pillar.label,
                now.value,
                now.display,
                now.numerator,
                now.denominator,
                now.period.label,
                before.value,
                before.period.label,
                indicator.definition,
            ]
        )
        for name, part in now.breakdown.items():
            rows.append(
                [
                    f"{now.key}.{name}",
                    f"{indicator.label}: {part.label}",
                    indicator.pillar.label,
                    part.value,
                    part.display,
                    part.numerator,
                    part.denominator,
                    part.period.label,
                    before.breakdown[name].value,
                    before.period.label,
                    "",
                ]
            )
    return header, rows


def ranking_table(ranking: list[RankingRow]) -> tuple[list[str], list[list]]:
    columns = ranking_columns()
    header = ["Peringkat", "Kode desa", "Desa/nagari", "Jenis", "Kecamatan", "Kabupaten/kota"]
    header += [column["label"] for column in columns]
    header += ["Status target", "Iuran bulan ini tercatat", "Peserta membayar bulan ini", "Peserta terdaftar bulan ini"]
    rows = []
    for position, row in enumerate(ranking, start=1):
        village = row.village
        rows.append(
            [
                position,
                village["code"],
                village["name"],
                village["kind"],
                village["district__name"],
                village["district__regency__name"],
                *row.values,
                row.target_status,
                row.reporting_label,
                row.reported.get("paid", 0),
                row.reported.get("enrolled", 0),
            ]
        )
    return header, rows


MONTHLY_COLUMNS = [
    ("enrolled", "Terdaftar"),
    ("active", "Aktif"),
    ("arrears", "Menunggak"),
    ("inactive", "Nonaktif"),
    ("new_enrolments", "Pendaftaran baru"),
    ("lapsed", "Menjadi nonaktif"),
    ("exits", "Keluar"),
    ("contribution_amount", "Iuran tercatat (Rp)"),
]


def monthly_table(series: list[dict], cohorts: list[dict]) -> tuple[list[str], list[list]]:
    """The monthly statistics and, per enrolment month, the cohort's survival (as on the cohort chart)."""
    header = [
        "Bulan",
        *[label for _, label in MONTHLY_COLUMNS],
        "Kohort: aktif 3 bulan kemudian (%)",
        "Kohort: aktif 6 bulan kemudian (%)",
        "Kohort: aktif 12 bulan kemudian (%)",
    ]
    rows = [
        [
            f"{row['month']:%m/%Y}",
            *[row[name] for name, _ in MONTHLY_COLUMNS],
            cohort["after_3"],
            cohort["after_6"],
            cohort["after_12"],
        ]
        for row, cohort in zip(series, cohorts, strict=True)
    ]
    return header, rows


def activity_table(activities) -> tuple[list[str], list[list]]:
    header = ["Tanggal", "Jenis", "Judul", "Jumlah hadir", "Terdaftar di tempat"]
    rows = [
        [
            f"{activity.date:%d/%m/%Y}",
            activity.get_kind_display(),
            activity.title,
            activity.attendees,
            activity.enrolled_on_spot,
        ]
        for activity in activities
    ]
    return header, rows


def group_table(groups: list[tuple[str, dict[str, Result]]], *, unit_label: str) -> tuple[list[str], list[list]]:
    keys = [column["key"] for column in ranking_columns()]
    header = [unit_label, *[REGISTRY[key].label for key in keys]]
    rows = [[name, *[results[key].value for key in keys]] for name, results in groups]
    return header, rows


def follow_up_table(follow_ups: list[FollowUp]) -> tuple[list[str], list[list]]:
    header = [
        "Nama",
        "NIK (disamarkan)",
        "Nomor HP",
        "Jorong/dusun",
        "Iuran terakhir",
        "Bulan belum dibayar",
        "Catatan",
    ]
    rows = [
        [
            item.participant.name,
            item.participant.masked_nik,
            item.participant.phone,
            item.participant.hamlet,
            f"{item.last_paid:%m/%Y}" if item.last_paid else "",
            item.unpaid_months,
            "akan nonaktif bila bulan ini tidak dibayar"
            if item.about_to_lapse
            else "belum aktif: menunggu iuran pertama"
            if item.awaiting_first_payment
            else "menunggak",
        ]
        for item in follow_ups
    ]
    return header, rows
