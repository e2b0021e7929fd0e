#!/usr/bin/env bash
# Serve the app with gunicorn plus a Celery worker (queues ocr and default) and beat; Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_THREAD_LIMIT=1
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
.venv/bin/celery -A auslaenderakte worker -Q ocr,default -n ocr@%h -c "${CELERY_CONCURRENCY:-2}" --loglevel=INFO & pids+=($!)
# Legacy-file OCR has its own worker so incoming mail on `ocr` always comes first (docs/scanning.md).
.venv/bin/celery -A auslaenderakte worker -Q altakten -c 1 -n altakten@%h --loglevel=INFO & pids+=($!)
.venv/bin/celery -A auslaenderakte beat --loglevel=INFO --schedule /tmp/akte-celerybeat-schedule & pids+=($!)
echo "==> Anwendung: http://127.0.0.1:8000  (Demo-Anmeldungen: siehe README.md)"
.venv/bin/gunicorn auslaenderakte.wsgi:application --bind 127.0.0.1:8000 --workers "${WEB_CONCURRENCY:-3}" \
  --access-logfile - & pids+=($!)
wait -n "${pids[@]}"
