"""villages/access.py: which roles are branch-wide, and the one "in scope or 404" fetch."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from participants.models import Participant
from tests.factories import ParticipantFactory, UserFactory
from villages.access import get_for_user_or_404, is_branch_user, is_village_official
from villages.models import Village

pytestmark = pytest.mark.django_db


def test_a_user_with_no_group_is_not_branch_even_with_an_assignment(batang_barus):
    user = UserFactory(username="tanpa.peran", villages=[batang_barus])
    assert not is_branch_user(user)
    assert not is_village_official(user)


def test_role_tests(staff_user, head_user, superuser, official):
    assert is_branch_user(staff_user) and is_branch_user(head_user) and is_branch_user(superuser)
    assert is_village_official(official) and not is_branch_user(official)
    assert not is_branch_user(AnonymousUser()) and not is_village_official(AnonymousUser())


def test_an_inactive_branch_user_is_not_branch_wide(staff_user):
    staff_user.is_active = False
    assert not is_branch_user(staff_user)


def test_in_scope_object_is_returned_with_its_relations(official, batang_barus, django_assert_num_queries):
    participant = ParticipantFactory(village=batang_barus)
    # The user's roles once (then cached on the user), and the object with its relations in one query.
    with django_assert_num_queries(2):
        found = get_for_user_or_404(Participant, official, pk=participant.pk, related=("village__district",))
        assert found.village.district.code == "13.02.07"
    with django_assert_num_queries(1):
        get_for_user_or_404(Participant, official, pk=participant.pk, related=("village__district",))
    assert found == participant


def test_out_of_scope_answers_like_not_found(official, sikalang):
    theirs = ParticipantFactory(village=sikalang)
    missing_pk = Participant.objects.order_by("-pk").values_list("pk", flat=True).first() + 1
    with pytest.raises(Http404) as not_yours:
        get_for_user_or_404(Participant, official, pk=theirs.pk)
    with pytest.raises(Http404) as not_found:
        get_for_user_or_404(Participant, official, pk=missing_pk)
    assert str(not_yours.value) == str(not_found.value) == "Peserta tidak ditemukan."


@pytest.mark.parametrize("user", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_fails_closed_without_a_user(user, batang_barus):
    with pytest.raises(Http404):
        get_for_user_or_404(Village, user, code=batang_barus.code)


def test_branch_user_reaches_any_village_by_code(staff_user, sikalang):
    assert get_for_user_or_404(Village, staff_user, code="13.73.04.2010") == sikalang


def test_an_id_beyond_the_columns_range_is_not_found(staff_user):
    with pytest.raises(Http404):
        get_for_user_or_404(Participant, staff_user, pk=10**40)
