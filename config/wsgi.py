"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

from config import heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()
# Every view imported now (Django would at the first request), then the start-up objects set
# aside from the garbage collector's walks (config/heap.py).
get_resolver().url_patterns  # noqa: B018 (loads the URL configuration)
heap.settle()
