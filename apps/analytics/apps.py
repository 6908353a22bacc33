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
        from . import definitions  # noqa: F401
