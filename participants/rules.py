"""The contribution rules as data, and the one function that says what a month costs.

A rate (PP 44/2015 as amended) holds for a span of contribution months; an adjustment
(PP 50/2025's relief) takes a percentage off chosen programmes for some sectors and
funding sources over its own span of months. Both are edited in the admin, never
written as constants, because the branch must follow a new regulation on the day it
applies without a release. `contribution_due` is the only place that prices a month:
the payment form, the monthly screen, the imports, the participant page, the
reminders and the demo all ask it, so they cannot disagree.

The models live here, not in `participants/models.py`, to keep that module readable;
`participants/models.py` imports them so Django registers them. This module needs the
choices defined there, and Django always loads `participants.models` first.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.formatting import format_decimal, format_month, format_rupiah
from participants.models import FundingSource, Occupation, Programme


class Sector(models.Model):
    """A sector of work (transportasi, pertanian…): the unit a relief is granted to."""

    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sektor pekerjaan")
        verbose_name_plural = _("sektor pekerjaan")

    def __str__(self) -> str:
        return self.name


class OccupationSector(models.Model):
    """Which sector an occupation of the registration form belongs to (pengemudi/ojek → transportasi)."""

    occupation = models.CharField(_("pekerjaan"), max_length=20, choices=Occupation.choices, unique=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="occupations", verbose_name=_("sektor"))

    class Meta:
        ordering = ["occupation"]
        verbose_name = _("sektor suatu pekerjaan")
        verbose_name_plural = _("sektor tiap pekerjaan")

    def __str__(self) -> str:
        return f"{self.get_occupation_display()} → {self.sector}"


def _month_checks(prefix: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(condition=Q(valid_from__day=1), name=f"{prefix}_from_first_day"),
        models.CheckConstraint(
            condition=Q(valid_to__isnull=True) | (Q(valid_to__day=1) & Q(valid_to__gte=F("valid_from"))),
            name=f"{prefix}_to_first_day_after_from",
        ),
    ]


def months_text(valid_from: datetime.date, valid_to: datetime.date | None) -> str:
    return f"{format_month(valid_from)}–{format_month(valid_to) if valid_to else gettext('seterusnya')}"


def _spans_meet(
    first: tuple[datetime.date, datetime.date | None], second: tuple[datetime.date, datetime.date | None]
) -> bool:
    (start_a, end_a), (start_b, end_b) = first, second
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


class RateQuerySet(models.QuerySet):
    def covering(self, month: datetime.date) -> RateQuerySet:
        return self.filter(valid_from__lte=month).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=month))

    def overlapping(self, valid_from: datetime.date, valid_to: datetime.date | None) -> RateQuerySet:
        rates = self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        return rates if valid_to is None else rates.filter(valid_from__lte=valid_to)


class ContributionRate(models.Model):
    """The BPU rates for a span of contribution months (PP 44/2015 as amended); spans never overlap."""

    valid_from = models.DateField(_("berlaku mulai bulan iuran"), unique=True)
    valid_to = models.DateField(
        _("berlaku sampai bulan iuran"), null=True, blank=True, help_text=_("Kosong: berlaku seterusnya.")
    )
    jkk_percent = models.DecimalField(
        _("JKK (% penghasilan)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    jkm_amount = models.PositiveIntegerField(_("JKM (Rp per bulan)"))
    jht_percent = models.DecimalField(
        _("JHT (% penghasilan)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    minimum_income = models.PositiveIntegerField(_("dasar penghasilan minimum (Rp)"))
    regulation = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = RateQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("tarif iuran")
        verbose_name_plural = _("tarif iuran")
        constraints = [
            models.CheckConstraint(
                condition=Q(jkk_percent__gte=0) & Q(jht_percent__gte=0), name="rate_percent_non_negative"
            ),
            *_month_checks("rate"),
        ]

    def __str__(self) -> str:
        return gettext("Tarif iuran %(months)s") % {"months": months_text(self.valid_from, self.valid_to)}

    def clean(self) -> None:
        _clean_months(self)
        if self.valid_from and (self.valid_to is None or self.valid_to >= self.valid_from):
            clash = ContributionRate.objects.overlapping(self.valid_from, self.valid_to).exclude(pk=self.pk).first()
            if clash:
                raise ValidationError(
                    gettext("Bulan iuran %(months)s bertumpang tindih dengan %(other)s (%(basis)s).")
                    % {
                        "months": months_text(self.valid_from, self.valid_to),
                        "other": clash,
                        "basis": clash.regulation or "—",
                    }
                )


def _clean_months(rule) -> None:
    """Months are first days; the end is not before the start (also checked by the database)."""
    if rule.valid_from:
        rule.valid_from = rule.valid_from.replace(day=1)
    if rule.valid_to:
        rule.valid_to = rule.valid_to.replace(day=1)
    if rule.valid_from and rule.valid_to and rule.valid_to < rule.valid_from:
        raise ValidationError({"valid_to": gettext("Bulan akhir tidak boleh sebelum bulan mulai.")})


class Scope(models.TextChoices):
    ALL = "semua", _("Semua")
    ONLY = "hanya", _("Hanya yang dipilih")
    EXCEPT = "kecuali", _("Semua kecuali yang dipilih")


def scope_includes(scope: str, chosen: Iterable, value) -> bool:
    if scope == Scope.ALL:
        return True
    return (value in chosen) == (scope == Scope.ONLY)


def scopes_meet(first: tuple[str, set], second: tuple[str, set], universe: set | None = None) -> bool:
    """Whether two scopes share a member. Without a `universe` (sectors: more may be added later)
    two "all except" scopes always meet; with one (the funding sources) they meet when something
    is left over."""
    (scope_a, chosen_a), (scope_b, chosen_b) = first, second
    set_a = set() if scope_a == Scope.ALL else set(chosen_a)
    set_b = set() if scope_b == Scope.ALL else set(chosen_b)
    only_a, only_b = scope_a == Scope.ONLY, scope_b == Scope.ONLY
    if only_a and only_b:
        return bool(set_a & set_b)
    if only_a:
        return bool(set_a - set_b)
    if only_b:
        return bool(set_b - set_a)
    return universe is None or bool(universe - set_a - set_b)


class ContributionAdjustment(models.Model):
    """A relief on the rates: `percent` off the chosen programmes, for some sectors and funding sources."""

    name = models.CharField(_("nama"), max_length=150)
    percent = models.DecimalField(
        _("keringanan (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal(100))],
        help_text=_("Bagian iuran yang tidak dibayar; 50 berarti peserta membayar separuhnya."),
    )
    on_jkk = models.BooleanField(_("berlaku untuk JKK"), default=False)
    on_jkm = models.BooleanField(_("berlaku untuk JKM"), default=False)
    on_jht = models.BooleanField(_("berlaku untuk JHT"), default=False)
    valid_from = models.DateField(_("berlaku mulai bulan iuran"))
    valid_to = models.DateField(
        _("berlaku sampai bulan iuran"), null=True, blank=True, help_text=_("Kosong: berlaku seterusnya.")
    )
    sector_scope = models.CharField(_("sektor"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="adjustments", verbose_name=_("sektor dipilih"))
    funding_scope = models.CharField(_("sumber dana"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    funding_sources = models.JSONField(_("sumber dana dipilih"), default=list, blank=True)
    regulation = models.CharField(_("dasar hukum"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["valid_from", "name"]
        verbose_name = _("keringanan iuran")
        verbose_name_plural = _("keringanan iuran")
        constraints = [
            models.CheckConstraint(condition=Q(percent__gt=0) & Q(percent__lte=100), name="adjustment_percent_range"),
            models.CheckConstraint(
                condition=Q(on_jkk=True) | Q(on_jkm=True) | Q(on_jht=True), name="adjustment_some_programme"
            ),
            *_month_checks("adjustment"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({months_text(self.valid_from, self.valid_to)})"

    @property
    def programmes(self) -> list[str]:
        chosen = ((Programme.JKK, self.on_jkk), (Programme.JKM, self.on_jkm), (Programme.JHT, self.on_jht))
        return [programme for programme, on in chosen if on]

    @property
    def summary(self) -> str:
        """ "keringanan 50 % JKK/JKM, PP 50/2025": how a person is told why they pay less."""
        return gettext("keringanan %(percent)s %% %(programmes)s, %(basis)s") % {
            "percent": format_decimal(self.percent, places=None),
            "programmes": "/".join(self.programmes),
            "basis": self.regulation,
        }

    def clean(self) -> None:
        _clean_months(self)
        unknown = sorted(set(self.funding_sources or []) - set(FundingSource.values))
        if unknown:
            raise ValidationError({"funding_sources": gettext("Sumber dana tidak dikenal: %s.") % ", ".join(unknown)})
        if self.funding_scope != Scope.ALL and not self.funding_sources:
            raise ValidationError({"funding_sources": gettext("Pilih sumber dana, atau pilih «Semua».")})
        if not (self.on_jkk or self.on_jkm or self.on_jht):
            raise ValidationError(gettext("Pilih paling sedikit satu program (JKK, JKM atau JHT)."))


def adjustment_clashes(
    *,
    valid_from: datetime.date,
    valid_to: datetime.date | None,
    sector_scope: str,
    sector_ids: Iterable[int],
    funding_scope: str,
    funding_sources: Iterable[str],
    exclude_pk: int | None = None,
) -> list[str]:
    """Indonesian messages naming every adjustment that would apply to the same sector, funding source
    and month as the one described: two reliefs for one payment would make its amount ambiguous."""
    sector_scope_ids = (sector_scope, set(sector_ids))
    funding = (funding_scope, set(funding_sources))
    problems = []
    others = ContributionAdjustment.objects.exclude(pk=exclude_pk).prefetch_related("sectors")
    for other in others:
        if not _spans_meet((valid_from, valid_to), (other.valid_from, other.valid_to)):
            continue
        other_sectors = (other.sector_scope, {sector.pk for sector in other.sectors.all()})
        other_funding = (other.funding_scope, set(other.funding_sources))
        if scopes_meet(sector_scope_ids, other_sectors) and scopes_meet(
            funding, other_funding, universe=set(FundingSource.values)
        ):
            problems.append(
                gettext(
                    "Bertumpang tindih dengan «%(other)s» (%(basis)s): sektor, sumber dana dan bulan iuran yang sama "
                    "tidak boleh mendapat dua keringanan. Ubah bulan, sektor atau sumber dananya."
                )
                % {"other": other, "basis": other.regulation}
            )
    return problems


# --- the amount due ------------------------------------------------------------------------------------------------


class RuleError(ValidationError):
    """The rules cannot price a month (none in force, or two reliefs at once): never a silent zero."""


@dataclass(frozen=True)
class DuePart:
    programme: str
    full: int
    amount: int


@dataclass(frozen=True)
class Due:
    """What one month of one participant costs, and why."""

    month: datetime.date
    funding_source: str
    income_base: int
    parts: tuple[DuePart, ...]
    rate: ContributionRate
    adjustment: ContributionAdjustment | None

    @property
    def total(self) -> int:
        return sum(part.amount for part in self.parts)

    @property
    def full_total(self) -> int:
        return sum(part.full for part in self.parts)

    @property
    def relief(self) -> int:
        return self.full_total - self.total

    @property
    def legal_basis(self) -> str:
        bases = [self.rate.regulation] + ([self.adjustment.regulation] if self.adjustment else [])
        return "; ".join(basis for basis in bases if basis)

    @property
    def reason(self) -> str:
        """Why this amount: the relief and its basis, else the rate's basis."""
        return self.adjustment.summary if self.adjustment else self.rate.regulation

    @property
    def breakdown(self) -> str:
        """ "JKK Rp 5.000 + JKM Rp 3.400 + JHT Rp 20.000"."""
        return " + ".join(f"{part.programme} {format_rupiah(part.amount)}" for part in self.parts)

    def __str__(self) -> str:
        """ "Rp 8.400 — keringanan 50 % JKK/JKM, PP 50/2025" in a relief month, else "Rp 16.800"."""
        if self.adjustment:
            return f"{format_rupiah(self.total)} — {self.adjustment.summary}"
        return format_rupiah(self.total)


