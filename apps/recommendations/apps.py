from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"
    verbose_name = "Pathway recommendations"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the check of refused facts)
