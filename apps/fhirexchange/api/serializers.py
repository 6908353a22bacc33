"""The FHIR endpoints' serializers: the import's answer. The Bundles themselves are FHIR's
own documents, validated by fhir.resources, not by a serializer."""

from rest_framework import serializers


class FhirImportOutputSerializer(serializers.Serializer):
    case = serializers.UUIDField(help_text="The new case (referral).")
    patient = serializers.UUIDField(help_text="The patient, created or matched by MRN.")
