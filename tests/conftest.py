"""Shared fixtures: fast hashing, plain static files, and one user per role."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from tests.factories import BATANG_BARUS, SIKALANG, UserFactory, village
from villages.access import ROLE_HEAD, ROLE_OFFICIAL, ROLE_STAFF


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    # No month's catch-up in a request (it would add queries to the first one): tests/core/test_monthly.py's own.
    settings.JOB_MONTHLY_ON_REQUEST = False


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    """API throttle counts live in the cache: every test (the API's, the bad-input suites') starts with none
    and a budget no test reaches by accident; a throttling test sets its own rate."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "10000/minute"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _jobs_inline(request, settings):
    """Background jobs run inline (no broker) except in the tests marked `worker`, whatever .env says."""
    if request.node.get_closest_marker("worker") is None:
        settings.CELERY_BROKER_URL = ""


@pytest.fixture
def job_worker(transactional_db, settings):
    """A real Celery worker behind CELERY_BROKER_URL, serving this test database (.ci/run starts one; see the
    README, "Background jobs"). Without one the test is skipped, unless REQUIRE_WORKER=1 (CI): then it fails."""
    from desa_sadar.celery import app

    reason = None
    if not settings.CELERY_BROKER_URL:
        reason = "CELERY_BROKER_URL is not set"
    else:
        try:
            if not app.control.ping(timeout=2.0):
                reason = f"no Celery worker answers on {settings.CELERY_BROKER_URL}"
        except Exception as error:  # the broker itself is unreachable
            reason = f"the broker {settings.CELERY_BROKER_URL} is unreachable: {error}"
    if reason:
        if os.environ.get("REQUIRE_WORKER") == "1":
            pytest.fail(f"REQUIRE_WORKER=1 but the worker tests cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    return app


@pytest.fixture
def batang_barus(db):
    return village(BATANG_BARUS)


@pytest.fixture
def sikalang(db):
    return village(SIKALANG)


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staf.test", role=ROLE_STAFF)


@pytest.fixture
def head_user(db):
    return UserFactory(username="kepala.test", role=ROLE_HEAD)


@pytest.fixture
def official(batang_barus):
    """An operator of Nagari Batang Barus only."""
    return UserFactory(username="operator.bb", role=ROLE_OFFICIAL, villages=[batang_barus])


@pytest.fixture
def other_official(sikalang):
    """An operator of Desa Sikalang only: the outsider for Batang Barus data."""
    return UserFactory(username="operator.sk", role=ROLE_OFFICIAL, villages=[sikalang])


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin.test", is_superuser=True, is_staff=True)
