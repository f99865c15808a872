"""Keep the statistics (`VillageMonthStat`, `HamletMonthStat`, the last paid months) in step with single-row
writes of participants and contributions.

Each save or delete of a participant or a contribution adds the difference it makes to its village's
monthly rows, in the same transaction (`participants.stats_delta.stats_apply`): before the write the
participant's state is read (its row locked), after it the new state, and the difference is applied. Bulk
writes (imports, the payment form's months, the monthly screen) bypass these signals and use
`stats_delta.stats_tracking`. A change of a coverage rule (the grace) rebuilds every village from the first month it
changes, or entirely when it is the earliest rule (which also governs the months before it); made in
the admin, that rebuild runs as a background job (`CoverageRuleAdmin`, `participants.jobs`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from participants.models import Contribution, CoverageRule, Participant
from participants.stats import stats_refresh_all
from participants.stats_delta import STATE_FIELDS, State, is_tracked, states_locked, states_read, stats_apply

# --- the differences of single-row writes ------------------------------------------------------------


def _instance_state(participant: Participant, before: State | None, update_fields) -> State:
    """The state a participant save writes: its fields (those saved), its paid months unchanged."""
    fields = {name: getattr(participant, name) for name in STATE_FIELDS}
    if before is not None and update_fields is not None:
        saved = {Participant._meta.get_field(name).attname for name in update_fields}
        fields = {name: value if name in saved else getattr(before, name) for name, value in fields.items()}
    return State(**fields, paid=before.paid if before else ())


@receiver(pre_save, sender=Participant, dispatch_uid="participant_stats_before")
def participant_saving(sender, instance: Participant, raw=False, **kwargs) -> None:
    """Before a participant save: its state (locked), unless it is new or tracked by a block; and the
    `last_paid_month` it writes, from its payments as read under the lock (not the value the instance was
    loaded with, which a payment recorded since would have made stale)."""
    instance._stats_before = None
    if raw or instance.pk is None or is_tracked(instance.pk):
        return
    before = instance._stats_before = states_locked([instance.pk]).get(instance.pk)
    if before is not None:
        instance.last_paid_month = _instance_state(instance, before, None).last_paid_month


@receiver(post_save, sender=Participant, dispatch_uid="participant_stats_after")
def participant_saved(sender, instance: Participant, created: bool, raw=False, update_fields=None, **kwargs) -> None:
    """After a participant save: apply the difference of its fields (a new one adds its months)."""
    if raw or is_tracked(instance.pk):
        return
    before = None if created else getattr(instance, "_stats_before", None)
    if before is None and not created:
        return
    after = _instance_state(instance, before, update_fields)
    # A save of some fields only may leave the stored month out: it was the before state's.
    saved_last_paid = update_fields is None or "last_paid_month" in update_fields
    stored = {instance.pk: instance.last_paid_month if saved_last_paid else before and before.last_paid_month}
    if after != before:
        stats_apply(before={instance.pk: before} if before else {}, after={instance.pk: after}, stored_last_paid=stored)


@receiver(pre_save, sender=Contribution, dispatch_uid="contribution_stats_before")
def contribution_saving(sender, instance: Contribution, raw=False, **kwargs) -> None:
    """Before a contribution save: the state of its participant (and of the one it belonged to), locked."""
    if raw:
        return
    ids = {instance.participant_id}
    if instance.pk is not None:
        ids |= set(Contribution.objects.filter(pk=instance.pk).values_list("participant_id", flat=True))
    ids = {pk for pk in ids if not is_tracked(pk)}
    instance._stats_before = states_locked(ids) if ids else {}


@receiver(post_save, sender=Contribution, dispatch_uid="contribution_stats_after")
def contribution_saved(sender, instance: Contribution, raw=False, **kwargs) -> None:
    before = None if raw else getattr(instance, "_stats_before", None)
    if before:
        after, stored = states_read(before)
        stats_apply(before=before, after=after, stored_last_paid=stored)


@receiver(pre_delete, sender=Participant, dispatch_uid="participant_stats_deleting")
@receiver(pre_delete, sender=Contribution, dispatch_uid="contribution_stats_deleting")
def deleting(sender, instance: Participant | Contribution, origin=None, **kwargs) -> None:
    """Before a delete (a participant with its contributions, or contributions): the participants' state,
    kept on the delete's origin, once per participant (all pre_delete signals come before the deletes)."""
    pk = instance.pk if isinstance(instance, Participant) else instance.participant_id
    holder = origin if origin is not None else instance
    pending = holder.__dict__.setdefault("_stats_deleting", {"before": {}, "count": 0})
    pending["count"] += 1
    if pk not in pending["before"] and not is_tracked(pk):
        pending["before"].update(states_locked([pk]))


@receiver(post_delete, sender=Participant, dispatch_uid="participant_stats_deleted")
@receiver(post_delete, sender=Contribution, dispatch_uid="contribution_stats_deleted")
def deleted(sender, instance: Participant | Contribution, origin=None, **kwargs) -> None:
    """After a delete: once every object of the delete is gone, apply the difference."""
    holder = origin if origin is not None else instance
    pending = holder.__dict__.get("_stats_deleting")
    if pending is None:
        return
    pending["count"] -= 1
    if pending["count"] == 0:
        del holder.__dict__["_stats_deleting"]
        after, stored = states_read(pending["before"])
        stats_apply(before=pending["before"], after=after, stored_last_paid=stored)


@receiver(pre_save, sender=CoverageRule, dispatch_uid="coverage_rule_previous_month")
def coverage_rule_remember_previous_month(sender, instance: CoverageRule, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    instance._stats_previous_valid_from = (
        CoverageRule.objects.filter(pk=instance.pk).values_list("valid_from", flat=True).first()
    )


def coverage_rule_rebuild_since(rule: CoverageRule) -> datetime.date | None:
    """The first month whose statuses a saved or deleted rule changes (its old or new first month); None when
    it is the earliest rule, which also governs the months before it."""
    previous = getattr(rule, "_stats_previous_valid_from", None)
    since = min(filter(None, (rule.valid_from, previous)))
    return since if CoverageRule.objects.filter(valid_from__lt=since).exists() else None


@receiver(post_save, sender=CoverageRule, dispatch_uid="coverage_rule_stats_rebuild")
@receiver(post_delete, sender=CoverageRule, dispatch_uid="coverage_rule_stats_rebuild_delete")
def coverage_rule_rebuild_stats(sender, instance: CoverageRule, raw=False, **kwargs) -> None:
    """The statuses of every month from the rule's (old or new) first month change: rebuild them, in every village.
    The admin does it as a background job instead (`CoverageRuleAdmin`, which marks the rule)."""
    if raw or getattr(instance, "_stats_rebuild_by_job", False):
        return
    since = coverage_rule_rebuild_since(instance)
    transaction.on_commit(lambda: stats_refresh_all(since=since))
