from django.apps import AppConfig


class LiverPanelConfig(AppConfig):
    name = "apps.liverpanel"
    label = "liverpanel"
    verbose_name = "Liver expert panel"

    def ready(self) -> None:
        from apps.core.words import register_choices

        from .choices import (
            Disagreement,
            LesionTreatment,
            PanelCategory,
            PanelStrategy,
            ReferralStatus,
        )

        register_choices(
            PanelCategory, ReferralStatus, Disagreement, LesionTreatment, PanelStrategy
        )
