"""The board's numbers and the case worklist, for clients of the API. Every role of the
hospital may read both: the numbers name no patient, and the worklist shows what the case list
already shows each role."""

from __future__ import annotations

from functools import partial

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from apps.core.api.pagination import StandardPagination
from apps.core.api.schema import ERROR_RESPONSES
from apps.core.api.serializers import validated_input
from apps.core.exceptions import ApplicationError
from apps.core.ids import uuid_or_none
from apps.core.pagination import CountedPaginator
from apps.core.roles import user_hospital
from apps.liverpanel.selectors import panels_visible

from ..choices import WorklistStage
from ..metrics import REGISTRY, Scope, metric_get
from ..panel_numbers import panel_numbers, panel_numbers_data
from ..worklist import days_in_stage, worklist_cases, worklist_counts
from .serializers import (
    FROM_HELP,
    TO_HELP,
    MetricOutputSerializer,
    PeriodInputSerializer,
    WorklistInputSerializer,
    WorklistOutputSerializer,
)


def _query(request: Request) -> dict[str, str]:
    query = request.query_params.copy()
    # ?format=json chooses DRF's renderer (the browsable API offers it): not a parameter.
    query.pop(api_settings.URL_FORMAT_OVERRIDE, None)
    return query


class MetricView(APIView):
    @extend_schema(
        summary="One of the board's numbers over a date range",
        description=(
            "A metric of the hospital's cases and meetings over [from, to] (local dates; "
            "meetings by their date, referrals by theirs), as a table: columns, and rows keyed "
            "by them. Metrics: " + ", ".join(sorted(REGISTRY)) + ". An unknown metric is a "
            "404; a malformed date, from after to, or a range over the limit is a 400 naming "
            "the parameter."
        ),
        parameters=[
            OpenApiParameter(
                "metric",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=sorted(REGISTRY),
                description="Which number.",
            ),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, OpenApiParameter.QUERY, description=FROM_HELP
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, OpenApiParameter.QUERY, description=TO_HELP),
        ],
        responses={
            200: MetricOutputSerializer,
            **{code: ERROR_RESPONSES[code] for code in (400, 401, 403, 404)},
        },
    )
    def get(self, request: Request, metric: str) -> Response:
        found = metric_get(metric)
        if found is None:
            raise ApplicationError("No such metric.", status=404)
        period = validated_input(PeriodInputSerializer, request, data=_query(request))["period"]
        table = found.compute(Scope(hospital=user_hospital(request.user), period=period))
        answer = {
            "metric": found.slug,
            "title": found.title,
            "description": found.description,
            "chart": found.chart,
            "from": period.start,
            "to": period.end,
            "empty": table.empty,
            "columns": table.columns,
            "rows": table.rows,
            "units": table.units,
        }
        return Response(MetricOutputSerializer(answer).data)


class WorklistView(APIView):
    @extend_schema(
        summary="Every case by stage (the worklist board)",
        description=(
            "The hospital's cases, each with its stage (referred, in preparation, ready, on an "
            "agenda, discussed, treatment started, follow-up, closed), the day it entered it "
            "and the days since; oldest in its stage first; with the number of cases in each "
            "stage, and whether it is due for re-discussion or waiting for a meeting. Filters: "
            "stage, referring clinician (exact), q (the start of an MRN or family name), flag. "
            "An unknown parameter, or one given twice, is a 400."
        ),
        parameters=[
            OpenApiParameter(
                "stage", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=WorklistStage.values
            ),
            OpenApiParameter("referring_clinician", OpenApiTypes.STR, OpenApiParameter.QUERY),
            OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY),
            OpenApiParameter(
                "flag",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["rediscussion_due", "waiting_for_meeting"],
                description="Only the cases due for re-discussion (today or earlier), or "
                "only those waiting for a meeting after a postponement.",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                OpenApiParameter.QUERY,
                description="Up to 100 (default 25).",
            ),
        ],
        responses={
            200: WorklistOutputSerializer,
            **{code: ERROR_RESPONSES[code] for code in (400, 401, 403, 404)},
        },
    )
    def get(self, request: Request) -> Response:
        filters = validated_input(WorklistInputSerializer, request, data=_query(request))
        chosen = {
            "referring_clinician": filters.get("referring_clinician", ""),
            "query": filters.get("q", ""),
            "flag": filters.get("flag", ""),
        }
        unstaged = worklist_cases(user=request.user, **chosen)
        counts = worklist_counts(user=request.user, **chosen)
        stage = filters.get("stage", "")
        cases = unstaged.filter(stage=stage) if stage else unstaged
        paginator: PageNumberPagination = StandardPagination()
        # The list's size is the counts' (one count of the stored stages, not another).
        paginator.django_paginator_class = partial(  # type: ignore[assignment]
            CountedPaginator, count=counts[stage] if stage else sum(counts.values())
        )
        page = paginator.paginate_queryset(cases, request, view=self) or []
        today = timezone.localdate()
        results = [
            {
                "id": case.id,
                "patient": case.patient,
                "referring_clinician": case.referring_clinician,
                "referred_on": case.referred_on,
                "stage": case.stage,
                "stage_since": case.stage_since,
                "days_in_stage": days_in_stage(case, today),
                "rediscussion_due": case.rediscussion_due,
                "waiting_for_meeting": case.waiting_for_meeting,
            }
            for case in page
        ]
        answer = {
            "counts": counts,
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": results,
        }
        return Response(WorklistOutputSerializer(answer).data)


class PanelNumbersView(APIView):
    @extend_schema(
        summary="A liver expert panel's numbers over a date range",
        description=(
            "Of the cases sent to the panel in [from, to]: how many, where they stand, the "
            "days from referral to conclusion (median, 90th percentile), the first three "
            "reviews' disagreement (none, minor, major), how often two reviewers were added, "
            "and how the conclusions agree with the pathway's resectability and with the "
            "board's current decision (by intent: resectable or potentially resectable expect "
            "curative, permanently unresectable palliative). Rates are null with nothing to "
            "count."
        ),
        parameters=[
            OpenApiParameter("panel_id", OpenApiTypes.UUID, OpenApiParameter.PATH),
            OpenApiParameter(
                "from", OpenApiTypes.DATE, OpenApiParameter.QUERY, description=FROM_HELP
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, OpenApiParameter.QUERY, description=TO_HELP),
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            **{code: ERROR_RESPONSES[code] for code in (400, 401, 403, 404)},
        },
    )
    def get(self, request: Request, panel_id: str) -> Response:
        panel = panels_visible(user=request.user).filter(pk=uuid_or_none(panel_id)).first()
        if panel is None:
            raise ApplicationError("No such panel.", status=404)
        period = validated_input(PeriodInputSerializer, request, data=_query(request))["period"]
        return Response(panel_numbers_data(panel_numbers(panel=panel, period=period)))
