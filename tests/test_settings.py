"""Settings read typed values from the environment and refuse to start unsafely."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DEBUG, settings.MAX_UPLOAD_MB, settings.SESSION_COOKIE_SECURE, settings.LANGUAGE_CODE)"
)


def run_python(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    """Our interpreter in a fresh process that sees only these variables: ENV_FILE="" keeps a developer's
    own .env (which `make run` writes with DEBUG=true) out, unless a test names a file."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "desa_sadar.settings",
        "ENV_FILE": "",
        "LOG_LEVEL": "WARNING",
        **environment,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *arguments], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def run_settings(**environment: str) -> subprocess.CompletedProcess:
    """Import the settings and print a few of them."""
    return run_python("-c", PRINT_SETTINGS, **environment)


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
    result = run_settings(DEBUG="true", MAX_UPLOAD_MB="4")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "4"]


def test_a_bad_typed_value_fails_loudly():
    result = run_settings(DEBUG="true", MAX_UPLOAD_MB="tiga")
    assert result.returncode != 0
    assert "ValueError" in result.stderr


# --- one clear line instead of a traceback ------------------------------------------------------------------


def assert_one_line(result: subprocess.CompletedProcess, text: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Konfigurasi tidak lengkap: ") and text in lines[0], result.stderr


@pytest.mark.parametrize(
    "arguments",
    [("manage.py", "shell", "-c", "print('dijalankan')"), ("manage.py", "check"), ("-c", "import desa_sadar.wsgi")],
    ids=["shell", "check", "wsgi"],
)
def test_production_without_a_secret_key_says_so_in_one_line(arguments):
    result = run_python(*arguments)
    assert_one_line(result, "SECRET_KEY wajib diisi")
    assert "dijalankan" not in result.stdout


def test_an_env_file_that_does_not_exist_is_named(tmp_path):
    assert_one_line(run_python("manage.py", "check", ENV_FILE=str(tmp_path / "tidak-ada.env")), "tidak-ada.env")


# --- make run's development .env ---------------------------------------------------------------------------


def make_env(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - make with our own Makefile
        [shutil.which("make"), "-s", "-f", str(BASE_DIR / "Makefile"), "-C", str(folder), ".env"],
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_writes_a_development_env_that_manage_py_reads(tmp_path):
    assert make_env(tmp_path).returncode == 0
    written = tmp_path / ".env"
    values = dict(line.split("=", 1) for line in written.read_text().splitlines() if not line.startswith("#"))
    assert values["DEBUG"] == "true" and len(values["SECRET_KEY"]) >= 50
    assert written.stat().st_mode & 0o077 == 0, "the key is readable by its owner only"
    # A newcomer's own command, with nothing set in the environment.
    script = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"
    result = run_python("manage.py", "shell", "-c", script, ENV_FILE=str(written))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == f"True {values['SECRET_KEY']}"


def test_make_never_overwrites_an_existing_env(tmp_path):
    existing = tmp_path / ".env"
    existing.write_text("DEBUG=false\nSECRET_KEY=punya-saya\n")
    assert make_env(tmp_path).returncode == 0
    assert existing.read_text() == "DEBUG=false\nSECRET_KEY=punya-saya\n"


def test_env_is_not_committed():
    assert ".env" in (BASE_DIR / ".gitignore").read_text().splitlines()


# --- the documented production values -----------------------------------------------------------------------


def test_env_example_passes_the_deploy_check(tmp_path):
    """.env.example as shipped, with only the SECRET_KEY it asks for filled in."""
    example = (BASE_DIR / ".env.example").read_text()
    assert "\nDEBUG=false\n" in example and "\nSECRET_KEY=\n" in example
    production = tmp_path / "production.env"
    production.write_text(example.replace("\nSECRET_KEY=\n", f"\nSECRET_KEY={secrets.token_urlsafe(50)}\n"))
    result = run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", ENV_FILE=str(production))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def database_options(database_url: str) -> dict:
    """The connection OPTIONS the settings make of `database_url`, read in a fresh process."""
    result = run_python(
        "-c",
        "import django, json; from django.conf import settings; django.setup(); "
        "print(json.dumps(settings.DATABASES['default']['OPTIONS']))",
        DEBUG="true",
        DATABASE_URL=database_url,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.split("\n")[0])


def test_postgresql_connections_run_without_jit_and_keep_the_url_s_options():
    options = database_options("postgres://postgres@127.0.0.1:5432/x?options=-c%20statement_timeout%3D5000")
    assert options["options"] == "-c statement_timeout=5000 -c jit=off"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no JIT")
def test_the_connection_has_jit_off_on_postgresql():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_sqlite_transactions_take_the_write_lock_when_they_begin():
    """A worker beside the web process on one SQLite file: deferred transactions that read then write failed
    with "database is locked" (seen in the worker tests); immediate ones wait their turn."""
    options = database_options("sqlite:////tmp/x.sqlite3")
    assert (options["transaction_mode"], options["timeout"]) == ("IMMEDIATE", 20)
