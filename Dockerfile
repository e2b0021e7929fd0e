# Production-like image of the Elektronische Ausländerakte: one image for web (gunicorn), worker and beat (Celery).
# Build: docker compose build   Run: docker compose up -d   (see docs/operations.md)
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Tesseract's own threading slows a page down on small machines; one thread per worker process.
    OMP_THREAD_LIMIT=1 \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles \
    HOTFOLDER_PATH=/data/hotfolder \
    LIEFERUNGEN_PATH=/data/lieferungen

# OCR and PDF tools used by the scanning pipeline; libmagic for content-based type detection.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-deu poppler-utils qpdf ghostscript libmagic1 fonts-dejavu-core libreoffice-writer-nogui \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first (cached layer): pyproject.toml lists them; the project itself runs from /app.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .
# collectstatic needs settings but no database; the build-time key is never used at run time.
RUN SECRET_KEY=nur-fuer-collectstatic-beim-bauen python manage.py collectstatic --noinput -v 0 \
    && useradd --system --uid 1000 --home /app akte \
    && mkdir -p /data/media /data/hotfolder /data/lieferungen \
    && chown -R akte /data

USER akte
EXPOSE 8000
CMD ["gunicorn", "auslaenderakte.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
