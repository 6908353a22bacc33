from django.apps import AppConfig


class FhirExchangeConfig(AppConfig):
    name = "apps.fhirexchange"
    label = "fhirexchange"
    verbose_name = "FHIR exchange"
