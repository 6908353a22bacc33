from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "apps.readiness"
    label = "readiness"
    verbose_name = "Readiness for discussion"

    def ready(self) -> None:
        from apps.core.words import register_choices

        from .choices import ItemState, ReadinessItem

        register_choices(ReadinessItem, ItemState)
