from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "apps.summaries"
    label = "summaries"
    verbose_name = "Printable meeting summaries"

    def ready(self) -> None:
        from apps.core.words import register_choices

        from .choices import SummaryStatus

        register_choices(SummaryStatus)
        # The meeting page shows the summary panel; the meetings app only knows it has panels.
        from apps.meetings.views.panels import register_meeting_panel

        from .views import meeting_panel

        register_meeting_panel(meeting_panel)
