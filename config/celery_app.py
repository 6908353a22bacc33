"""Celery application.

With REDIS_URL set, Redis is the broker and the result store. Without it (the embedded default),
tasks run in-process and eagerly, so a single `runserver` still does everything.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tumorboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
