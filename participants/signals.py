"""Keep `VillageMonthStat` in step with single-row writes of participants and contributions.

Bulk writes (imports, the monthly payment screen, seed_demo, the benchmark
generator) bypass these signals and call `stats_refresh` themselves.
The refresh runs after the transaction commits, once per village and write.
A change of a coverage rule (the grace) rebuilds every village from the first month it
changes, or entirely when it is the earliest rule (which also governs the months before it).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from participants.models import Contribution, CoverageRule, Participant
from participants.stats import stats_refresh, stats_refresh_all


def _refresh_on_commit(*, village_ids: set[int], since: datetime.date | None) -> None:
    village_ids = {pk for pk in village_ids if pk is not None}
    if village_ids:
        transaction.on_commit(lambda: stats_refresh(village_ids=village_ids, since=since))


@receiver(pre_save, sender=Participant, dispatch_uid="participant_stats_previous_village")
def participant_remember_previous_village(sender, instance: Participant, raw=False, **kwargs) -> None:
    """A participant moved to another village leaves a stale count behind in the old one."""
    if raw or instance.pk is None:
        return
    instance._stats_previous_village_id = (
        Participant.objects.filter(pk=instance.pk).values_list("village_id", flat=True).first()
    )


@receiver(post_save, sender=Participant, dispatch_uid="participant_stats_refresh")
@receiver(post_delete, sender=Participant, dispatch_uid="participant_stats_refresh_delete")
def participant_refresh_stats(sender, instance: Participant, raw=False, **kwargs) -> None:
    if raw:
        return
    previous = getattr(instance, "_stats_previous_village_id", None)
    _refresh_on_commit(village_ids={instance.village_id, previous}, since=None)


@receiver(post_save, sender=Contribution, dispatch_uid="contribution_stats_refresh")
@receiver(post_delete, sender=Contribution, dispatch_uid="contribution_stats_refresh_delete")
def contribution_refresh_stats(sender, instance: Contribution, raw=False, **kwargs) -> None:
    if raw:
        return
    village_id = Participant.objects.filter(pk=instance.participant_id).values_list("village_id", flat=True).first()
    _refresh_on_commit(village_ids={village_id}, since=instance.month)


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
