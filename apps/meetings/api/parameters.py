"""The OpenAPI path parameters of the meeting endpoints, described once for every view module."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

MEETING_ID = OpenApiParameter(
    "meeting_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The meeting's id."
)
ITEM_ID = OpenApiParameter(
    "item_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The agenda item's id."
)
ATTENDANCE_ID = OpenApiParameter(
    "attendance_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The attendee's id."
)
ACTION_ID = OpenApiParameter(
    "action_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The action's id."
)
CASE_ID = OpenApiParameter(
    "case_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's id."
)
# An agenda item's URL names its meeting too.
ITEM_PARAMETERS = [MEETING_ID, ITEM_ID]
