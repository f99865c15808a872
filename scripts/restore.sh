#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into the database of DATABASE_URL.
#
#   scripts/restore.sh BACKUP_FILE [--yes]
#
# The target is DATABASE_URL from the environment, else from .env, else the SQLite default.
# Its current contents are REPLACED: without --yes the script asks to type the database's name.
# A PostgreSQL target that does not exist yet is created; the restore runs in one transaction,
# so a failed restore leaves the target as it was. Uploaded files (<BACKUP_FILE>.media.tar.gz)
# are put back into media/ (MEDIA_DIR) when present. Afterwards run `manage.py migrate` if the backup is older
# than the code. See docs/operations.md.
set -euo pipefail

backup="${1:-}"
confirmed="${2:-}"
if [ -z "$backup" ] || [ ! -f "$backup" ]; then
  echo "usage: scripts/restore.sh BACKUP_FILE [--yes]   (no file: ${backup:-none given})" >&2
  exit 2
fi
backup="$(cd "$(dirname "$backup")" && pwd)/$(basename "$backup")"
cd "$(dirname "$0")/.."

python=python3
[ -x .venv/bin/python ] && python=.venv/bin/python

url="${DATABASE_URL:-}"
if [ -z "$url" ] && [ -f .env ]; then
  url="$(sed -n 's/^DATABASE_URL=//p' .env | tail -n 1)"
fi
url="${url:-sqlite:///$PWD/db.sqlite3}"

confirm() {
  local name="$1"
  [ "$confirmed" = "--yes" ] && return 0
  if [ ! -t 0 ]; then
    echo "restore: would replace the contents of '$name'; add --yes to confirm" >&2
    exit 2
  fi
  read -r -p "This replaces everything in '$name'. Type its name to continue: " answer
  [ "$answer" = "$name" ] || { echo "restore: cancelled" >&2; exit 2; }
}

case "$url" in
  postgres://* | postgresql://* | pgsql://* | psql://*)
    url="postgresql://${url#*://}"
    name="${url##*/}"
    name="${name%%\?*}"
    target="$name"
    confirm "$name"
    maintenance="${url%/*}/postgres"
    exists="$(psql --dbname="$maintenance" --tuples-only --no-align \
      --command="SELECT 1 FROM pg_database WHERE datname = '$name'")"
    if [ "$exists" != "1" ]; then
      psql --dbname="$maintenance" --quiet --command="CREATE DATABASE \"$name\""
    fi
    pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
      --dbname="$url" "$backup"
    ;;
  sqlite://*)
    database="${url#sqlite:///}"
    target="$database"
    confirm "$database"
    "$python" - "$backup" "$database" <<'PY'
import sqlite3
import sys

source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
try:
    source.execute("SELECT count(*) FROM sqlite_master").fetchone()
except sqlite3.DatabaseError as error:
    sys.exit(f"restore: {sys.argv[1]} is not a SQLite backup ({error})")
target = sqlite3.connect(sys.argv[2])
source.backup(target)
target.close()
source.close()
PY
    ;;
  *)
    echo "restore: unsupported DATABASE_URL scheme: ${url%%://*}" >&2
    exit 1
    ;;
esac

media="${MEDIA_DIR:-media}"
if [ -f "$backup.media.tar.gz" ]; then
  # Unpacked beside the old files first, then swapped in.
  rm -rf "$media.restoring"
  mkdir -p "$media.restoring"
  tar -xzf "$backup.media.tar.gz" -C "$media.restoring"
  rm -rf "$media"
  mv "$media.restoring" "$media"
fi

echo "restored $backup into $target"
