"""Hardening: production settings, cookies, HSTS, CSP, login throttling and session expiry."""

from __future__ import annotations

import datetime
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

PROJECT = Path(__file__).resolve().parents[1]
PASSWORD = "rahasia-123"

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "desa-sadar.example.org",
    "SECURE_SSL_REDIRECT": "true",
    "DATABASE_URL": "sqlite:///:memory:",
    "LOG_LEVEL": "ERROR",
}

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_EXPIRE_AT_BROWSER_CLOSE",
         "SESSION_SAVE_EVERY_REQUEST", "SESSION_COOKIE_AGE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "DEBUG",
         "AXES_FAILURE_LIMIT"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""


def run_with(environment: dict[str, str], *arguments: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *arguments],
        cwd=PROJECT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "desa_sadar.settings", **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_production_settings():
    result = run_with(PRODUCTION_ENV, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_strict():
    result = run_with(PRODUCTION_ENV, "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_EXPIRE_AT_BROWSER_CLOSE"] and values["SESSION_SAVE_EVERY_REQUEST"]
    assert values["SESSION_COOKIE_AGE"] <= 8 * 60 * 60
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 60 * 60
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["AXES_FAILURE_LIMIT"] == 5


def test_production_refuses_to_start_without_a_secret_key():
    environment = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_with(environment, "manage.py", "check")
    assert result.returncode != 0
    assert "SECRET_KEY wajib diisi" in result.stderr


@pytest.fixture
def https_settings(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    return settings


def test_cookies_are_secure_httponly_and_end_with_the_browser(client, staff_user, https_settings):
    response = client.post(reverse("login"), {"username": staff_user.username, "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] == "Lax"
    assert not session["expires"] and not session["max-age"], "the session cookie must end when the browser closes"
    assert response.cookies["csrftoken"]["secure"]


def test_hsts_is_sent_over_https_only(client, db, https_settings):
    over_https = client.get(reverse("login"), secure=True)
    assert over_https["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get(reverse("login"))


def test_https_redirect_when_configured(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_pages_carry_a_strict_content_security_policy(client, db):
    response = client.get(reverse("login"))
    policy = dict(
        directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";") if directive
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_five_failed_logins_lock_the_account(client, staff_user):
    for attempt in range(4):
        response = client.post(reverse("login"), {"username": staff_user.username, "password": f"salah-{attempt}"})
        assert response.status_code == 200, f"attempt {attempt + 1} should only be refused"
    response = client.post(reverse("login"), {"username": staff_user.username, "password": "salah-5"})
    assert response.status_code == 429, "the fifth failure locks the account"
    # Locked: even the right password is refused now, with the Indonesian lockout page.
    response = client.post(reverse("login"), {"username": staff_user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "Akun dikunci sementara" in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_user_leaves_another_alone(client, staff_user, head_user):
    for attempt in range(5):
        client.post(reverse("login"), {"username": staff_user.username, "password": f"salah-{attempt}"})
    response = client.post(reverse("login"), {"username": head_user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(head_user.pk)


def test_lockout_ends_after_the_cool_off(client, staff_user, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for attempt in range(5):
            client.post(reverse("login"), {"username": staff_user.username, "password": f"salah-{attempt}"})
        assert client.post(reverse("login"), {"username": staff_user.username, "password": PASSWORD}).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        response = client.post(reverse("login"), {"username": staff_user.username, "password": PASSWORD})
        assert response.status_code == 302


def test_session_ends_after_two_idle_hours_but_activity_keeps_it(client, db):
    user = UserFactory(username="operator.idle")
    page = reverse("password_change")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        assert client.get(page).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=110), tick=False):
        assert client.get(page).status_code == 200, "activity within two hours keeps the session"
    with time_machine.travel(start + datetime.timedelta(minutes=220), tick=False):
        assert client.get(page).status_code == 200, "two hours counted from the last request, not the login"
    with time_machine.travel(start + datetime.timedelta(minutes=341), tick=False):
        response = client.get(page)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]


def test_no_page_applies_an_inline_style_or_script_the_admin_and_its_history_included(client, superuser):
    """One policy everywhere: the admin once needed an allowance for simple_history's `style="border-top: 0"`,
    which the project's own history template (templates/simple_history/) no longer carries."""
    from django.contrib import admin

    from tests.factories import ActionItemFactory, ParticipantFactory

    participant = ParticipantFactory()
    participant.name = "Diubah"
    participant.save()
    item = ActionItemFactory()
    record = participant.history.earliest()
    urls = [
        reverse("admin:index"),
        reverse("password_change"),
        reverse("admin:participants_participant_history", args=[participant.pk]),
        reverse("admin:participants_participant_simple_history", args=[participant.pk, record.history_id]),
        reverse("admin:participants_participant_change", args=[participant.pk]),
        reverse("admin:evaluations_actionitem_history", args=[item.pk]),
    ]
    urls += [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]
    client.force_login(superuser)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
        assert (policy["style-src"], policy["script-src"]) == ("'self'", "'self'"), url
        html = response.content.decode()
        assert 'style="' not in html and "<style" not in html, f"{url} carries an inline style the policy blocks"
        assert "<script>" not in html, f"{url} carries an inline script the policy blocks"


def test_search_engines_are_kept_out_and_the_favicon_is_served(client, db):
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert b"Disallow: /" in b"".join(robots.streaming_content)
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 200
    assert favicon["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("daftar.xlsx", b"PK" + b"\0" * (1024 * 1024 + 10), "Berkas terlalu besar: paling besar 1 MB"),
        ("daftar.exe", b"MZ\x90\x00 a program", "Hanya berkas Excel (.xlsx) atau CSV (.csv)"),
        ("daftar.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "Hanya berkas Excel (.xlsx) atau CSV (.csv)"),
        ("daftar.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel renamed", "Ini berkas Excel lama (.xls)"),
        ("daftar.xlsx", b"\xff\xd8\xff\xe0 a photo renamed", "bukan spreadsheet Excel (.xlsx)"),
    ],
)
def test_import_page_refuses_uploads_too_large_or_of_another_type(client, official, settings, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from participants.models import ImportBatch

    settings.MAX_UPLOAD_MB = 1
    client.force_login(official)
    response = client.post(reverse("participants:import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.text
    assert not ImportBatch.objects.exists()
