"""Every indicator of the programme, defined once (DESIGN.md, "Indicators").

Dashboards, evaluations and exports all read `REGISTRY`. An indicator is computed
for a scope (a queryset of villages, already limited to the user's access) and a
period of whole months. The counts come from a handful of grouped queries, the
same whatever the data size: the monthly statistics table (`VillageMonthStat`,
refreshed on every write), the villages themselves, activities and claims.

Every figure is gathered per village as additive "facts" (numerators and
denominators); the scope's figure is the sum of its villages' facts, so a
ranking of villages and the branch total always add up.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from core.formatting import EMPTY, format_decimal, format_percent, format_rupiah, format_thousands
from indicators.facts import COHORT_OFFSETS, FUNDING_COLUMNS, Facts
from indicators.periods import Period
from indicators.pillars import Pillar
from participants.models import FundingSource
from villages.models import Activity, Village

PERCENT = Decimal("0.01")


def format_value(value: Decimal | int | None, unit: str) -> str:
    """A value in its indicator's unit (formatting rules in `core.formatting`): "12,5%", "Rp 1.234.567", "2,5 / 4",
    "4,5 bulan"."""
    if value is None:
        return EMPTY
    if unit == "percent":
        return format_percent(value)
    if unit == "rupiah":
        return format_rupiah(value)
    if unit == "score":
        return f"{format_decimal(value)} / 4"
    if unit == "months":
        return f"{format_decimal(value)} bulan"
    return format_thousands(value)


@dataclass(frozen=True)
class Result:
    key: str
    value: Decimal | int | None
    numerator: int | None
    denominator: int | None
    period: Period
    breakdown: dict[str, Result] = field(default_factory=dict)
    label: str = ""

    @property
    def unit(self) -> str:
        return REGISTRY[self.key.split(".")[0]].unit

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def numerator_display(self) -> str:
        return format_value(self.numerator, "rupiah" if self.unit == "rupiah" else "count")

    @property
    def denominator_display(self) -> str:
        return format_value(self.denominator, "count")

    def as_dict(self) -> dict:
        """A JSON-ready copy, for evaluations that freeze their values."""
        return {
            "value": str(self.value) if isinstance(self.value, Decimal) else self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "period": self.period.label,
            "display": self.display,
            "label": str(self.label),
            "breakdown": {name: part.as_dict() for name, part in self.breakdown.items()},
        }


def _percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(PERCENT, rounding=ROUND_HALF_UP)


# --- the indicators, each a function of the additive facts -------------------------------------------


def _count(key: str, value: int, period: Period) -> Result:
    return Result(key=key, value=value, numerator=value, denominator=None, period=period)


def _share(key: str, numerator: int, denominator: int, period: Period, label: str = "") -> Result:
    return Result(
        key=key,
        value=_percent(numerator, denominator),
        numerator=numerator,
        denominator=denominator,
        period=period,
        label=label,
    )


def _active_participants(facts: Counter, period: Period) -> Result:
    return _count("active_participants", facts["active_end"], period)


def _new_enrolments(facts: Counter, period: Period) -> Result:
    return _count("new_enrolments", facts["new_enrolments"], period)


def _net_growth(facts: Counter, period: Period) -> Result:
    return Result(
        key="net_growth",
        value=facts["active_end"] - facts["active_before"],
        numerator=facts["active_end"],
        denominator=facts["active_before"],
        period=period,
    )


def _growth_rate(facts: Counter, period: Period) -> Result:
    return _share("growth_rate", facts["active_end"] - facts["active_before"], facts["active_before"], period)


def _coverage(facts: Counter, period: Period) -> Result:
    return _share(
        "coverage", facts["active_where_working_age"], facts["working_age"], period, label=coverage_source(facts)
    )


def coverage_source(facts: Counter) -> str:
    """Which denominator the coverage used: a village's resident list (OpenSID, dated) or the estimate."""
    listed, known = facts["villages_listed"], facts["has_working_age"]
    if not listed:
        return "perkiraan"
    if listed == 1 and known == 1:
        on = datetime.date.fromordinal(facts["listed_on"])
        return f"sumber: data penduduk OpenSID {on:%d/%m/%Y}" + (" (data lama)" if facts["listed_stale"] else "")
    estimated = f", perkiraan di {known - listed} desa" if known > listed else ""
    old = f" ({facts['listed_stale']} data lama)" if facts["listed_stale"] else ""
    return f"sumber: data penduduk OpenSID di {listed} desa{old}{estimated}"


