"""Local development: the embedded defaults (SQLite, in-process tasks) unless the environment
names real services."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")
# A development-only key, used only when SECRET_KEY is not set; production refuses to start
# without one.
os.environ.setdefault("SECRET_KEY", "local-development-only-not-secret")

from .base import *  # noqa: F403
