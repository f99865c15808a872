"""Every audit-history record an API request writes names its source: its change reason starts with "API".

The pages write history as their user (who) with the service's reason (a correction, an amount other
than the rules', an import's file); a write through the API is the same service call, so the history
would not tell a phone app or a village portal from the pages. The services stay unaware of their
caller: the API's writes run inside `history_marked`, which afterwards prefixes the reason of the
records the request's user wrote meanwhile (history ids above those seen before, in the same
transaction), single saves and bulk writes alike. The history keeps 100 characters of a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db.models import Max, Q, Value
from django.db.models.functions import Concat, Left

SOURCE = "API"
REASON_LENGTH = 100


def history_models() -> list:
    return [model for model in apps.get_models() if hasattr(model, "instance_type") and hasattr(model, "history_id")]


@contextmanager
def history_marked(user) -> Iterator[None]:
    """Run a write; then mark the history records `user` wrote during it as written through the API."""
    last = {model: model.objects.aggregate(last=Max("history_id"))["last"] or 0 for model in history_models()}
    yield
    for model, seen in last.items():
        written = model.objects.filter(history_id__gt=seen, history_user=user)
        written.filter(Q(history_change_reason="") | Q(history_change_reason__isnull=True)).update(
            history_change_reason=SOURCE
        )
        written.exclude(history_change_reason=SOURCE).exclude(history_change_reason__startswith=f"{SOURCE}; ").update(
            history_change_reason=Left(Concat(Value(f"{SOURCE}; "), "history_change_reason"), REASON_LENGTH)
        )
