"""Demo populations: the 2025 regency totals (Kepmendagri) SPREAD over the villages of each regency
with random weights. The per-village figures are demo figures, not real village data, and the
source field says so; only Desa Sikalang's follow published numbers (demo/published.py). Villages
that already have figures keep them."""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from pathlib import Path

from demo.plans import BATCH, PIONEERS, SIKALANG
from demo.published import SIKALANG_POPULATION, SIKALANG_SOURCE, SIKALANG_WORKERS
from villages.models import Village

POPULATION_CSV = Path(__file__).resolve().parent.parent / "villages" / "data" / "penduduk_kabupaten_2025.csv"
POPULATION_SOURCE = "Demo: total kabupaten/kota Kepmendagri 2025 disebar acak ke desa (bukan data desa)"


def populations_spread(*, rng: random.Random, villages: list[Village]) -> int:
    """Spread each regency's 2025 total over its villages; returns how many villages got figures."""
    with open(POPULATION_CSV, encoding="utf-8") as handle:
        totals = {row["code"]: int(row["total"]) for row in csv.DictReader(handle)}
    by_regency: dict[str, list[Village]] = defaultdict(list)
    for village in villages:
        by_regency[village.district.regency.code].append(village)
    changed = []
    for regency_code, members in sorted(by_regency.items()):
        total = totals.get(regency_code)
        if not total:
            continue
        weights = [
            rng.uniform(0.5, 1.6)
            * (2.5 if v.kind == Village.Kind.KELURAHAN else 1.0)
            * (2.0 if v.code in PIONEERS else 1.0)
            for v in members
        ]
        shares = [int(total * weight / sum(weights)) for weight in weights]
        shares[0] += total - sum(shares)
        for village, population in zip(members, shares, strict=True):
            working_age = round(population * rng.uniform(0.64, 0.71))
            if village.population is None and village.working_age_population is None:
                village.population, village.population_source, village.population_year = (
                    population,
                    POPULATION_SOURCE,
                    2025,
                )
                village.working_age_population = working_age
                village.working_age_source, village.working_age_year = POPULATION_SOURCE, 2025
                if village.code == SIKALANG:  # published figures (demo/published.py)
                    village.population, village.working_age_population = SIKALANG_POPULATION, SIKALANG_WORKERS
                    village.population_source = village.working_age_source = f"Demo: {SIKALANG_SOURCE}"
                    village.population_year = village.working_age_year = 2021
                changed.append(village)
    Village.objects.bulk_update(
        changed,
        [
            "population",
            "population_source",
            "population_year",
            "working_age_population",
            "working_age_source",
            "working_age_year",
        ],
        batch_size=BATCH,
    )
    return len(changed)
