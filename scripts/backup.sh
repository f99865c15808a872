#!/usr/bin/env bash
# Back up Desa Sadar Jamsostek: the database and the uploaded files (media/).
#
#   scripts/backup.sh [BACKUP_FILE]
#
# The database is DATABASE_URL from the environment, else from .env, else the SQLite default
# (db.sqlite3). PostgreSQL is dumped with pg_dump in its custom format (restore with pg_restore);
# SQLite is copied with SQLite's online backup API, safe while the application runs. Without
# BACKUP_FILE the backup goes to backups/desa_sadar-<UTC time>.dump (or .sqlite3). Uploaded
# spreadsheets in media/ (MEDIA_DIR) go next to it as <BACKUP_FILE>.media.tar.gz. With BACKUP_KEEP_DAYS set,
# backups in backups/ older than that many days are deleted afterwards. The last line printed is
# the backup's path. See docs/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."

python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python

url="${DATABASE_URL:-}"
if [ -z "$url" ] && [ -f .env ]; then
  url="$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)"
fi
url="${url:-sqlite:///$PWD/db.sqlite3}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"

case "$url" in
  postgres://* | postgresql://* | pgsql://* | psql://*)
    url="postgresql://${url#*://}"
    out="${1:-backups/desa_sadar-$stamp.dump}"
    mkdir -p "$(dirname "$out")"
    # Written under a temporary name first: a failed dump never looks like a finished backup.
    pg_dump --format=custom --no-owner --no-privileges --file="$out.partial" --dbname="$url"
    pg_restore --list "$out.partial" >/dev/null # the archive reads back
    mv "$out.partial" "$out"
    ;;
  sqlite://*)
    database="${url#sqlite:///}"
    [ -f "$database" ] || { echo "backup: no SQLite database at $database" >&2; exit 1; }
    out="${1:-backups/desa_sadar-$stamp.sqlite3}"
    mkdir -p "$(dirname "$out")"
    "$python" - "$database" "$out.partial" <<'PY'
import sqlite3
import sys

source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
target = sqlite3.connect(sys.argv[2])
source.backup(target)
# The copy reads back with the same tables. (PRAGMA integrity_check cannot run outside Django:
# the CHECK constraints call functions that only Django registers.)
tables = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
if target.execute(tables).fetchone() != source.execute(tables).fetchone():
    sys.exit("backup: the copy does not hold the same tables")
target.close()
source.close()
PY
    mv "$out.partial" "$out"
    ;;
  *)
    echo "backup: unsupported DATABASE_URL scheme: ${url%%://*}" >&2
    exit 1
    ;;
esac

media="${MEDIA_DIR:-media}"
if [ -d "$media" ] && [ -n "$(ls -A "$media")" ]; then
  tar -czf "$out.media.tar.gz" -C "$media" .
fi

if [ -n "${BACKUP_KEEP_DAYS:-}" ] && [ -d backups ]; then
  find backups -maxdepth 1 -name 'desa_sadar-*' -mtime "+$BACKUP_KEEP_DAYS" -delete
fi

echo "$out"
