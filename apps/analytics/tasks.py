"""Celery tasks of the analytics: the worklist's nightly recomputation.

Once the date changes, stages that move with the date alone (a result going stale, a treatment
reaching follow-up) are wrong until every case is computed again. The first read of the day does
it when nothing else has (apps/analytics/worklist.py, `current_stages`); this task, run by Celery
beat shortly after midnight (settings.CELERY_BEAT_SCHEDULE, docker-compose.yml's `beat`), does it
before anyone is waiting. It takes no arguments, is idempotent (a hospital already computed
today is computed again to the same rows) and retried with backoff.
"""

from __future__ import annotations

from celery import shared_task

from apps.core.models import Hospital

from .worklist import refresh_hospital_stages


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def refresh_worklist_stages() -> int:
    """Every hospital's cases staged again for today: the number of cases."""
    return sum(
        refresh_hospital_stages(hospital=hospital) for hospital in Hospital.objects.order_by("pk")
    )
