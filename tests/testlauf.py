"""Keeps one test run apart from every other on the same machine (a running `make run`, a second checkout's suite).

Loaded with `-p tests.testlauf` (pyproject addopts) before Django's settings are read, so the settings see the run's
own Redis key prefix (broker and cache) and the fixture in tests/conftest.py gives the run its own test databases.
The pytest-xdist workers inherit the run id from the controller's environment and add their own worker id.
"""

from __future__ import annotations

import os
import uuid

LAUF = os.environ.setdefault("AKTE_TESTLAUF", uuid.uuid4().hex[:8])
PROZESS = os.environ.get("PYTEST_XDIST_WORKER", "gw")

# Every Redis key of this run's broker (queues, unacked messages) and cache starts with this prefix; a Celery worker
# started by a test inherits the environment and so listens on exactly this run's queues.
os.environ["CELERY_KEY_PREFIX"] = f"test-{LAUF}-{PROZESS}:"
os.environ["CACHE_KEY_PREFIX"] = f"test-{LAUF}-{PROZESS}"
