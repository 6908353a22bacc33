"""Moving the printable summaries from the meetings app to their own keeps every row: a database
at the state before the move (meetings 0004, no summaries app) with a summary, its letter and a
permission given on it comes out of `migrate` with all of them, byte for byte, and the
permission still given. Run on PostgreSQL, as production is."""

import hashlib

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from apps.summaries.models import MeetingSummary, MeetingSummaryLetter
from tests.integration.summary_meeting import build_summary_meeting

BEFORE_THE_MOVE = [("meetings", "0004_summaries"), ("summaries", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_moving_the_summaries_to_their_app_keeps_every_row(hospital, make_user):
    board = build_summary_meeting(hospital, make_user, cases=2)
    item = board["items"][0]
    pdf, letter_pdf = b"%PDF-1.7 summary as stored before", b"%PDF-1.7 letter as stored before"
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(BEFORE_THE_MOVE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE[0]).apps
        old_summary_model = old.get_model("meetings", "MeetingSummary")
        old_letter_model = old.get_model("meetings", "MeetingSummaryLetter")
        summary = old_summary_model.objects.create(
            meeting_id=board["meeting"].pk,
            version=1,
            data={"draft": True, "cases": [{"item_id": str(item.pk)}]},
            content_key="a" * 64,
            status="ready",
            draft=True,
            requested_by_id=board["coordinator"].pk,
            attempts=1,
            pdf=pdf,
            checksum=hashlib.sha256(pdf).hexdigest(),
            size=len(pdf),
        )
        letter = old_letter_model.objects.create(
            summary=summary,
            agenda_item_id=item.pk,
            item_ref=item.pk,
            position=1,
            patient="FICTIONAL, Patient",
            pdf=letter_pdf,
            checksum=hashlib.sha256(letter_pdf).hexdigest(),
            size=len(letter_pdf),
        )
        old_content_type = old.get_model("contenttypes", "ContentType").objects.get(
            app_label="meetings", model="meetingsummary"
        )
        permission = old.get_model("auth", "Permission").objects.get(
            content_type=old_content_type, codename="view_meetingsummary"
        )
        readers = old.get_model("auth", "Group").objects.create(name="Summary readers")
        readers.permissions.add(permission)
    finally:
        _migrate(latest)

    moved = MeetingSummary.objects.get(pk=summary.pk)
    assert (moved.meeting_id, moved.version, moved.status, moved.draft) == (
        board["meeting"].pk,
        1,
        "ready",
        True,
    )
    assert bytes(moved.pdf) == pdf and moved.checksum == hashlib.sha256(pdf).hexdigest()
    assert moved.data == {"draft": True, "cases": [{"item_id": str(item.pk)}]}
    assert moved.requested_by_id == board["coordinator"].pk and moved.attempts == 1
    moved_letter = MeetingSummaryLetter.objects.get(pk=letter.pk)
    assert moved_letter.summary_id == summary.pk and moved_letter.agenda_item_id == item.pk
    assert bytes(moved_letter.pdf) == letter_pdf and moved_letter.patient == "FICTIONAL, Patient"
    # The content type moved with its id, so the permission given on it is still given.
    content_type = ContentType.objects.get_for_model(MeetingSummary)
    assert content_type.pk == old_content_type.pk and content_type.app_label == "summaries"
    assert not ContentType.objects.filter(app_label="meetings", model="meetingsummary").exists()
    given = Group.objects.get(pk=readers.pk).permissions.get()
    assert given.pk == permission.pk and given.content_type_id == content_type.pk
