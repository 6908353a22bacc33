from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "apps.recommendations"
    label = "recommendations"
    verbose_name = "Pathway recommendations"

    def ready(self) -> None:
        from apps.core.words import register_choices, register_vocabulary

        from . import (
            checks,  # noqa: F401  (registers the check of refused facts)
            presentation,
        )
        from .choices import (
            RECOMMENDATION_ROLES,
            ReevaluationOutcome,
            ReevaluationStatus,
            Resectability,
            StaleReason,
        )

        register_choices(Resectability, StaleReason, ReevaluationStatus, ReevaluationOutcome)
        # The small vocabularies of the pathway's output (SPEC section 7).
        register_vocabulary("RecommendationRole", RECOMMENDATION_ROLES)
        register_vocabulary("FongCriterion", presentation.FONG_CRITERIA_LABELS)
        register_vocabulary("FongRisk", presentation.FONG_RISK_LABELS)
        register_vocabulary("ExtrahepaticDisease", presentation.EHD_LABELS)
