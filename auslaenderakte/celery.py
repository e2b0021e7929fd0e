"""The Celery application: JSON only, late acks, an `ocr` queue apart from the interactive `default` queue."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "auslaenderakte.settings")
# Tesseract's own threading made a page 2.6x slower on a 2-core machine; one thread per worker process.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

app = Celery("auslaenderakte")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
