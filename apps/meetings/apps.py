from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "apps.meetings"
    label = "meetings"
    verbose_name = "MDT meetings"

    def ready(self) -> None:
        from . import case_checks

        case_checks.register()
