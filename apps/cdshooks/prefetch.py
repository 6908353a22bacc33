"""From the EHR's FHIR resources to the pathway's input (SPEC section 1): the one place that says
which standard resource and code each fact comes from.

The service declares its prefetch templates (PREFETCH); the EHR sends the Patient and four
search Bundles. Each fact is read from standard codes (mCODE-style), the latest usable value
winning (status not entered-in-error or cancelled):

- patient.age: Patient.birthDate, the age today.
- patient.ecog: Observation LOINC 89247-1 (valueInteger, or a LOINC answer LA9622-7..LA9626-8).
- biomarkers.cea_ng_ml: Observation LOINC 2039-6, in ng/mL (the same as µg/L).
- biomarkers.ras: Observation LOINC 69548-6 (genetic variant assessment) whose gene (component
  48018-6) is HGNC:6407 KRAS or HGNC:7989 NRAS, value LA9633-4 present / LA9634-2 absent;
  wild type only when both genes were tested absent [choice: RAS is KRAS and NRAS].
- biomarkers.braf_v600e: the same with HGNC:1097 BRAF; present needs the amino acid change
  (component 48005-3) p.Val600Glu / V600E; a BRAF mutation not named stays unknown.
- biomarkers.msi: Observation LOINC 81695-9, MSI-H or dMMR (msi_high), MSS or MSI-L (mss).
- primary.site: Condition SNOMED 363406005 / 93761005 (colon), 363351006 / 93984006 (rectum)
  or ICD-10 C18-C20; the side from its bodySite (SNOMED) or the ICD-10 subcode.
- primary.in_situ: no completed colorectal resection among the Procedures (the `procedures`
  prefetch; without it the fact is unknown).
- presentation.timing: synchronous when the liver metastases' Condition (SNOMED 94381002,
  ICD-10 C78.7) has its onset before the primary's resection or within 6 months of the
  primary's onset [choice: the usual window]; else metachronous, the disease-free interval in
  months from the resection.
- presentation.prior_hepatectomy: a completed hepatectomy among the Procedures.
- liver.lesions: a BodyStructure per lesion located in the liver, its Couinaud segment in the
  location's text or display ("Liver, segment VI", "S6"); its size from an Observation LOINC
  21889-1 or 33728-7 whose focus is that BodyStructure (mm, or cm converted).
- extrahepatic.sites: active Conditions of a secondary malignancy (ICD-10 C77-C79, SNOMED
  128462008 with a bodySite, or 94391008 lung / 94222008 bone / 94225005 brain).

Everything else takes the SPEC's default. What the resources cannot say (an extrahepatic site's
resectability, say) is left out, so the pathway's own validation names the missing input and
the card asks for it: the service never guesses a required fact.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from .fhir_values import (
    as_dict,
    as_list,
    codes_of,
    codings,
    fhir_date,
    quantity,
    resources,
    when,
    words_of,
)

PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "conditions": "Condition?patient={{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}",
    "bodyStructures": "BodyStructure?patient={{context.patientId}}",
    "procedures": "Procedure?patient={{context.patientId}}",
}

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
HGNC = "http://www.genenames.org"
V2_IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"

ECOG = "89247-1"
ECOG_ANSWERS = {"LA9622-7": 0, "LA9623-5": 1, "LA9624-3": 2, "LA9625-0": 3, "LA9626-8": 4}
CEA = "2039-6"
VARIANT = "69548-6"
GENE_STUDIED = "48018-6"
AMINO_ACID_CHANGE = "48005-3"
PRESENT, ABSENT = "LA9633-4", "LA9634-2"
GENES = {"HGNC:6407": "KRAS", "HGNC:7989": "NRAS", "HGNC:1097": "BRAF"}
MSI = "81695-9"
TUMOUR_SIZE = {"21889-1", "33728-7"}

PRIMARY_SNOMED = {"363406005", "93761005"}  # colon
PRIMARY_RECTUM_SNOMED = {"363351006", "93984006"}
# bodySite of the primary (SNOMED) -> SPEC primary.site. The rectosigmoid junction is read as
# the left colon [choice]: SPEC's rectum is the rectum proper, and its sigmoid is left colon.
PRIMARY_SITES = {
    "32713005": "right_colon",  # caecum
    "9040008": "right_colon",  # ascending colon
    "48338005": "right_colon",  # hepatic flexure
    "485005": "right_colon",  # transverse colon
    "72592005": "left_colon",  # splenic flexure
    "32622004": "left_colon",  # descending colon
    "60184004": "left_colon",  # sigmoid colon
    "49832006": "left_colon",  # rectosigmoid junction
    "34402009": "rectum",
}
ICD10_PRIMARY = {
    "C18.0": "right_colon",
    "C18.2": "right_colon",
    "C18.3": "right_colon",
    "C18.4": "right_colon",
    "C18.5": "left_colon",
    "C18.6": "left_colon",
    "C18.7": "left_colon",
    "C19": "left_colon",
    "C20": "rectum",
}
LIVER_METASTASES = {"94381002", "C78.7"}
SECONDARY_MALIGNANCY = "128462008"
SECONDARY_SITES = {
    "94391008": "lung",
    "94222008": "bone",
    "94225005": "brain",
    "C78.0": "lung",
    "C78.6": "peritoneum",
    "C79.3": "brain",
    "C79.5": "bone",
    "C79.6": "ovary",
    "C79.7": "adrenal",
}
SECONDARY_BODY_SITES = {
    "39607008": "lung",
    "15425007": "peritoneum",
    "15497006": "ovary",
    "23451007": "adrenal",
    "272673000": "bone",
    "12738006": "brain",
}
LIVER_STRUCTURE = "10200004"
COLECTOMY = "23968004"
SYNCHRONOUS_WINDOW_MONTHS = 6  # [choice]: the usual window; the SPEC does not define one

_SEGMENT = re.compile(r"\b(?:segment|seg\.?|s)\s*([1-8]|viii|vii|vi|iv|v|iii|ii|i)\b", re.I)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8}
_RESECTION = re.compile(r"colectomy|proctectomy|resection|excision|hartmann", re.I)
_COLORECTAL = re.compile(r"colon|colic|rect|sigmoid|caec|cec", re.I)
_HEPATECTOMY = re.compile(r"hepatectomy|liver resection|segmentectomy of liver", re.I)


@dataclass
class PrefetchReading:
    """The pathway input read from the prefetch, the MRNs found on the Patient, and which
    prefetch keys were absent (the EHR may leave out what it cannot fetch)."""

    case: dict[str, Any]
    mrns: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)


def read_prefetch(prefetch: dict[str, Any], *, mrn_system: str = "") -> PrefetchReading:
    """The SPEC input (fields known only; the pathway's validation names what is missing)."""
    patient = as_dict(prefetch.get("patient"))
    conditions = list(resources(prefetch.get("conditions"), "Condition"))
    observations = list(resources(prefetch.get("observations"), "Observation"))
    structures = list(resources(prefetch.get("bodyStructures"), "BodyStructure"))
    procedures_given = isinstance(prefetch.get("procedures"), dict)
    procedures = list(resources(prefetch.get("procedures"), "Procedure"))
    case: dict[str, Any] = {
        "patient": {},
        "primary": {},
        "presentation": {},
        "biomarkers": {},
        "liver": {},
    }
    age = _age(patient.get("birthDate"))
    if age is not None:
        case["patient"]["age"] = age
    ecog = _latest_value(observations, {ECOG}, _ecog_value)
    if ecog is not None:
        case["patient"]["ecog"] = ecog
    cea = _latest_value(observations, {CEA}, quantity)
    if cea is not None:
        case["biomarkers"]["cea_ng_ml"] = cea
    case["biomarkers"].update(_genomics(observations))
    primary = next((item for item in conditions if _primary_site(item) is not False), None)
    site = _primary_site(primary) if primary is not None else None
    if site:
        case["primary"]["site"] = site
    resection = _procedure(procedures, _is_primary_resection)
    if procedures_given:
        case["primary"]["in_situ"] = resection is None
        if _procedure(procedures, _is_hepatectomy) is not None:
            case["presentation"]["prior_hepatectomy"] = True
    liver = next(
        (item for item in conditions if codes_of(item.get("code")) & LIVER_METASTASES), None
    )
    case["presentation"].update(_timing(primary, liver, resection))
    case["liver"]["lesions"] = _lesions(structures, observations)
    sites = _extrahepatic_sites(conditions)
    if sites:
        case["extrahepatic"] = {"sites": [{"site": site} for site in sites]}
    absent = [key for key in PREFETCH if prefetch.get(key) is None]
    return PrefetchReading(case=case, mrns=_mrns(patient, mrn_system), absent=absent)


def _age(birth_date: Any) -> int | None:
    born, today = fhir_date(birth_date), datetime.date.today()
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _mrns(patient: dict[str, Any], system: str) -> list[str]:
    found = []
    for identifier in as_list(patient.get("identifier")):
        identifier = as_dict(identifier)
        value = identifier.get("value")
        if not isinstance(value, str) or not value:
            continue
        typed_mr = any(
            coding.get("code") == "MR"
            and coding.get("system", V2_IDENTIFIER_TYPE) == V2_IDENTIFIER_TYPE
            for coding in codings(identifier.get("type"))
        )
        if (system and identifier.get("system") == system) or (not system and typed_mr):
            found.append(value)
    return found


# --- observations --------------------------------------------------------------------------------


def _latest_value(observations: list[dict[str, Any]], codes: set[str], read: Any) -> Any:
    dated = [
        (when(item) or datetime.date.min, value)
        for item in observations
        if codes_of(item.get("code")) & codes and (value := read(item)) is not None
    ]
    return max(dated, key=lambda pair: pair[0])[1] if dated else None


def _ecog_value(item: dict[str, Any]) -> int | None:
    value = item.get("valueInteger")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    for code in codes_of(item.get("valueCodeableConcept")):
        if code in ECOG_ANSWERS:
            return ECOG_ANSWERS[code]
        if code in {"0", "1", "2", "3", "4"}:
            return int(code)
    return None


def _component(item: dict[str, Any], code: str) -> dict[str, Any]:
    return next(
        (
            as_dict(part)
            for part in as_list(item.get("component"))
            if code in codes_of(as_dict(part).get("code"))
        ),
        {},
    )


def _genomics(observations: list[dict[str, Any]]) -> dict[str, str]:
    found: dict[str, str] = {}  # gene -> present/absent (the latest)
    braf_v600e: bool | None = None
    for item in sorted(observations, key=lambda item: when(item) or datetime.date.min):
        if VARIANT not in codes_of(item.get("code")):
            continue
        gene_concept = _component(item, GENE_STUDIED).get("valueCodeableConcept")
        gene = next((GENES[code] for code in codes_of(gene_concept) if code in GENES), None)
        gene = gene or next(
            (name for name in GENES.values() if name in words_of(gene_concept)), None
        )
        answered = codes_of(item.get("valueCodeableConcept"))
        state = "present" if PRESENT in answered else "absent" if ABSENT in answered else None
        if gene is None or state is None:
            continue
        found[gene] = state
        if gene == "BRAF":
            change = _component(item, AMINO_ACID_CHANGE)
            text = (
                f"{words_of(change.get('valueCodeableConcept'))} {change.get('valueString') or ''}"
            )
            braf_v600e = state == "present" and bool(re.search(r"V600E|Val600Glu", text, re.I))
            if state == "present" and not text.strip():
                braf_v600e = None  # a BRAF mutation, which one unsaid: V600E stays unknown
    answer: dict[str, str] = {}
    if "present" in (found.get("KRAS"), found.get("NRAS")):
        answer["ras"] = "mutant"
    elif found.get("KRAS") == found.get("NRAS") == "absent":
        answer["ras"] = "wild_type"
    if "BRAF" in found and (found["BRAF"] == "absent" or braf_v600e is not None):
        answer["braf_v600e"] = "present" if braf_v600e else "absent"
    msi = _latest_value(observations, {MSI}, _msi_value)
    if msi is not None:
        answer["msi"] = msi
    return answer


def _msi_value(item: dict[str, Any]) -> str | None:
    text = f"{words_of(item.get('valueCodeableConcept'))} {item.get('valueString') or ''}".lower()
    if "msi-h" in text or "high" in text or "dmmr" in text:
        return "msi_high"
    if "mss" in text or "stable" in text or "msi-l" in text or "low" in text:
        return "mss"
    return None


# --- conditions, procedures, lesions -------------------------------------------------------------


def _primary_site(condition: dict[str, Any] | None) -> str | bool | None:
    """The SPEC site of a primary colorectal cancer Condition; None when its side is unsaid;
    False when the Condition is not a colorectal primary."""
    codes = codes_of(as_dict(condition).get("code"))
    icd = next((code for code in codes if re.match(r"^C(18|19|20)\b", code)), None)
    if not (codes & (PRIMARY_SNOMED | PRIMARY_RECTUM_SNOMED) or icd):
        return False
    for site in as_list(as_dict(condition).get("bodySite")):
        for code in codes_of(site):
            if code in PRIMARY_SITES:
                return PRIMARY_SITES[code]
    if icd in ICD10_PRIMARY:
        return ICD10_PRIMARY[icd]
    return "rectum" if codes & PRIMARY_RECTUM_SNOMED else None


def _is_primary_resection(procedure: dict[str, Any]) -> bool:
    words = words_of(procedure.get("code"))
    sites = " ".join(words_of(site) for site in as_list(procedure.get("bodySite")))
    codes = codes_of(procedure.get("code")) | {
        code for site in as_list(procedure.get("bodySite")) for code in codes_of(site)
    }
    colorectal = bool(_COLORECTAL.search(f"{words} {sites}")) or bool(codes & set(PRIMARY_SITES))
    return COLECTOMY in codes or (bool(_RESECTION.search(words)) and colorectal)


def _is_hepatectomy(procedure: dict[str, Any]) -> bool:
    return bool(_HEPATECTOMY.search(words_of(procedure.get("code"))))


def _procedure(procedures: list[dict[str, Any]], test: Any) -> dict[str, Any] | None:
    done = [item for item in procedures if item.get("status") in (None, "completed") and test(item)]
    return min(done, key=lambda item: when(item) or datetime.date.max) if done else None


def _months(start: datetime.date, end: datetime.date) -> float:
    return round((end - start).days / 30.4375, 1)


def _timing(
    primary: dict[str, Any] | None, liver: dict[str, Any] | None, resection: dict[str, Any] | None
) -> dict[str, Any]:
    diagnosed = when(primary) if primary is not None else None
    liver_found = when(liver) if liver is not None else None
    resected = when(resection) if resection is not None else None
    if liver_found is None or (diagnosed is None and resected is None):
        return {}
    before_resection = resected is not None and liver_found <= resected
    within_window = (
        diagnosed is not None and _months(diagnosed, liver_found) <= SYNCHRONOUS_WINDOW_MONTHS
    )
    if before_resection or within_window:
        return {"timing": "synchronous"}
    interval = _months(resected, liver_found) if resected is not None else None
    return {"timing": "metachronous", "disease_free_interval_months": interval}


def _lesions(
    structures: list[dict[str, Any]], observations: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    sizes: dict[str, tuple[datetime.date, float]] = {}
    for item in observations:
        if not codes_of(item.get("code")) & TUMOUR_SIZE:
            continue
        size = quantity(item)
        for focus in as_list(item.get("focus")):
            reference = str(as_dict(focus).get("reference") or "")
            measured = when(item) or datetime.date.min
            newer = reference not in sizes or measured >= sizes[reference][0]
            if size is not None and reference.startswith("BodyStructure/") and newer:
                sizes[reference] = (measured, size)
    lesions = []
    for structure in structures:
        if structure.get("active") is False:
            continue
        locations = [structure.get("location")] + [
            as_dict(item).get("structure") for item in as_list(structure.get("includedStructure"))
        ]
        text = " ".join(words_of(location) for location in locations)
        in_liver = LIVER_STRUCTURE in set().union(*(codes_of(location) for location in locations))
        segment = _SEGMENT.search(text)
        if not (in_liver or "liver" in text.lower() or "hepat" in text.lower() or segment):
            continue
        lesion: dict[str, Any] = {}
        if segment:
            token = segment[1].lower()
            lesion["segment"] = int(token) if token.isdigit() else _ROMAN[token]
        measurement = sizes.get(f"BodyStructure/{structure.get('id')}")
        if measurement is not None:
            lesion["size_mm"] = measurement[1]
        lesions.append(lesion)
    return lesions


def _extrahepatic_sites(conditions: list[dict[str, Any]]) -> list[str]:
    sites: list[str] = []
    for condition in conditions:
        status = codes_of(condition.get("clinicalStatus"))
        if status & {"inactive", "resolved", "remission"}:
            continue
        codes = codes_of(condition.get("code"))
        if codes & LIVER_METASTASES:
            continue
        site = next((SECONDARY_SITES[code] for code in codes if code in SECONDARY_SITES), None)
        if site is None and (
            SECONDARY_MALIGNANCY in codes or any(c.startswith(("C77", "C78", "C79")) for c in codes)
        ):
            body = {code for part in as_list(condition.get("bodySite")) for code in codes_of(part)}
            site = next(
                (SECONDARY_BODY_SITES[code] for code in body if code in SECONDARY_BODY_SITES),
                "other",
            )
        if site is not None and site not in sites:
            sites.append(site)
    return sites
