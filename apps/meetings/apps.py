from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    label = "meetings"
    verbose_name = "MDT meetings"

    def ready(self) -> None:
        from apps.core.words import register_choices, register_vocabulary

        from .choices import (
            DECISION_FLAGS,
            Agreement,
            DepartureReason,
            Intent,
            MeetingStatus,
            PostponementReason,
            TreatmentMatch,
            TreatmentVarianceReason,
        )

        register_choices(
            MeetingStatus,
            Intent,
            Agreement,
            DepartureReason,
            PostponementReason,
            TreatmentMatch,
            TreatmentVarianceReason,
        )
        register_vocabulary("DecisionFlag", DECISION_FLAGS)
        from . import case_checks

        case_checks.register()
