"""Writes of the CDS service: answering a `patient-view` call (the card issued is remembered),
and recording the feedback an EHR sends on its cards."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from apps.core.exceptions import ApplicationError
from apps.core.services import save_audited
from apps.pathways import registry
from apps.pathways.facts import FactsValidationError, parse_facts

from .cards import missing_inputs_card, recommendation_card
from .models import CdsCard, CdsClient, CdsFeedback
from .prefetch import read_prefetch
from .selectors import case_for_patient


def _case_url(case_id: Any) -> str:
    path = reverse("workspace:case-detail", kwargs={"case_id": case_id})
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def hook_answer(
    *, client: CdsClient, hook_instance: str, prefetch: dict[str, Any]
) -> dict[str, Any]:
    """The CDS Hooks response for a `patient-view` call: one card, the pathway's recommendation
    from the EHR's record, or a warning naming what the record lacks (never an error: the EHR
    shows the card, and the clinician knows why there is no recommendation)."""
    reading = read_prefetch(prefetch, mrn_system=client.mrn_system)
    case = case_for_patient(hospital=client.hospital, mrns=reading.mrns)
    case_url = _case_url(case.id) if case is not None else None
    version = registry.CURRENT_VERSION
    card_id = uuid.uuid4()
    try:
        result = registry.evaluate(parse_facts(reading.case), version)
    except FactsValidationError as error:
        card = missing_inputs_card(
            error.errors,
            card_id=str(card_id),
            version=version,
            site_url=settings.SITE_URL,
            case_url=case_url,
        )
        primary_code = ""
    else:
        card = recommendation_card(
            result, card_id=str(card_id), site_url=settings.SITE_URL, case_url=case_url
        )
        primary_code = result.primary.code
    issued = CdsCard(
        id=card_id,
        client=client,
        hook_instance=hook_instance,
        primary_code=primary_code,
        pathway_version=version,
        indicator=card["indicator"],
        case=case,
    )
    save_audited(issued, actor=None)
    return {"cards": [card]}


@transaction.atomic
def feedback_record(*, client: CdsClient, entries: list[dict[str, Any]]) -> list[CdsFeedback]:
    """Record each feedback entry on a card this client was issued. A card the client was never
    issued (unknown, or another client's) is a 400 naming the entry: nothing is recorded then.
    The same report sent again (a retry) is recorded once."""
    ids = {entry["card"] for entry in entries}
    cards = {card.id: card for card in CdsCard.objects.filter(client=client, id__in=ids)}
    unknown = {
        f"feedback[{index}].card": [f"Unknown card {entry['card']}: not issued to this client."]
        for index, entry in enumerate(entries)
        if entry["card"] not in cards
    }
    if unknown:
        raise ApplicationError("Feedback on unknown cards.", errors=unknown)
    recorded = []
    for entry in entries:
        reason = entry.get("overrideReason") or {}
        coding = reason.get("reason") or {}
        timestamp: datetime.datetime = entry["outcomeTimestamp"]
        existing = CdsFeedback.objects.filter(
            card=cards[entry["card"]], outcome=entry["outcome"], outcome_timestamp=timestamp
        ).first()
        if existing is not None:
            recorded.append(existing)
            continue
        feedback = CdsFeedback(
            card=cards[entry["card"]],
            outcome=entry["outcome"],
            override_reason_system=coding.get("system", ""),
            override_reason_code=coding.get("code", ""),
            override_reason_display=coding.get("display", ""),
            user_comment=reason.get("userComment", ""),
            accepted_suggestions=[
                {"id": str(item["id"])} for item in entry.get("acceptedSuggestions", [])
            ],
            outcome_timestamp=timestamp,
        )
        save_audited(feedback, actor=None, clean=True)
        recorded.append(feedback)
    return recorded


@transaction.atomic
def client_configure(
    *, name: str, issuer: str, hospital: Any, public_key: str, algorithms: list[str] | None = None
) -> CdsClient:
    """Create the client with this issuer, or give the existing one a new key (re-keying an EHR
    keeps its cards and feedback). The key is checked before it is stored."""
    client = CdsClient.objects.filter(issuer=issuer).first() or CdsClient(issuer=issuer)
    client.name = name
    client.hospital = hospital
    client.public_key = public_key
    accepted = set(algorithms or ["ES384"])
    client.accepts_es384 = "ES384" in accepted
    client.accepts_rs384 = "RS384" in accepted
    client.active = True
    save_audited(client, actor=None, clean=True)
    return client
