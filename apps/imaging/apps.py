from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "apps.imaging"
    label = "imaging"
    verbose_name = "Imaging findings"

    def ready(self) -> None:
        from apps.core.words import register_choices

        from .choices import ExtrahepaticSiteName, Modality, Parenchyma, PlannedResection

        register_choices(Modality, Parenchyma, ExtrahepaticSiteName, PlannedResection)
