"""A snapshot's panel is rendered once per process: the same HTML as the panel template renders
from `panel_context`, and rendered again only for another snapshot or an edited row."""

import datetime

import pytest
from django.template.loader import render_to_string

from apps.recommendations import panel as panels
from apps.recommendations.models import RecommendationSnapshot
from apps.recommendations.presentation import panel_context
from apps.recommendations.services import recommendation_create
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(hospital, coordinator):
    case = CaseFactory(patient__hospital=hospital, facts="solitary-metachronous-low-risk")
    return recommendation_create(case=case, actor=coordinator)


def test_the_panel_is_the_one_the_template_renders(snapshot):
    lesions = snapshot.facts["liver"]["lesions"]
    expected = render_to_string(
        panels.PANEL_TEMPLATE,
        {"panel": panel_context(snapshot.result, lesions), "panel_id": "case"},
    )

    assert panels.snapshot_panel_html(snapshot, panel_id="case") == expected
    assert 'id="case-heading"' in expected


def test_the_panel_is_rendered_once_per_snapshot_and_again_when_the_row_changes(
    snapshot, monkeypatch
):
    calls = []

    def counted(result, lesions):
        calls.append(result)
        return panel_context(result, lesions)

    monkeypatch.setattr(panels, "panel_context", counted)
    first = panels.snapshot_panel_html(snapshot, panel_id="case")
    again = panels.snapshot_panel_html(
        RecommendationSnapshot.objects.get(pk=snapshot.pk), panel_id="case"
    )
    assert again == first and len(calls) == 1

    panels.snapshot_panel_html(snapshot, panel_id="rec")  # another page's element ids
    assert len(calls) == 2
    edited = RecommendationSnapshot.objects.get(pk=snapshot.pk)
    edited.updated_at += datetime.timedelta(seconds=1)  # as an edit by hand would move it
    panels.snapshot_panel_html(edited, panel_id="case")
    assert len(calls) == 3
