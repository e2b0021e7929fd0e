# Production-like image of the Elektronische Ausländerakte: one image for web (gunicorn), worker and beat (Celery).
# Build: docker compose build   Run: docker compose up -d   (see docs/operations.md)
# BASIS: any Debian bookworm image with Python 3.11 and pip (the default from Docker Hub; where only Debian's
# packages are reachable, build one first: scripts/basisimage.sh, docs/operations.md "Container").
ARG BASIS=python:3.11-slim-bookworm
FROM ${BASIS}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Tesseract's own threading slows a page down on small machines; one thread per worker process.
    OMP_THREAD_LIMIT=1 \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles \
    HOTFOLDER_PATH=/data/hotfolder \
    LIEFERUNGEN_PATH=/data/lieferungen \
    # gunicorn's workers sum their request metrics here (emptied at start: dms/betrieb/gunicorn_konfig.py).
    PROMETHEUS_MULTIPROC_DIR=/tmp/akte-metriken

# OCR and PDF tools used by the scanning pipeline; libmagic for content-based type detection; the PostgreSQL
# client (pg_dump/pg_restore 15, matching the postgres:15 service) for `manage.py sicherung_erstellen`; tzdata for
# zoneinfo (Celery and Django's Europe/Berlin; slim bookworm images come without it).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-deu poppler-utils qpdf ghostscript libmagic1 fonts-dejavu-core libreoffice-writer-nogui \
        postgresql-client tzdata \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first (cached layer): exact versions with hashes from requirements.lock (`make lock` makes it from
# the ranges in pyproject.toml); the project itself runs from /app.
COPY pyproject.toml requirements.lock ./
# Behind a TLS-inspecting proxy, hand its CA bundle in as a build secret (never baked into the image):
#   podman build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt …
RUN --mount=type=secret,id=ca \
    if [ -f /run/secrets/ca ]; then export PIP_CERT=/run/secrets/ca; fi; \
    pip install --require-hashes -r requirements.lock

COPY . .
# collectstatic needs settings but no database; the build-time key is never used at run time.
RUN SECRET_KEY=nur-fuer-collectstatic-beim-bauen AUDIT_HMAC_KEYS=bau:nur-fuer-collectstatic-beim-bauen-kein-schluessel \
    python manage.py collectstatic --noinput -v 0 \
    && useradd --system --uid 1000 --home /app akte \
    && mkdir -p /data/media /data/hotfolder /data/lieferungen /data/protokoll-anker \
    && chown -R akte /data

USER akte
EXPOSE 8000
CMD ["gunicorn", "auslaenderakte.wsgi:application", "-c", "python:dms.betrieb.gunicorn_konfig", "--bind", "0.0.0.0:8000", "--workers", "3"]
