"""Monthly routines: work due once when a month begins (the statistics' new projected month), run once per
month by whichever comes first, and never twice for one month.

An app registers a routine, imported at start-up (its `AppConfig.ready`)::

    @monthly_routine("participants.stats_horizon")
    def stats_extend_horizon(*, first_due: datetime.date) -> None:
        ...   # the months from `first_due` (the month after the last one it ran for) to the current one

Three ways in, all through `monthly_run_due`, which claims each routine due (one UPDATE, a lease: a process
that dies mid-way leaves it to the next after JOB_STALE_MINUTES), runs it outside any long transaction and
records the month:

- Celery beat: `core.tasks.run_monthly` at 00:05 on the 1st (`CELERY_BEAT_SCHEDULE`), in a worker;
- `manage.py run_monthly`;
- without any scheduler (`make run`): `MonthlyCatchUpMiddleware` calls `monthly_catch_up` on every request.
  Once this process has seen every routine done for the current month it costs nothing (no query); else
  one query at most every RECHECK_SECONDS, and when something is due it runs it in this process once the
  response has been sent (no broker: `request_finished`, when the server closes the response), or sends
  `run_monthly` to a worker (with one); either way the request is not held up.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.signals import request_finished
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.dates import latest_month
from core.models import MonthlyRun

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 60
_AFTER_RESPONSE = "core.monthly.run_after_response"
_ROUTINES: dict[str, Callable[..., None]] = {}
# This process's knowledge: the month every routine was seen done for, and when to look again otherwise.
_seen: dict[str, object] = {"done": None, "next_check": None}


def monthly_routine(name: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Register `fn(first_due=month)` as the monthly routine `name`."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        if name in _ROUTINES and _ROUTINES[name] is not fn:
            raise ValueError(f"monthly routine {name!r} is registered twice")
        _ROUTINES[name] = fn
        return fn

    return register


def monthly_pending() -> list[str]:
    """The routines not yet run for the current month (one query)."""
    current = latest_month()
    done = set(MonthlyRun.objects.filter(name__in=_ROUTINES, month__gte=current).values_list("name", flat=True))
    return sorted(set(_ROUTINES) - done)


def monthly_done(name: str) -> None:
    """Record the routine `name` as run for the current month: what did its work (a full rebuild of what it
    extends) has run, so the first request of the month does not run it again."""
    MonthlyRun.objects.update_or_create(name=name, defaults={"month": latest_month(), "finished_at": timezone.now()})


def _claim(name: str, current: datetime.date) -> datetime.date | None:
    """Take the routine for this month if it is due and nobody runs it: the first month due, else None."""
    previous = latest_month(horizon_months=-1, today=current)
    # A routine that never ran is due for the current month only (what came before is the rebuilds' work).
    MonthlyRun.objects.bulk_create([MonthlyRun(name=name, month=previous)], ignore_conflicts=True)
    now = timezone.now()
    lease = now - datetime.timedelta(minutes=settings.JOB_STALE_MINUTES)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease)
    with transaction.atomic():
        # One statement decides (PostgreSQL: a concurrent claim waits for it, then finds the row taken).
        if not MonthlyRun.objects.filter(free, name=name, month__lt=current).update(claimed_at=now):
            return None
        last = MonthlyRun.objects.get(name=name).month
    return latest_month(horizon_months=1, today=last)


def monthly_run_due() -> list[str]:
    """Run every routine due for the current month that no other process is running; the names run."""
    current = latest_month()
    ran = []
    for name in monthly_pending():
        first_due = _claim(name, current)
        if first_due is None:
            continue
        try:
            _ROUTINES[name](first_due=first_due)
        except Exception:
            MonthlyRun.objects.filter(name=name).update(claimed_at=None)
            raise
        MonthlyRun.objects.filter(name=name).update(month=current, claimed_at=None, finished_at=timezone.now())
        logger.info("monthly routine %s ran for %s (from %s)", name, current, first_due)
        ran.append(name)
    return ran


def monthly_catch_up() -> None:
    """Run (no broker) or queue (a broker) the routines due, when this process has not yet seen them done for
    the current month; at most one query every RECHECK_SECONDS until then, none after. Never raises."""
    current = latest_month()
    if _seen["done"] == current:
        return
    now = timezone.now()
    if _seen["next_check"] is not None and now < _seen["next_check"]:
        return
    _seen["next_check"] = now + datetime.timedelta(seconds=RECHECK_SECONDS)
    try:
        if not monthly_pending():
            _seen["done"] = current
        elif settings.CELERY_BROKER_URL:
            _send_run_monthly()
        else:
            # Once the response is sent (the server then closes it): the user who opened the month waits not.
            request_finished.connect(_run_after_response, dispatch_uid=_AFTER_RESPONSE)
    except Exception:
        logger.exception("the monthly routines could not be caught up; the next request tries again")


def _run_after_response(**kwargs) -> None:
    request_finished.disconnect(dispatch_uid=_AFTER_RESPONSE)
    try:
        monthly_run_due()
        if not monthly_pending():  # else another process runs one: look again later
            _seen["done"] = latest_month()
    except Exception:
        logger.exception("the monthly routines could not be caught up; the next request tries again")


def _send_run_monthly() -> None:
    from core.jobs import SEND_RETRY
    from core.tasks import run_monthly

    with run_monthly.app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
        run_monthly.apply_async(connection=broker, retry_policy=SEND_RETRY)


class MonthlyCatchUpMiddleware:
    """Brings in what a new month needs without any scheduler (`monthly_catch_up`); JOB_MONTHLY_ON_REQUEST=False
    turns it off (beat does it then)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.JOB_MONTHLY_ON_REQUEST:
            monthly_catch_up()
        return self.get_response(request)
