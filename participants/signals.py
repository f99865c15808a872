"""Keep `VillageMonthStat` in step with single-row writes of participants and contributions.

Each save or delete of a participant or a contribution adds the difference it makes to its village's
monthly rows, in the same transaction (`participants.stats_delta`): before the write the participant's
state is read (its row locked), after it the new state, and the difference is applied. Bulk writes (imports,
the payment form's months, the monthly screen) bypass these signals and use `stats_delta.stats_tracking`.
A change of a coverage rule (the grace) rebuilds every village from the first month it
changes, or entirely when it is the earliest rule (which also governs the months before it); made in
the admin, that rebuild runs as a background job (`CoverageRuleAdmin`, `participants.jobs`).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from participants import stats_delta
from participants.models import Contribution, CoverageRule, Participant
from participants.stats import stats_refresh_all


@receiver(pre_save, sender=Participant, dispatch_uid="participant_stats_before")
def participant_stats_before(sender, instance: Participant, raw=False, **kwargs) -> None:
    if not raw:
        stats_delta.participant_saving(instance)


@receiver(post_save, sender=Participant, dispatch_uid="participant_stats_after")
def participant_stats_after(sender, instance: Participant, created: bool, raw=False, update_fields=None, **kwargs):
    if not raw:
        stats_delta.participant_saved(instance, created=created, update_fields=update_fields)


@receiver(pre_save, sender=Contribution, dispatch_uid="contribution_stats_before")
def contribution_stats_before(sender, instance: Contribution, raw=False, **kwargs) -> None:
    if not raw:
        stats_delta.contribution_saving(instance)


@receiver(post_save, sender=Contribution, dispatch_uid="contribution_stats_after")
def contribution_stats_after(sender, instance: Contribution, raw=False, **kwargs) -> None:
    if not raw:
        stats_delta.contribution_saved(instance)


@receiver(pre_delete, sender=Participant, dispatch_uid="participant_stats_deleting")
@receiver(pre_delete, sender=Contribution, dispatch_uid="contribution_stats_deleting")
def stats_deleting(sender, instance, origin=None, **kwargs) -> None:
    stats_delta.deleting(instance, origin)


@receiver(post_delete, sender=Participant, dispatch_uid="participant_stats_deleted")
@receiver(post_delete, sender=Contribution, dispatch_uid="contribution_stats_deleted")
def stats_deleted(sender, instance, origin=None, **kwargs) -> None:
    stats_delta.deleted(instance, origin)


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
