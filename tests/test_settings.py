"""Settings read typed values from the environment and refuse to start unsafely."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DEBUG, settings.ARREARS_GRACE_MONTHS, settings.SESSION_COOKIE_SECURE, settings.LANGUAGE_CODE)"
)


def run_settings(**environment: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter that sees only these variables (and .env, if present)."""
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "desa_sadar.settings", **environment}
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", PRINT_SETTINGS], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = run_settings(DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY wajib diisi" in result.stderr


def test_debug_is_off_by_default():
    result = run_settings(SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    debug, _grace, cookie_secure, language = result.stdout.split()
    assert debug == "False"
    assert cookie_secure == "True"
    assert language == "id"


def test_the_string_false_is_false():
    result = run_settings(DEBUG="False", SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_debug_on_runs_without_a_secret_key_and_reads_typed_values():
    result = run_settings(DEBUG="true", ARREARS_GRACE_MONTHS="4")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "4"]


def test_a_bad_typed_value_fails_loudly():
    result = run_settings(DEBUG="true", ARREARS_GRACE_MONTHS="tiga")
    assert result.returncode != 0
    assert "ValueError" in result.stderr
