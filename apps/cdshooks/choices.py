"""Value lists of the CDS Hooks service (the specification's own codes)."""

from django.db import models


class SigningAlgorithm(models.TextChoices):
    """The JWT algorithms CDS Hooks 2.0 names for a client's signature (asymmetric only: a
    shared secret would let the service forge the client's tokens)."""

    ES384 = "ES384", "ES384 (ECDSA P-384, SHA-384)"
    RS384 = "RS384", "RS384 (RSA, SHA-384)"


class FeedbackOutcome(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    OVERRIDDEN = "overridden", "Overridden"
