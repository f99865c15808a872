"""The activity pages' reads (villages/selectors.py): the scope, and filters that never widen it."""

from __future__ import annotations

from tests.factories import ActivityFactory, UserFactory
from villages import selectors
from villages.access import ROLE_OFFICIAL
from villages.models import Activity


def test_an_official_s_activities_are_their_village_s(official, batang_barus, sikalang):
    ours = ActivityFactory(village=batang_barus)
    ActivityFactory(village=sikalang)
    assert list(selectors.activity_list(user=official)) == [ours]


def test_another_village_s_id_gives_nothing_not_that_village(official, batang_barus, sikalang):
    ActivityFactory(village=batang_barus)
    ActivityFactory(village=sikalang)
    assert list(selectors.activity_list(user=official, village_id=sikalang.pk)) == []


def test_filters_by_village_and_kind(staff_user, batang_barus, sikalang):
    visit = ActivityFactory(village=batang_barus, kind=Activity.Kind.DOOR_TO_DOOR)
    ActivityFactory(village=batang_barus)
    ActivityFactory(village=sikalang, kind=Activity.Kind.DOOR_TO_DOOR)
    assert list(selectors.activity_list(user=staff_user, village_id=batang_barus.pk, kind=visit.kind)) == [visit]
    assert selectors.activity_list(user=staff_user, kind=visit.kind).count() == 2


def test_the_village_filter_is_offered_only_to_users_of_several_villages(official, staff_user, batang_barus, sikalang):
    assert selectors.activity_filter_villages(user=official) is None
    two = UserFactory(username="operator.dua", role=ROLE_OFFICIAL, villages=[batang_barus, sikalang])
    assert set(selectors.activity_filter_villages(user=two)) == {batang_barus, sikalang}
    assert selectors.activity_filter_villages(user=staff_user).count() == 277


def test_an_activity_s_history_names_who_changed_what(batang_barus, staff_user):
    activity = ActivityFactory(village=batang_barus, attendees=40)
    activity.attendees = 55
    activity._history_user = staff_user
    activity.save()
    newest = selectors.activity_history(activity=activity)[0]
    assert newest.subject == "Kegiatan"
    assert [(change.before, change.after) for change in newest.changes] == [("40", "55")]
