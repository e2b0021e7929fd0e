#!/usr/bin/env bash
# Idempotent set-up: Debian packages, PostgreSQL and Redis on localhost (started if none answers),
# virtualenv with the project installed, a local .env with a random SECRET_KEY, and the database.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="tesseract-ocr tesseract-ocr-deu poppler-utils libmagic1 qpdf ghostscript chromium fonts-dejavu-core postgresql redis-server dovecot-imapd libreoffice-writer-nogui"
missing=""
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "==> Installiere Systempakete:$missing"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq $missing >/dev/null
fi

# PostgreSQL and Redis: use DATABASE_URL / REDIS_URL when set, else localhost, starting local ones if none answers.
if [ -z "${DATABASE_URL:-}" ]; then
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    echo "==> Starte PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
if [ -z "${REDIS_URL:-}" ]; then
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "==> Starte Redis"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/akte.log
    for _ in $(seq 1 20); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.5; done
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Lege virtualenv an"
  python3 -m venv .venv
fi
# Exact versions with hashes from the lock (made by `make lock` from the ranges in pyproject.toml); refuse to go on
# when pyproject.toml was changed without regenerating it, so a missed `make lock` is obvious.
python3 scripts/lock_pruefen.py
stamp=.venv/.installed-$(cat requirements-dev.lock | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "==> Installiere Python-Pakete (requirements-dev.lock)"
  .venv/bin/pip install -q --require-hashes -r requirements-dev.lock
  rm -f .venv/.installed-*; touch "$stamp"
fi

if [ ! -f .env ]; then
  printf 'SECRET_KEY=%s\n' "$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
fi
# The audit chain's HMAC key (docs/protokoll.md); added to an older .env that lacks it. Never committed.
if ! grep -q '^AUDIT_HMAC_KEYS=' .env; then
  printf 'AUDIT_HMAC_KEYS=k1:%s\n' "$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))')" >> .env
fi

if [ -f package.json ] && [ ! -d static/vendor ] && command -v npm >/dev/null 2>&1; then
  bash scripts/vendor.sh
fi

if [ -z "${DATABASE_URL:-}" ]; then
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='auslaenderakte'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres auslaenderakte
fi
echo "==> Setup fertig"
