"""A believable, deterministic demo branch built on the real regions (used by `manage.py seed_demo`).

Everything random comes from streams seeded with `--seed` (one for the branch plan, one
per planned participant, one per village and purpose), drawn up to a fixed horizon; only
what has happened by today is written. So the same seed gives the same branch, and rows
are keyed (NIK, village + year, ...) and written only when missing: a second run adds
nothing, a run on a later day adds only what has happened since.

This module only orders the builders, one module per thing built: users.py (the demo
accounts), populations.py (demo village populations), plans.py (which villages join when),
published.py (the figures that follow published numbers), participants.py (participants, paid
months, claims), programme.py (commitments, budgets, agents, activities, awards, targets,
apparatus headcounts) and anev.py (the anev calendar: cycles opened, evaluated, approved, their plans carried out).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable

from django.db import transaction

from demo.anev import anev_calendar_build
from demo.participants import participants_write
from demo.plans import BATCH, plans_draw
from demo.populations import populations_spread
from demo.programme import activities_write, awards_and_targets_write, commitments_write, headcounts_write
from demo.published import sikalang_calibrate, solok_calibrate
from demo.users import demo_users_ensure
from participants.stats import stats_refresh_all
from villages.models import Village

# Participants planned up to PLAN_HORIZON at --scale 1, before the cohorts of published figures
# (demo/published.py): with them about 11,900 have enrolled by late 2026.
PLANNED_PARTICIPANTS = 11_500
DEFAULT_PARTICIPANTS = 11_900
# Everything is drawn up to this horizon and only what has happened by today is written, so the
# draws do not depend on the day: a run on a later day adds what has happened since, never duplicates.
PLAN_HORIZON = datetime.date(2030, 12, 31)


def demo_branch_build(
    *, seed: int, scale: float, today: datetime.date, log: Callable[[str], None] = lambda message: None
) -> dict[str, int]:
    """Build (or complete) the demo branch; returns how many rows of each kind were written."""
    rng = random.Random(seed)  # the branch plan's stream: populations first, then the plan
    horizon = max(PLAN_HORIZON, datetime.date(today.year, 12, 31))
    written: Counter = Counter()
    with transaction.atomic():
        written["pengguna"] = demo_users_ensure()
        villages = list(Village.objects.select_related("district__regency").order_by("code"))
        written["desa (penduduk)"] = populations_spread(rng=rng, villages=villages)
        plans = plans_draw(rng=rng, villages=villages, horizon=horizon, total=round(PLANNED_PARTICIPANTS * scale))
        solok_calibrate(seed=seed, plans=plans, villages=villages, scale=scale)
        sikalang_calibrate(plans=plans, scale=scale)
        plans = [plan for plan in plans if plan.joined_on <= today]
        Village.objects.bulk_update([plan.village for plan in plans], ["joined_on"], batch_size=BATCH)
        log(f"{len(plans)} desa dalam program")
        created = participants_write(seed=seed, plans=plans, today=today, horizon=horizon, written=written)
        commitments_write(seed=seed, plans=plans, today=today, horizon=horizon, written=written)
        activities_write(seed=seed, plans=plans, today=today, horizon=horizon, written=written)
        awards_and_targets_write(seed=seed, plans=plans, today=today, horizon=horizon, written=written)
        headcounts_write(seed=seed, plans=plans, written=written)
        stats_refresh_all()
        written["evaluasi desa"] = anev_calendar_build(seed=seed, today=today)
    log(f"{created} peserta baru ditulis")
    return dict(written)
