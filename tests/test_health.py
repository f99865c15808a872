"""`/healthz`: 200 while the database answers, 503 when it does not."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_healthz_with_json_access_logs_without_query_strings(tmp_path):
    port = _free_port()
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "gunicorn-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "GUNICORN_WORKERS": "1",
        "LOG_LEVEL": "INFO",
    }
    server = subprocess.Popen(  # noqa: S603 - gunicorn from our own virtualenv
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/healthz?nik=1302071403850001"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    status, body = response.status, json.loads(response.read())
                break
            except (ConnectionError, urllib.error.URLError):
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not answer on /healthz")
    finally:
        server.terminate()
        stdout, stderr = server.communicate(timeout=30)
    assert status == 200
    assert body == {"status": "ok", "database": "ok"}
    access = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert any("GET /healthz 200" in entry["message"] for entry in access), stdout
    assert "1302071403850001" not in stdout + stderr, "query strings (a NIK in a search) must never be logged"
    assert all("timestamp" in json.loads(line) for line in stderr.splitlines() if line.startswith("{"))