def _target_attainment(facts: Counter, period: Period) -> Result:
    return _share("target_attainment", facts["active_where_target"], facts["target"], period)


def _retention(facts: Counter, period: Period) -> Result:
    return _share("retention", facts["retained"], facts["active_before"], period)


def _collection_rate(facts: Counter, period: Period) -> Result:
    return _share("collection_rate", facts["active_months"], facts["enrolled_months"], period)


def _lapse_rate(facts: Counter, period: Period) -> Result:
    return _share("lapse_rate", facts["lapsed"], facts["active_before"], period)


def _awaiting_first_payment(facts: Counter, period: Period) -> Result:
    return _count("awaiting_first_payment", facts["awaiting_end"], period)


def _awaiting_months(facts: Counter, period: Period) -> Result:
    waiting = facts["awaiting_end"]
    value = None
    if waiting:
        value = (Decimal(facts["awaiting_months_end"]) / waiting).quantize(PERCENT, rounding=ROUND_HALF_UP)
    return Result(
        key="awaiting_months", value=value, numerator=facts["awaiting_months_end"], denominator=waiting, period=period
    )


def _funding_mix(facts: Counter, period: Period) -> Result:
    parts = {
        source.value: _share(f"funding_mix.{source.value}", facts[column], facts["active_end"], period, source.label)
        for source, column in FUNDING_COLUMNS.items()
    }
    main = parts[FundingSource.SELF.value]
    return Result(
        key="funding_mix",
        value=main.value,
        numerator=main.numerator,
        denominator=main.denominator,
        period=period,
        breakdown=parts,
    )


def _cohort_survival(facts: Counter, period: Period) -> Result:
    parts = {
        str(offset): _share(
            f"cohort_survival.{offset}",
            facts[f"cohort_active_{offset}"],
            facts[f"cohort_size_{offset}"],
            period,
            f"{offset} bulan",
        )
        for offset in COHORT_OFFSETS
    }
    main = parts["12"]
    return Result(
        key="cohort_survival",
        value=main.value,
        numerator=main.numerator,
        denominator=main.denominator,
        period=period,
        breakdown=parts,
    )


def _socialisation_reach(facts: Counter, period: Period) -> Result:
    return _share("socialisation_reach", facts["socialisation_attendees"], facts["working_age"], period)


def _claims_count(facts: Counter, period: Period) -> Result:
    return _count("claims_count", facts["claims"], period)


def _claims_amount(facts: Counter, period: Period) -> Result:
    return _count("claims_amount", facts["claims_amount"], period)


def _voluntary_share(facts: Counter, period: Period) -> Result:
    return _share("voluntary_share", facts["new_self_funded"], facts["new_enrolments"], period)


# (value, key, fact, label) of each kind of activity, read once: an enum member's label is a slow property.
_ACTIVITY_KINDS = tuple(
    (kind.value, f"activities.{kind.value}", f"activities_{kind.value}", kind.label) for kind in Activity.Kind
)


def _activities(facts: Counter, period: Period) -> Result:
    parts = {
        value: Result(key=key, value=facts[fact], numerator=facts[fact], denominator=None, period=period, label=label)
        for value, key, fact, label in _ACTIVITY_KINDS
    }
    return Result(
        key="activities",
        value=facts["activities"],
        numerator=facts["activities"],
        denominator=None,
        period=period,
        breakdown=parts,
    )


