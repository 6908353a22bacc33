from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "apps.patients"
    label = "patients"
    verbose_name = "Patients and MDT cases"

    def ready(self) -> None:
        from apps.core.words import register_choices

        from . import choices

        register_choices(
            choices.Sex,
            choices.CaseStatus,
            choices.SurgicalFitness,
            choices.PrimarySite,
            choices.PrimarySymptom,
            choices.Timing,
            choices.RasStatus,
            choices.BrafStatus,
            choices.MsiStatus,
            choices.Response,
        )
