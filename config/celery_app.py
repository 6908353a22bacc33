"""Celery application.

With REDIS_URL set, Redis is the broker and the result store, and a worker runs the tasks:
`celery -A config worker -Q default` (docker-compose.yml's `worker`). Without it (the embedded
default), tasks run in-process and eagerly, so a single `runserver` still does everything.
Reliability settings (late acknowledgement, visibility timeout, time limits) are in the Celery
block of config/settings/base.py; the tasks are the apps' `tasks.py` modules.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("tumorboard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
