"""The demo branch's plan: which villages join the programme when, how each one fares, and how many
participants it gets, drawn from the branch's random stream; plus the per-village random streams the
other builders draw from, so skipping rows that already exist in one village shifts nothing elsewhere."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from participants.months import add_months, month_start
from villages.models import Village

if TYPE_CHECKING:
    from demo.published import Cohort

BATCH = 5_000

BATANG_BARUS = "13.02.07.2006"
SIKALANG = "13.73.04.2010"
KOTO_BARU = "13.02.10.2001"  # Nagari Koto Baru, Kec. Kubung, Kab. Solok
# The villages the branch's news report names as the 2019 pioneers, with their demo weight.
PIONEERS = {
    KOTO_BARU: 4.0,
    SIKALANG: 4.0,
    BATANG_BARUS: 3.0,
    "13.02.09.2007": 2.5,  # Guguak Sarai
    "13.03.04.2004": 2.5,  # Pematang Panjang
    "13.02.12.2004": 2.0,  # Kuncir
    "13.02.07.2002": 2.0,  # Talang
    "13.03.09.2005": 2.0,  # Sumpur Kudus
}
# How many more villages joined in each year (in demo order).
JOINED_PER_YEAR = {2019: 10, 2020: 18, 2021: 16, 2022: 12, 2023: 12, 2024: 10, 2025: 8, 2026: 6}


@dataclass
class VillagePlan:
    village: Village
    joined_on: datetime.date
    profile: str  # "tumbuh" (grows), "stagnan" (stalls) or "berhenti" (lapses)
    size: int = 0
    lapse_month: datetime.date | None = None
    village_budget_share: float = 0.0
    enrolled_by_year: Counter = field(default_factory=Counter)
    budget_funded_by_year: Counter = field(default_factory=Counter)
    cohort: Cohort | None = None  # extra participants that make a published figure come true


def plans_draw(*, rng: random.Random, villages: list[Village], horizon: datetime.date, total: int) -> list:
    """Which villages joined when, how each one fares, and how many participants it gets."""
    by_code = {village.code: village for village in villages}
    plans = [
        VillagePlan(
            village=by_code[code],
            joined_on=datetime.date(2019, rng.randint(3, 8), rng.randint(1, 28)),
            profile="tumbuh",
        )
        for code in PIONEERS
    ]
    plans[0].joined_on = datetime.date(2019, 4, 15)  # Koto Baru
    plans[1].joined_on = datetime.date(2019, 3, 20)  # Sikalang
    others = [village for village in villages if village.code not in PIONEERS]
    rng.shuffle(others)
    cursor = 0
    for year, count in JOINED_PER_YEAR.items():
        for village in others[cursor : cursor + count]:
            joined = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
            profile = rng.choices(["tumbuh", "stagnan", "berhenti"], weights=[5, 3, 2])[0]
            plans.append(VillagePlan(village=village, joined_on=joined, profile=profile))
        cursor += count
    weights = []
    for plan in plans:
        years = max(0.3, (horizon - plan.joined_on).days / 365)
        weight = PIONEERS.get(plan.village.code, rng.uniform(0.5, 1.5)) * min(years, 4) ** 0.7
        weights.append(weight * (0.6 if plan.profile == "berhenti" else 1.0))
        if plan.profile == "berhenti":
            plan.lapse_month = month_start(add_months(plan.joined_on, rng.randint(20, 36)))
            if plan.lapse_month >= month_start(horizon):
                plan.profile, plan.lapse_month = "stagnan", None
        plan.village_budget_share = (
            rng.choice([0.0, 0.0, 0.15, 0.3, 0.5]) if plan.village.kind != Village.Kind.KELURAHAN else 0
        )
        plan.village.joined_on = plan.joined_on
    sizes = [max(1, int(total * weight / sum(weights))) for weight in weights]
    for plan, size in zip(plans, sizes, strict=True):
        plan.size = size
    return plans


def village_rng(seed: int, stage: str, village: Village) -> random.Random:
    """An independent, reproducible random stream per stage and village: skipping rows that already
    exist in one village cannot shift what another village gets."""
    return random.Random(f"{seed}:{stage}:{village.code}")