def _commitment(facts: Counter, period: Period) -> Result:
    villages = facts["villages"]
    value = None
    if villages:
        value = (Decimal(facts["commitment_points"]) / villages).quantize(PERCENT, rounding=ROUND_HALF_UP)
    return Result(
        key="commitment", value=value, numerator=facts["commitment_points"], denominator=villages, period=period
    )


def _apparatus_covered(facts: Counter, period: Period) -> Result:
    return _share("apparatus_covered", facts["apparatus_active"], facts["apparatus_registered"], period)


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    pillar: Pillar
    unit: str  # "count" | "percent" | "rupiah" | "score" | "months"
    definition: str
    from_facts: Callable[[Counter, Period], Result]
    groups: tuple[str, ...] = ("stats",)
    higher_is_better: bool = True

    def compute(self, *, villages: QuerySet[Village], period: Period) -> Result:
        facts = Facts(villages=villages, period=period).need(*self.groups)
        return self.from_facts(facts.scope(), period)


_VILLAGE = ("stats", "village_facts")

INDICATORS = [
    Indicator(
        "active_participants",
        "Peserta aktif",
        Pillar.GROWTH,
        "count",
        "Jumlah peserta yang iuran bulan terakhir periode sudah dibayar (status aktif).",
        _active_participants,
    ),
    Indicator(
        "new_enrolments",
        "Pendaftaran baru",
        Pillar.GROWTH,
        "count",
        "Jumlah peserta yang tanggal daftarnya jatuh dalam periode.",
        _new_enrolments,
    ),
    Indicator(
        "net_growth",
        "Pertumbuhan bersih",
        Pillar.GROWTH,
        "count",
        "Peserta aktif pada bulan terakhir periode dikurangi peserta aktif pada bulan sebelum periode.",
        _net_growth,
    ),
    Indicator(
        "growth_rate",
        "Laju pertumbuhan",
        Pillar.GROWTH,
        "percent",
        "Pertumbuhan bersih dibagi peserta aktif pada bulan sebelum periode.",
        _growth_rate,
    ),
    Indicator(
        "coverage",
        "Cakupan kepesertaan",
        Pillar.GROWTH,
        "percent",
        "Peserta aktif pada bulan terakhir dibagi pekerja informal menurut data penduduk OpenSID desa yang "
        "mengimpornya, selain itu penduduk usia kerja (perkiraan); hanya desa yang penyebutnya ada.",
        _coverage,
        _VILLAGE,
    ),
    Indicator(
        "target_attainment",
        "Capaian target",
        Pillar.GROWTH,
        "percent",
        "Peserta aktif pada bulan terakhir dibagi target peserta aktif tahun itu (hanya desa yang punya target).",
        _target_attainment,
        _VILLAGE,
    ),
    Indicator(
        "retention",
        "Retensi",
        Pillar.SUSTAINABILITY,
        "percent",
        "Dari peserta aktif pada bulan sebelum periode, bagian yang masih aktif pada bulan terakhir periode.",
        _retention,
        ("stats", "retention_direct"),
    ),
    Indicator(
        "collection_rate",
        "Tingkat kolektibilitas",
        Pillar.SUSTAINABILITY,
        "percent",
        "Bulan-peserta yang dibayar dibagi bulan-peserta terdaftar (belum keluar) selama periode.",
        _collection_rate,
    ),
    Indicator(
        "lapse_rate",
        "Tingkat putus bayar",
        Pillar.SUSTAINABILITY,
        "percent",
        "Peserta yang pernah membayar lalu menjadi nonaktif selama periode (tidak membayar lebih lama dari batas "
        "tunggakan pada aturan yang berlaku; Perdir 22/2022: 3 bulan), tiap orang dihitung sekali, dibagi peserta "
        "aktif pada bulan sebelum periode. Pendaftar yang belum pernah membayar tidak dihitung.",
        _lapse_rate,
        ("stats", "lapses_direct"),
        higher_is_better=False,
    ),
    Indicator(
        "awaiting_first_payment",
        "Menunggu iuran pertama",
        Pillar.SUSTAINABILITY,
        "count",
        "Peserta terdaftar yang belum pernah membayar iuran (status belum aktif) pada bulan terakhir periode; "
        "kepesertaan baru berlaku sejak iuran pertama dibayar.",
        _awaiting_first_payment,
        higher_is_better=False,
    ),
    Indicator(
        "awaiting_months",
        "Lama menunggu iuran pertama",
        Pillar.SUSTAINABILITY,
        "months",
        "Rata-rata jumlah bulan sejak bulan daftar bagi peserta yang masih menunggu iuran pertama pada bulan "
        "terakhir periode (0 = mendaftar pada bulan itu): jumlah bulan menunggu dibagi jumlah peserta yang menunggu.",
        _awaiting_months,
        higher_is_better=False,
    ),
    Indicator(
        "funding_mix",
        "Bauran pendanaan (porsi mandiri)",
        Pillar.SUSTAINABILITY,
        "percent",
        "Bagian peserta aktif pada bulan terakhir menurut sumber dana peserta; angka utama: porsi mandiri.",
        _funding_mix,
    ),
    Indicator(
        "cohort_survival",
        "Ketahanan kohort (12 bulan)",
        Pillar.SUSTAINABILITY,
        "percent",
        "Dari peserta yang mendaftar 3, 6 atau 12 bulan sebelum suatu bulan periode, bagian yang aktif pada "
        "bulan itu; angka utama: 12 bulan.",
        _cohort_survival,
    ),
    Indicator(
        "socialisation_reach",
        "Jangkauan sosialisasi",
        Pillar.AWARENESS,
        "percent",
        "Jumlah hadirin kegiatan sosialisasi selama periode dibagi penduduk usia kerja (hanya desa yang data "
        "usia kerjanya ada).",
        _socialisation_reach,
        ("village_facts", "stats", "activities"),
    ),
    Indicator(
        "claims_count",
        "Klaim dibayar",
        Pillar.AWARENESS,
        "count",
        "Jumlah klaim manfaat yang dibayar (tanggal dibayar) selama periode.",
        _claims_count,
        ("claims",),
    ),
    Indicator(
        "claims_amount",
        "Nilai klaim dibayar",
        Pillar.AWARENESS,
        "rupiah",
        "Jumlah Rupiah manfaat yang dibayar (tanggal dibayar) selama periode.",
        _claims_amount,
        ("claims",),
    ),
    Indicator(
        "voluntary_share",
        "Porsi pendaftar mandiri",
        Pillar.AWARENESS,
        "percent",
        "Pendaftaran baru dengan sumber dana mandiri dibagi seluruh pendaftaran baru dalam periode.",
        _voluntary_share,
    ),
    Indicator(
        "activities",
        "Kegiatan",
        Pillar.ENGAGEMENT,
        "count",
        "Jumlah kegiatan (sosialisasi, pelatihan, penyerahan manfaat, rapat, door to door) dalam periode.",
        _activities,
        ("activities",),
    ),
    Indicator(
        "commitment",
        "Komitmen desa",
        Pillar.ENGAGEMENT,
        "score",
        "Rata-rata skor 0–4 desa: peraturan berlaku, perjanjian kerja sama berlaku, anggaran iuran tahun "
        "berjalan, agen aktif (pada akhir periode).",
        _commitment,
        ("village_facts",),
    ),
    Indicator(
        "apparatus_covered",
        "Perangkat terlindungi",
        Pillar.ENGAGEMENT,
        "percent",
        "Perangkat nagari/desa yang aktif pada bulan terakhir dibagi perangkat yang terdaftar (belum keluar).",
        _apparatus_covered,
    ),
]

REGISTRY: dict[str, Indicator] = {indicator.key: indicator for indicator in INDICATORS}