def _rupiah(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class RuleBook:
    """Every rate, relief and occupation's sector, read once (four queries) to price many months."""

    def __init__(
        self, rates: list[ContributionRate], adjustments: list[ContributionAdjustment], sectors: dict[str, int]
    ):
        self.rates = rates
        self.adjustments = adjustments
        self.sectors = sectors
        self._adjustment_sectors = {
            adjustment.pk: {sector.pk for sector in adjustment.sectors.all()} for adjustment in adjustments
        }

    @classmethod
    def load(cls) -> RuleBook:
        return cls(
            list(ContributionRate.objects.order_by("valid_from")),
            list(ContributionAdjustment.objects.prefetch_related("sectors")),
            dict(OccupationSector.objects.values_list("occupation", "sector_id")),
        )

    def rate_for(self, month: datetime.date) -> ContributionRate:
        rates = [rate for rate in self.rates if _spans_meet((month, month), (rate.valid_from, rate.valid_to))]
        if len(rates) != 1:
            raise RuleError(
                gettext("Belum ada tarif iuran untuk bulan %(month)s; hubungi admin cabang.")
                if not rates
                else gettext("Ada lebih dari satu tarif iuran untuk bulan %(month)s; hubungi admin cabang."),
                code="no_rule",
                params={"month": format_month(month)},
            )
        return rates[0]

    def adjustment_for(
        self, *, month: datetime.date, occupation: str, funding_source: str
    ) -> ContributionAdjustment | None:
        sector = self.sectors.get(occupation)
        found = [
            adjustment
            for adjustment in self.adjustments
            if _spans_meet((month, month), (adjustment.valid_from, adjustment.valid_to))
            and scope_includes(adjustment.sector_scope, self._adjustment_sectors[adjustment.pk], sector)
            and scope_includes(adjustment.funding_scope, adjustment.funding_sources, funding_source)
        ]
        if len(found) > 1:
            raise RuleError(
                gettext("Ada lebih dari satu keringanan iuran untuk bulan %(month)s; hubungi admin cabang."),
                code="two_reliefs",
                params={"month": format_month(month)},
            )
        return found[0] if found else None

    def due(self, *, month: datetime.date, income: int, with_jht: bool, occupation: str, funding_source: str) -> Due:
        month = month.replace(day=1)
        rate = self.rate_for(month)
        adjustment = self.adjustment_for(month=month, occupation=occupation, funding_source=funding_source)
        base = max(income, rate.minimum_income)
        full = [(Programme.JKK, _rupiah(Decimal(base) * rate.jkk_percent / 100)), (Programme.JKM, rate.jkm_amount)]
        if with_jht:
            full.append((Programme.JHT, _rupiah(Decimal(base) * rate.jht_percent / 100)))
        reduced = set(adjustment.programmes) if adjustment else set()
        parts = tuple(
            DuePart(
                programme=programme,
                full=amount,
                amount=amount - _rupiah(amount * adjustment.percent / 100) if programme in reduced else amount,
            )
            for programme, amount in full
        )
        return Due(
            month=month,
            funding_source=funding_source,
            income_base=base,
            parts=parts,
            rate=rate,
            adjustment=adjustment if reduced & {part.programme for part in parts} else None,
        )


def contribution_due(
    *,
    participant,
    month: datetime.date,
    funding_source: str | None = None,
    with_jht: bool | None = None,
    rules: RuleBook | None = None,
) -> Due:
    """The amount `participant` owes for `month`, paid from `funding_source` (default: theirs).

    `with_jht` overrides the participant's choice (a payment may change it); pass `rules`
    (`RuleBook.load()`) when pricing many months. Raises RuleError naming the month when
    the rules do not cover it.
    """
    return (rules or RuleBook.load()).due(
        month=month,
        income=participant.monthly_income,
        with_jht=participant.has_jht if with_jht is None else with_jht,
        occupation=participant.occupation,
        funding_source=funding_source or participant.funding_source,
    )


def dues_breakdown(dues: list[Due]) -> list[str]:
    """A payment's months, consecutive ones with the same amount and reason together:
    "04/2026–12/2026: 9 × Rp 8.400 (JKK Rp 5.000 + JKM Rp 3.400) — keringanan 50 % JKK/JKM, PP 50/2025"."""
    groups: list[list[Due]] = []
    for due in dues:
        if groups and (groups[-1][-1].total, groups[-1][-1].reason) == (due.total, due.reason):
            groups[-1].append(due)
        else:
            groups.append([due])
    lines = []
    for group in groups:
        first, last = group[0], group[-1]
        months = (
            format_month(first.month) if first is last else f"{format_month(first.month)}–{format_month(last.month)}"
        )
        times = f"{len(group)} × " if len(group) > 1 else ""
        reason = f" — {first.reason}" if first.reason else ""
        lines.append(f"{months}: {times}{format_rupiah(first.total)} ({first.breakdown}){reason}")
    return lines


def amount_mismatch(*, paid: int, dues: list[Due]) -> str | None:
    """The refusal of an amount that is not what the rules ask for its months, naming the expected
    amount and its breakdown; None when it matches."""
    expected = sum(due.total for due in dues)
    if paid == expected:
        return None
    return gettext("Jumlah %(paid)s tidak sesuai aturan iuran: seharusnya %(expected)s (%(breakdown)s).") % {
        "paid": format_rupiah(paid),
        "expected": format_rupiah(expected),
        "breakdown": "; ".join(dues_breakdown(dues)),
    }


# The history keeps at most 100 characters of a reason (simple_history's history_change_reason).
OVERRIDE_REASON_MAX = 60


def override_reason_text(*, reason: str, dues: list[Due]) -> str:
    """What the history keeps when staff record an amount the rules do not give."""
    text = gettext("Beda dari aturan (seharusnya %(expected)s): %(reason)s") % {
        "expected": format_rupiah(sum(due.total for due in dues)),
        "reason": reason.strip()[:OVERRIDE_REASON_MAX],
    }
    return text[:100]
