"""The demo figures that follow a published number; everything else in the demo is invented.

docs/rules.md lists them with their sources. At `--scale 1` the demo meets them (people
counts scale with `--scale`, village counts do not):

- Kabupaten Solok, July 2025 (launch of the nagari programme for vulnerable workers at
  Arosuka, 25/07/2025): 54 of its 74 nagari pay the iuran of vulnerable workers from the
  APB Nagari, 2,522 such workers covered. The two kecamatan where every nagari takes part
  (Danau Kembar, Junjung Sirih) and the eight nagari reported to budget for 100 workers each
  are among the 54; the other nagari are drawn. Those workers are extra participants of
  their nagari, enrolled from the Bupati's regulation (10/02/2025) to the launch, drawn
  until the figure is met, so no other Kab. Solok worker is paid for by a nagari budget.
- Desa Sikalang (Kota Sawahlunto): juara 2 nasional of Desa Sadar Jaminan Sosial
  Ketenagakerjaan, handed over on 13/12/2019, reported with more than 90 % of its workers
  covered; 1,752 residents (2021), more than half of them workers (900 here). Extra
  participants enrolled from its joining to November 2019 make more than 90 % of those 900
  aktif in 12/2019.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from demo.plans import KOTO_BARU, SIKALANG, VillagePlan
from participants.models import FundingSource, Occupation, Participant
from villages.models import Village

SOLOK = "13.02"
SOLOK_MONTH = datetime.date(2025, 7, 1)
SOLOK_PAYING_NAGARI = 54
SOLOK_WORKERS = 2_522
SOLOK_REGULATION = datetime.date(2025, 2, 10)  # Perbup Solok 2/2025 in force
SOLOK_LAUNCH = datetime.date(2025, 7, 25)
SOLOK_ALL_NAGARI_KECAMATAN = ("13.02.19", "13.02.13")  # Danau Kembar, Junjung Sirih
SOLOK_HUNDRED_EACH = (
    "13.02.09.2001",  # Taruang-Taruang
    "13.02.18.2005",  # Simanau
    "13.02.04.2001",  # Alahan Panjang
    "13.02.17.2003",  # Sungai Abu
    "13.02.06.2005",  # Koto Gadang Koto Anau (reported as Koto Anau)
    "13.02.08.2001",  # Muaro Paneh
    KOTO_BARU,
    "13.02.19.2002",  # Kampung Batu Dalam
)
SOLOK_HUNDRED = 100

SIKALANG_POPULATION = 1_752
SIKALANG_WORKERS = 900
SIKALANG_SOURCE = (
    "1.752 jiwa (utusanindo.com, 17/06/2021); tenaga kerja 900: lebih dari separuh warga (goparlement.com, 12/2019)"
)
SIKALANG_MONTH = datetime.date(2019, 12, 1)
SIKALANG_SHARE = 0.9


@dataclass(frozen=True)
class Cohort:
    """Extra participants of one village, drawn (stream `stream`) until `quota` are aktif in `month`.

    `funding` is theirs; with `count_regular` the village's planned participants aktif in
    `month` count towards the quota too."""

    stream: str
    enrol_from: datetime.date
    enrol_to: datetime.date
    month: datetime.date
    quota: int
    funding: str
    count_regular: bool

    def counts(self, participant: Participant, months: list[tuple], *, regular: bool) -> bool:
        if regular and not self.count_regular:
            return False
        return any(row[0] == self.month for row in months)


def solok_calibrate(*, seed: int, plans: list[VillagePlan], villages: list[Village], scale: float) -> None:
    """54 Kab. Solok nagari paying vulnerable workers from the APB Nagari in 07/2025, 2,522 of them in all."""
    rng = random.Random(f"{seed}:solok-2025")
    by_code = {plan.village.code: plan for plan in plans}
    nagari = [village for village in villages if village.code.startswith(SOLOK + ".") and village.kind == "nagari"]
    fixed = [v for v in nagari if v.code in SOLOK_HUNDRED_EACH or v.code[:8] in SOLOK_ALL_NAGARI_KECAMATAN]

    def in_programme_then(village: Village) -> bool:
        plan = by_code.get(village.code)
        return plan is not None and plan.joined_on < SOLOK_MONTH and plan.lapse_month is None

    others = [v for v in nagari if v not in fixed]
    rng.shuffle(others)
    # Nagari already in the programme come first, then the rest, in a drawn order.
    others.sort(key=lambda village: not in_programme_then(village))
    paying = fixed + others[: SOLOK_PAYING_NAGARI - len(fixed)]
    for plan in plans:
        if plan.village.code.startswith(SOLOK + "."):
            plan.village_budget_share = 0.0  # the cohort below is the nagari budgets' only workers
    hundred = round(SOLOK_HUNDRED * scale)
    rest = [village for village in paying if village.code not in SOLOK_HUNDRED_EACH]
    left = round(SOLOK_WORKERS * scale) - hundred * len(SOLOK_HUNDRED_EACH)
    weights = [rng.uniform(0.5, 1.5) for _village in rest]
    quotas = dict.fromkeys(SOLOK_HUNDRED_EACH, hundred)
    shares = [max(1, int(left * weight / sum(weights))) for weight in weights]
    shares[0] += max(0, left - sum(shares))
    quotas.update({village.code: share for village, share in zip(rest, shares, strict=True)})
    for village in paying:
        plan = by_code.get(village.code)
        if plan is None:
            plan = VillagePlan(
                village=village, joined_on=SOLOK_REGULATION, profile="tumbuh", size=max(1, round(8 * scale))
            )
            plans.append(plan)
        elif plan.joined_on >= SOLOK_MONTH or plan.lapse_month is not None:
            plan.joined_on = min(plan.joined_on, SOLOK_REGULATION)
            plan.profile, plan.lapse_month = "tumbuh", None
        plan.village.joined_on = plan.joined_on
        plan.cohort = Cohort(
            stream="rentan",
            enrol_from=max(plan.joined_on, SOLOK_REGULATION),
            enrol_to=SOLOK_LAUNCH,
            month=SOLOK_MONTH,
            quota=quotas[village.code],
            funding=FundingSource.VILLAGE_BUDGET,
            count_regular=False,
        )


def sikalang_calibrate(*, plans: list[VillagePlan], scale: float) -> None:
    """More than 90 % of Sikalang's workers aktif in 12/2019, the month of its national award."""
    plan = next(plan for plan in plans if plan.village.code == SIKALANG)
    plan.cohort = Cohort(
        stream="sikalang",
        enrol_from=plan.joined_on,
        enrol_to=datetime.date(2019, 11, 30),
        month=SIKALANG_MONTH,
        quota=int(SIKALANG_WORKERS * SIKALANG_SHARE * scale) + 1,
        funding=FundingSource.SELF,
        count_regular=True,
    )


def solok_budget_workers(*, month: datetime.date = SOLOK_MONTH):
    """Kab. Solok's vulnerable workers paid for by a nagari budget and aktif in `month` (the published figure)."""
    return Participant.objects.filter(
        village__code__startswith=SOLOK + ".",
        funding_source=FundingSource.VILLAGE_BUDGET,
        contributions__month=month,
    ).exclude(occupation=Occupation.APPARATUS)
