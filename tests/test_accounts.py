"""Accounts: login, logout, password change, and the lock after repeated failed logins (django-axes)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from villages.access import ROLE_ADMIN, ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF


@pytest.mark.django_db
def test_the_four_roles_exist_as_groups():
    assert set(Group.objects.values_list("name", flat=True)) >= {ROLE_ADMIN, ROLE_STAFF, ROLE_HEAD, ROLE_OFFICIAL}


def test_login_and_logout(client, official):
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "Masuk" in page.text
    response = client.post(reverse("login"), {"username": "operator.bb", "password": "rahasia-123"})
    assert response.status_code == 302
    assert client.get(reverse("participants:list")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("participants:list")).status_code == 302


def test_wrong_password_is_refused_in_indonesian(client, official):
    response = client.post(reverse("login"), {"username": "operator.bb", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau sandi salah. Huruf besar dan kecil dibedakan." in response.text
    # Django's own Indonesian message named the field twice ("nama pengguna nama pengguna").
    assert "nama pengguna nama pengguna" not in response.text.lower()
    assert "_auth_user_id" not in client.session


def test_empty_login_asks_for_both_fields(client, db):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    assert "Isi nama pengguna dan sandi." in response.text
    assert "salah" not in response.text


def test_repeated_failures_lock_the_account(client, official, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "operator.bb", "password": "salah"})
    locked = client.post(reverse("login"), {"username": "operator.bb", "password": "rahasia-123"})
    assert locked.status_code == 429
    assert "dikunci sementara" in locked.text
    assert "_auth_user_id" not in client.session


def test_password_change(client, official):
    client.force_login(official)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": "rahasia-123", "new_password1": "Sawah-Ladang-2025", "new_password2": "Sawah-Ladang-2025"},
    )
    assert response.status_code == 302
    official.refresh_from_db()
    assert official.check_password("Sawah-Ladang-2025")


def test_password_change_requires_login(client, db):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_username_longer_than_any_is_a_form_error_and_logs_nothing(client, db):
    """Found by the POST bad-input suite: 5000 characters reached django-axes' log (255): a 500 on PostgreSQL."""
    from axes.models import AccessAttempt, AccessFailureLog

    response = client.post(reverse("login"), {"username": "x" * 5000, "password": "salah"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists() and not AccessFailureLog.objects.exists()
