#!/usr/bin/env bash
# Load test: gunicorn + PostgreSQL on this machine, locust headless, then a check that no write was lost.
#
#   loadtest/run.sh [USERS] [DURATION]      # defaults: 50 users for 3m
#
# 1. (re)creates the PostgreSQL database desa_sadar_load, migrates it and loads the demo branch
#    (seed_demo: ~8,000 participants, ~190,000 contributions), plus 50 operator accounts (one
#    village each) and 20 branch accounts;
# 2. serves it with gunicorn (gunicorn.conf.py, production settings, DEBUG off) on 127.0.0.1:8001;
# 3. runs locust headless (loadtest/locustfile.py): USERS users for DURATION;
# 4. checks that every registration and contribution locust saw accepted is in the database;
# 5. prints throughput, p50/p95 latency and errors, overall and per page (Markdown), and keeps
#    locust's CSV files and gunicorn's log in $LOADTEST_OUT (default: a fresh directory in /tmp).
# Only 127.0.0.1 is contacted. Set LOADTEST_KEEP_DB=1 to reuse an already seeded database;
# LOADTEST_DATABASE and LOADTEST_PORT choose another database and port (two runs on one machine).
#
# At scale: LOADTEST_TEMPLATE=bench200k copies that database (made by generate_benchmark_data, e.g. with
# --largest-village 23000) instead of seeding the demo, and LOADTEST_LARGEST_SHARE=0.2 puts 20 % of the
# operators in its largest village:
#   LOADTEST_TEMPLATE=bench200k LOADTEST_LARGEST_SHARE=0.2 loadtest/run.sh 50 3m
set -euo pipefail
cd "$(dirname "$0")/.."

users="${1:-50}"
duration="${2:-3m}"
server="${LOADTEST_SERVER:-postgres://postgres@127.0.0.1:5432}"
database="${LOADTEST_DATABASE:-desa_sadar_load}"
port="${LOADTEST_PORT:-8001}"
out="${LOADTEST_OUT:-$(mktemp -d /tmp/desa-sadar-load.XXXXXX)}"
mkdir -p "$out"
bin=.venv/bin

export DATABASE_URL="$server/$database"
export DEBUG=false
export SECRET_KEY="${SECRET_KEY:-$($bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')}"
export ALLOWED_HOSTS=127.0.0.1
# Plain HTTP on the loopback: no TLS here, so no secure-only cookies or HSTS.
export SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
export LOG_LEVEL=WARNING

echo "== database $database"
if [ "${LOADTEST_KEEP_DB:-0}" != "1" ]; then
  psql --dbname="$server/postgres" --quiet --command="DROP DATABASE IF EXISTS $database WITH (FORCE)"
  if [ -n "${LOADTEST_TEMPLATE:-}" ]; then
    # A copy of a benchmark database (generate_benchmark_data --largest-village …), left untouched itself.
    psql --dbname="$server/postgres" --quiet --command="CREATE DATABASE $database TEMPLATE $LOADTEST_TEMPLATE"
    $bin/python manage.py migrate --no-input -v0
  else
    psql --dbname="$server/postgres" --quiet --command="CREATE DATABASE $database"
    $bin/python manage.py migrate --no-input -v0
    $bin/python manage.py seed_demo --force | tail -n 3
  fi
fi
$bin/python loadtest/accounts.py prepare "$out/accounts.json"
# LOADTEST_KEEP_STATIC=1 keeps the static files already collected (collecting compresses them all again).
[ "${LOADTEST_KEEP_STATIC:-0}" = "1" ] || $bin/python manage.py collectstatic --no-input -v0

echo "== gunicorn on 127.0.0.1:$port"
if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
  echo "127.0.0.1:$port already answers (another server): choose LOADTEST_PORT" >&2
  exit 2
fi
LOG_LEVEL=INFO $bin/gunicorn -c gunicorn.conf.py --bind "127.0.0.1:$port" >"$out/gunicorn.log" 2>&1 &
gunicorn_pid=$!
trap 'kill "$gunicorn_pid" 2>/dev/null || true; wait "$gunicorn_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/healthz"
echo

echo "== locust: $users users for $duration"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
LOADTEST_ACCOUNTS="$out/accounts.json" LOADTEST_RESULTS="$out/accepted.json" \
  $bin/locust -f loadtest/locustfile.py --headless --host "http://127.0.0.1:$port" \
  --users "$users" --spawn-rate 10 --run-time "$duration" --stop-timeout 30 \
  --csv "$out/locust" --only-summary --loglevel WARNING >"$out/locust.log" 2>&1 || true
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

echo "== writes"
$bin/python loadtest/accounts.py verify "$out/accepted.json" | tee "$out/verify.txt"
written_ok=${PIPESTATUS[0]}

workers="$(grep -c 'Booting worker' "$out/gunicorn.log" || true)"
echo "== results: $users users for $duration; $(nproc) CPUs; $workers gunicorn workers; locust on the same machine"
echo "load average (1, 5, 15 min) before the run: $load_before; after: $load_after"
$bin/python loadtest/report.py "$out/locust_stats.csv"
echo "files: $out"
exit "$written_ok"
