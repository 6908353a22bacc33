"""The CDS Hooks 2.0 service: discovery, the `patient-view` hook answering the pathway's
recommendation as cards, and the feedback an EHR sends on them (reported beside the board's
decisions in concordance). EHR clients authenticate with signed JWTs, keys configured per client.

Place in the dependency order (README, "Architecture"): beside `fhirexchange` and `bulkimport`,
above `analytics`, below `workspace`.
"""

from django.apps import AppConfig


class CdsHooksConfig(AppConfig):
    name = "apps.cdshooks"
    label = "cdshooks"
    verbose_name = "CDS Hooks service"

    def ready(self) -> None:
        # The meetings app reports these counts in concordance without importing this app.
        from apps.meetings.selectors.concordance_sources import register_concordance_source

        from .selectors import ehr_feedback_summary

        register_concordance_source("ehr_feedback", ehr_feedback_summary)
