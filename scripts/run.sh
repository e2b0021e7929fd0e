#!/usr/bin/env bash
# Serve the app with gunicorn plus every background part: the OCR worker (queues ocr and default), the legacy-file
# worker (queue altakten), beat (schedules) and the hot folder; Ctrl-C stops all.
# PORT (default 8000) lets a second checkout run beside the first: `make run PORT=8001`.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_THREAD_LIMIT=1
PORT="${PORT:-8000}"
# Per-request metrics of the gunicorn workers are summed through this folder (emptied at start, see
# dms/betrieb/gunicorn_konfig.py); one per checkout and port, so two `make run` never mix their figures.
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${TMPDIR:-/tmp}/akte-metriken-$(basename "$PWD")-$PORT}"
name="$(basename "$PWD")"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
.venv/bin/celery -A auslaenderakte worker -Q ocr,default -n "ocr-$name@%h" -c "${CELERY_CONCURRENCY:-2}" \
  --loglevel=INFO & pids+=($!)
# Legacy-file OCR has its own worker so incoming mail on `ocr` always comes first (docs/scanning.md).
.venv/bin/celery -A auslaenderakte worker -Q altakten -c 1 -n "altakten-$name@%h" --loglevel=INFO & pids+=($!)
.venv/bin/celery -A auslaenderakte beat --loglevel=INFO --schedule ".venv/celerybeat-schedule" & pids+=($!)
# The hot folder: scanners drop files into HOTFOLDER_PATH/<KÜRZEL>/; a long-running service (docs/operations.md).
.venv/bin/python manage.py hotfolder_abholen & pids+=($!)
echo "==> Anwendung: http://127.0.0.1:$PORT  (Demo-Anmeldungen: siehe README.md)"
.venv/bin/gunicorn auslaenderakte.wsgi:application -c python:dms.betrieb.gunicorn_konfig --bind "127.0.0.1:$PORT" \
  --workers "${WEB_CONCURRENCY:-3}" & pids+=($!)
wait -n "${pids[@]}"
