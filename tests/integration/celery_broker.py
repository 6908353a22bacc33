"""Pointing this process's Celery app at a real broker for one test, and back: the unit tests
run tasks in-process (config/settings/test.py), the integration tests and the broker-down test
send them through Redis."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from config.celery_app import app as celery_app

_KEYS = ("broker_url", "result_backend", "task_always_eager")


def drop_connections() -> None:
    """Forget the app's broker connections and result backend: Celery makes them on first use
    (an in-process task of an earlier test makes the in-memory ones) and keeps them whatever
    the configuration says afterwards."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Within the block, tasks are sent to the broker at `url` instead of running in-process;
    the app's configuration and connections are restored afterwards."""
    saved = {key: celery_app.conf[key] for key in _KEYS}
    drop_connections()
    celery_app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    try:
        yield
    finally:
        drop_connections()
        celery_app.conf.update(saved)
