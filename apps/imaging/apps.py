from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "apps.imaging"
    label = "imaging"
    verbose_name = "Imaging findings"
