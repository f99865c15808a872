"""`/healthz`: 200 while the database answers, 503 when it does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

PROJECT = Path(__file__).resolve().parents[1]

# Runs in a fresh interpreter whose settings point at a database that cannot be reached.
PROBE = """
import django
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/healthz")
print(response.status_code, response.content.decode())
"""


@pytest.mark.django_db
def test_healthz_answers_ok_without_login(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_not_redirected_to_https(client, settings):
    # The probe comes over plain HTTP from the proxy in front of gunicorn.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("login")).status_code == 301


@pytest.mark.django_db
def test_healthz_refuses_writes(client):
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://postgres@127.0.0.1:1/desa_sadar_nowhere",  # nothing listens on port 1
        "sqlite:////nonexistent-directory/db.sqlite3",
    ],
)
def test_healthz_answers_503_when_the_database_is_unreachable(database_url):
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "desa_sadar.settings",
        "LOG_LEVEL": "ERROR",
    }
    probe = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PROBE], cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert probe.returncode == 0, probe.stderr
    status, body = probe.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "error", "database": "unreachable"}
    # The failure is logged as one JSON line on standard error.
    logged = [json.loads(line) for line in probe.stderr.splitlines() if line.startswith("{")]
    assert any(entry["message"].startswith("health check failed") and entry["levelname"] == "ERROR" for entry in logged)
