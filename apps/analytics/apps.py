from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "apps.analytics"
    label = "analytics"
    verbose_name = "The board's numbers and the case worklist"

    def ready(self) -> None:
        from apps.core.words import register_choices

        from .choices import WorklistStage

        register_choices(WorklistStage)
        # The metrics available from the records: registered once, at start-up.
        from simple_history.signals import post_create_historical_record

        from . import definitions  # noqa: F401
        from .marks import on_history_record

        # Every audited change marks the cases whose worklist stage it may move.
        post_create_historical_record.connect(
            on_history_record, dispatch_uid="analytics.mark_changed_cases"
        )
