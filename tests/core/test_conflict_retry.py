"""A write the database gives up on for concurrency's sake (a real PostgreSQL deadlock between
two transactions locking the same rows in opposite orders) is run again, and both writes land;
an error that is not a conflict is never retried."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from apps.core.models import Hospital
from apps.core.transactions import is_transient_conflict, retry_on_conflict

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_deadlock_is_retried_and_both_writes_land():
    if connection.vendor != "postgresql":
        pytest.skip("deadlock detection is PostgreSQL's")
    one = Hospital.objects.create(name="Fictional North", code="north")
    two = Hospital.objects.create(name="Fictional South", code="south")
    both_hold_their_first = threading.Barrier(2, timeout=10)
    attempts: dict[str, int] = {"a": 0, "b": 0}
    conflicts: list[BaseException] = []
    failures: list[BaseException] = []

    @retry_on_conflict(attempts=4, base_delay=0.01)
    @transaction.atomic
    def lock_in_order(name: str, first: Hospital, second: Hospital) -> None:
        attempts[name] += 1
        Hospital.objects.select_for_update().get(pk=first.pk)
        if attempts[name] == 1:
            # Both hold their first row before either asks for its second: a deadlock.
            both_hold_their_first.wait()
        try:
            locked = Hospital.objects.select_for_update().get(pk=second.pk)
        except OperationalError as error:
            conflicts.append(error)
            raise
        locked.telephone = f"{locked.telephone}{name}"
        locked.save(update_fields=["telephone"])

    def run(name: str, first: Hospital, second: Hospital) -> None:
        try:
            lock_in_order(name, first, second)
        except BaseException as error:  # reported to the test below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("a", one, two)),
        threading.Thread(target=run, args=("b", two, one)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert failures == []
    # PostgreSQL broke the deadlock by failing one of the two, which ran again.
    assert len(conflicts) == 1 and is_transient_conflict(conflicts[0])
    assert sorted(attempts.values()) == [1, 2]
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.telephone, two.telephone) == ("b", "a")


def test_an_error_that_is_not_a_conflict_is_not_retried():
    calls = []

    @retry_on_conflict(attempts=4, base_delay=0.01)
    @transaction.atomic
    def duplicate_code() -> None:
        calls.append(1)
        Hospital.objects.create(name="Fictional A", code="same")
        Hospital.objects.create(name="Fictional B", code="same")

    with pytest.raises(IntegrityError):
        duplicate_code()
    assert len(calls) == 1
