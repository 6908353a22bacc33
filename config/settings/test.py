"""Test settings: PostgreSQL by default (the suite runs against the real database)."""

import hashlib
import os

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
os.environ.setdefault("LOGIN_THROTTLE_RATE", "1000/minute")

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the app folders: tests never run collectstatic.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# One test database per checkout, so two checkouts on one machine never share (and drop) it;
# TEST_DATABASE_NAME separates two runs in one checkout.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("TEST_DATABASE_NAME")
    or "test_tumorboard_" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]
}

# The cache is the test database's table whatever REDIS_URL the environment holds: each test's
# writes are undone with it, and the browser tests' live server shares it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "tumorboard_cache",
    }
}

# Tasks run in-process whatever REDIS_URL the environment holds (a developer's shell, CI with
# services), so the unit tests never depend on, or write to, a real broker. The integration
# tests (tests/integration) point the app at their own Redis database themselves, and start
# their workers with CELERY_TEST_BROKER_URL, the only way for these settings to use a broker.
CELERY_TEST_BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "")
if CELERY_TEST_BROKER_URL:
    CELERY_BROKER_URL = CELERY_RESULT_BACKEND = CELERY_TEST_BROKER_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False
