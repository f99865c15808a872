"""Backup and restore (scripts/backup.sh, scripts/restore.sh): the restored database gives the same
dashboard figures as the one backed up.

Each test builds its own small demo branch in a scratch database through the real commands
(migrate, seed_demo) in subprocesses, independent of the suite's own test database.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SCRIPTS = str(PROJECT / "scripts")
SERVER = os.environ.get("BACKUP_TEST_SERVER", "postgres://postgres@127.0.0.1:5432")
TODAY = datetime.date.today().isoformat()

pytestmark = pytest.mark.slow

# The figures of the branch dashboard, per regency and for the whole branch, plus the row counts.
FIGURES = """
import datetime, json, sys
import django
django.setup()
from django.apps import apps
from indicators import Period, indicators_compute
from villages.models import Regency, Village

period = Period.last_full_months(12, today=datetime.date.fromisoformat(sys.argv[1]))
scopes = {"cabang": Village.objects.all()}
scopes.update({r.code: Village.objects.filter(district__regency=r) for r in Regency.objects.order_by("code")})
figures = {}
for scope, villages in scopes.items():
    results = indicators_compute(villages=villages, period=period)
    figures[scope] = {key: [str(r.value), r.numerator, r.denominator] for key, r in results.items()}
counts = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
print(json.dumps({"figures": figures, "counts": counts}))
"""


def run(command: list[str], database_url: str, **extra) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "desa_sadar.settings",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    result = subprocess.run(  # noqa: S603 - our own scripts and interpreter
        command, cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def build_demo_branch(database_url: str) -> None:
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], database_url)
    run([sys.executable, "manage.py", "seed_demo", "--scale", "0.02"], database_url)


def dashboard_figures(database_url: str) -> dict:
    result = run([sys.executable, "-c", FIGURES, TODAY], database_url)
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_same_and_meaningful(before: dict, after: dict) -> None:
    assert before["counts"]["participants.Participant"] > 50
    assert before["counts"]["participants.Contribution"] > 500
    assert int(before["figures"]["cabang"]["active_participants"][0]) > 0
    assert after["counts"] == before["counts"]
    assert after["figures"] == before["figures"]


def _psql(sql: str) -> None:
    subprocess.run(  # noqa: S603
        ["psql", f"--dbname={SERVER}/postgres", "--quiet", "--command", sql],  # noqa: S607
        check=True,
        capture_output=True,
    )


@pytest.fixture
def scratch_databases():
    """Two PostgreSQL database names of this run; dropped afterwards."""
    names = [f"desa_sadar_prod_backup_{os.getpid()}_{suffix}" for suffix in ("source", "restored")]
    for name in names:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(f'CREATE DATABASE "{names[0]}"')
    yield [f"{SERVER}/{name}" for name in names]
    for name in names:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed: PostgreSQL backup not tested")
def test_postgresql_backup_restores_into_a_new_database_with_the_same_figures(scratch_databases, tmp_path):
    source, restored = scratch_databases
    build_demo_branch(source)
    before = dashboard_figures(source)

    backup = tmp_path / "desa_sadar.dump"
    printed = run([SCRIPTS + "/backup.sh", str(backup)], source).stdout.strip().splitlines()[-1]
    assert printed == str(backup)
    assert backup.stat().st_size > 10_000

    # The restored database does not exist yet: restore.sh creates it.
    run([SCRIPTS + "/restore.sh", str(backup), "--yes"], restored)
    assert_same_and_meaningful(before, dashboard_figures(restored))

    # Restoring again over a database with data replaces it rather than adding to it.
    run([SCRIPTS + "/restore.sh", str(backup), "--yes"], restored)
    assert dashboard_figures(restored) == before


def test_sqlite_backup_restores_with_the_same_figures_and_uploads(tmp_path):
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    restored = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    build_demo_branch(source)
    before = dashboard_figures(source)
    media = tmp_path / "media"
    (media / "imports" / "2026" / "11").mkdir(parents=True)
    upload = media / "imports" / "2026" / "11" / "daftar.xlsx"
    upload.write_bytes(b"spreadsheet bytes")

    backup = tmp_path / "backups" / "desa_sadar.sqlite3"
    run([SCRIPTS + "/backup.sh", str(backup)], source, MEDIA_DIR=str(media))
    assert Path(f"{backup}.media.tar.gz").is_file()
    shutil.rmtree(media)  # the disk with the uploads is lost too

    run([SCRIPTS + "/restore.sh", str(backup), "--yes"], restored, MEDIA_DIR=str(media))
    assert_same_and_meaningful(before, dashboard_figures(restored))
    assert upload.read_bytes() == b"spreadsheet bytes"


def test_restore_refuses_without_confirmation(tmp_path):
    backup = tmp_path / "desa_sadar.sqlite3"
    backup.write_bytes(b"")
    target = tmp_path / "target.sqlite3"
    result = subprocess.run(  # noqa: S603
        [str(PROJECT / "scripts" / "restore.sh"), str(backup)],
        cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{target}"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert not target.exists()
