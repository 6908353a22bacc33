"""A CDS Hooks client in miniature, for trying the service end to end (`manage.py
cds_test_client`) and for the tests: it signs the JWT as an EHR does, and writes a case's facts
as the FHIR resources an EHR would prefetch, with the same codes `prefetch.py` reads.

Only what standard FHIR carries is written (patient, primary, timing, ECOG, CEA, RAS/BRAF/MSI,
liver lesions, extrahepatic sites): the rest of the case takes the pathway's defaults on the way
back, as it would from a real EHR.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from . import prefetch as codes

_SITE_SNOMED = {"right_colon": "9040008", "left_colon": "60184004", "rectum": "34402009"}
_SECONDARY_SNOMED = {
    "lung": "39607008",
    "peritoneum": "15425007",
    "ovary": "15497006",
    "adrenal": "23451007",
    "bone": "272673000",
    "brain": "12738006",
}
_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def public_jwk(private_key_pem: str) -> dict[str, Any]:
    """The public JWK of a private key, with its RFC 7638 thumbprint as `kid`."""
    private = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    public = private.public_key()
    if isinstance(public, ec.EllipticCurvePublicKey):
        jwk: dict[str, Any] = ECAlgorithm.to_jwk(public, as_dict=True)
        required = {name: jwk[name] for name in ("crv", "kty", "x", "y")}
    elif isinstance(public, rsa.RSAPublicKey):
        jwk = RSAAlgorithm.to_jwk(public, as_dict=True)
        required = {name: jwk[name] for name in ("e", "kty", "n")}
    else:
        raise ValueError("Only EC and RSA keys sign CDS Hooks tokens.")
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode()
    digest = hashlib.sha256(canonical).digest()
    jwk["kid"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return jwk


def sign_token(
    *,
    issuer: str,
    private_key_pem: str,
    audience: str,
    algorithm: str = "ES384",
    lifetime_seconds: int = 60,
    **claims: Any,
) -> str:
    """A CDS Hooks client JWT: iss, sub (the issuer), aud, iat, exp, a fresh jti, kid."""
    now = int(time.time())
    payload = {
        "iss": issuer,
        "sub": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + lifetime_seconds,
        "jti": str(uuid.uuid4()),
        **claims,
    }
    headers = {"kid": public_jwk(private_key_pem)["kid"], "typ": "JWT"}
    return jwt.encode(payload, private_key_pem, algorithm=algorithm, headers=headers)


def _bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"resource": resource} for resource in resources],
    }


def _concept(system: str, code: str, display: str = "") -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _observation(code: str, patient: str, **value: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": str(uuid.uuid4()),
        "status": "final",
        "code": _concept(codes.LOINC, code),
        "subject": {"reference": f"Patient/{patient}"},
        **value,
    }


def _variant(patient: str, hgnc: str, present: bool, change: str = "") -> dict[str, Any]:
    components = [
        {
            "code": _concept(codes.LOINC, codes.GENE_STUDIED),
            "valueCodeableConcept": _concept(codes.HGNC, hgnc, codes.GENES[hgnc]),
        }
    ]
    if change:
        components.append(
            {
                "code": _concept(codes.LOINC, codes.AMINO_ACID_CHANGE),
                "valueCodeableConcept": {"text": change},
            }
        )
    answer = codes.PRESENT if present else codes.ABSENT
    return _observation(
        codes.VARIANT,
        patient,
        valueCodeableConcept=_concept(codes.LOINC, answer),
        component=components,
    )


def prefetch_for_case(
    case: dict[str, Any], *, patient_id: str, mrn: str, today: datetime.date | None = None
) -> dict[str, Any]:
    """The prefetch an EHR would send for a patient with these case facts (SPEC input)."""
    today = today or datetime.date.today()
    patient = case.get("patient", {})
    primary = case.get("primary", {})
    presentation = case.get("presentation", {})
    biomarkers = case.get("biomarkers", {})
    born = datetime.date(today.year - int(patient.get("age", 60)), 1, 1)
    resource = {
        "resourceType": "Patient",
        "id": patient_id,
        "identifier": [{"type": _concept(codes.V2_IDENTIFIER_TYPE, "MR"), "value": mrn}],
        "birthDate": born.isoformat(),
    }
    liver_found = today - datetime.timedelta(days=30)
    interval = presentation.get("disease_free_interval_months")
    if presentation.get("timing") == "metachronous":
        resected = liver_found - datetime.timedelta(days=round((interval or 24) * 30.4375))
        diagnosed = resected - datetime.timedelta(days=30)
    else:
        diagnosed = liver_found
        resected = liver_found + datetime.timedelta(days=10)
    ref = {"reference": f"Patient/{patient_id}"}
    conditions: list[dict[str, Any]] = [
        {
            "resourceType": "Condition",
            "id": "primary",
            "subject": ref,
            "code": _concept(codes.SNOMED, "363406005", "Malignant tumor of colon"),
            "bodySite": [_concept(codes.SNOMED, _SITE_SNOMED.get(primary.get("site"), ""))],
            "onsetDateTime": diagnosed.isoformat(),
        },
        {
            "resourceType": "Condition",
            "id": "liver",
            "subject": ref,
            "code": _concept(codes.SNOMED, "94381002", "Secondary malignant neoplasm of liver"),
            "onsetDateTime": liver_found.isoformat(),
        },
    ]
    for site in case.get("extrahepatic", {}).get("sites", []):
        conditions.append(
            {
                "resourceType": "Condition",
                "id": f"ehd-{site['site']}",
                "subject": ref,
                "code": _concept(codes.SNOMED, codes.SECONDARY_MALIGNANCY),
                "bodySite": [_concept(codes.SNOMED, _SECONDARY_SNOMED.get(site["site"], "0"))],
            }
        )
    observations = []
    if "ecog" in patient:
        observations.append(_observation(codes.ECOG, patient_id, valueInteger=patient["ecog"]))
    if biomarkers.get("cea_ng_ml") is not None:
        quantity = {"value": biomarkers["cea_ng_ml"], "unit": "ng/mL", "code": "ng/mL"}
        observations.append(_observation(codes.CEA, patient_id, valueQuantity=quantity))
    ras = biomarkers.get("ras", "unknown")
    if ras != "unknown":
        observations.append(_variant(patient_id, "HGNC:6407", ras == "mutant"))
        observations.append(_variant(patient_id, "HGNC:7989", False))
    braf = biomarkers.get("braf_v600e", "unknown")
    if braf != "unknown":
        observations.append(
            _variant(
                patient_id,
                "HGNC:1097",
                braf == "present",
                "p.Val600Glu" if braf == "present" else "",
            )
        )
    msi = biomarkers.get("msi", "unknown")
    if msi != "unknown":
        observations.append(
            _observation(
                codes.MSI,
                patient_id,
                valueCodeableConcept={"text": "MSI-H" if msi == "msi_high" else "MSS"},
            )
        )
    structures = []
    for index, lesion in enumerate(case.get("liver", {}).get("lesions", [])):
        structure_id = f"lesion-{index + 1}"
        structures.append(
            {
                "resourceType": "BodyStructure",
                "id": structure_id,
                "patient": ref,
                "location": {
                    "text": f"Liver, segment {_ROMAN[lesion['segment'] - 1]}",
                    "coding": [{"system": codes.SNOMED, "code": codes.LIVER_STRUCTURE}],
                },
            }
        )
        observations.append(
            _observation(
                "21889-1",
                patient_id,
                focus=[{"reference": f"BodyStructure/{structure_id}"}],
                valueQuantity={"value": lesion["size_mm"], "unit": "mm", "code": "mm"},
            )
        )
    procedures = []
    if not primary.get("in_situ", True):
        procedures.append(
            {
                "resourceType": "Procedure",
                "id": "primary-resection",
                "status": "completed",
                "subject": ref,
                "code": _concept(codes.SNOMED, codes.COLECTOMY, "Colectomy"),
                "performedDateTime": resected.isoformat(),
            }
        )
    return {
        "patient": resource,
        "conditions": _bundle(conditions),
        "observations": _bundle(observations),
        "bodyStructures": _bundle(structures),
        "procedures": _bundle(procedures),
    }


def patient_view_request(*, patient_id: str, prefetch: dict[str, Any]) -> dict[str, Any]:
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "context": {"userId": "Practitioner/example", "patientId": patient_id},
        "prefetch": prefetch,
    }
