"""Keep `VillageMonthStat` in step with single-row writes of participants and contributions.

Bulk writes (imports, the monthly payment screen, seed_demo, the benchmark
generator) bypass these signals and call `stats_refresh` themselves.
The refresh runs after the transaction commits, once per village and write.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from participants.models import Contribution, Participant
from participants.stats import stats_refresh


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
