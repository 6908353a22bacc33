"""The case facts: the pathway's input (SPEC section 1), read, written and described.

`parse_facts` turns the JSON object a caller sends into frozen `CaseFacts`, or raises
`FactsValidationError` listing every problem under its field path (`liver.lesions[1].segment`).
`facts_to_dict` writes facts back as the canonical input with every field present, and
`FACTS_JSON_SCHEMA` describes the input for the API documentation. All three come from the one
field table below, so a range or an allowed value is written once; the Django models import the
value lists and range constants for their choices and check constraints.

Plain Python, standard library only: the pathway knows nothing of HTTP or the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.pathways._validation import (
    ConsistencyRule,
    ObjectSpec,
    boolean,
    check_rules,
    choice,
    choice_set,
    dump_object,
    integer,
    number,
    object_list,
    object_schema,
    read_object,
    section,
)

# --- allowed values, in the SPEC's order ---------------------------------------------------------

SURGICAL_FITNESS = ("fit", "unfit")
PRIMARY_SITES = ("right_colon", "left_colon", "rectum")
SYMPTOMS = ("obstruction", "bleeding", "perforation")
TIMINGS = ("synchronous", "metachronous")
RAS_STATUSES = ("wild_type", "mutant", "unknown")
BRAF_STATUSES = ("absent", "present", "unknown")
MSI_STATUSES = ("msi_high", "mss", "unknown")
PARENCHYMA = ("normal", "chemotherapy_injury", "cirrhosis")
EXTRAHEPATIC_SITES = (
    "lung",
    "portocaval_nodes",
    "coeliac_or_paraaortic_nodes",
    "peritoneum",
    "ovary",
    "adrenal",
    "bone",
    "brain",
    "other",
)
RESPONSES = ("complete", "partial", "stable", "progressive")

# --- ranges (inclusive unless the name says otherwise) -------------------------------------------

AGE_MIN, AGE_MAX = 18, 110
ECOG_MIN, ECOG_MAX = 0, 4
SEGMENT_MIN, SEGMENT_MAX = 1, 8  # Couinaud
LESION_SIZE_MIN_MM = 0  # exclusive: a lesion has a size
LESION_SIZE_MAX_MM = 300
LESIONS_MIN, LESIONS_MAX = 1, 50  # lesions per case
HEPATIC_VEINS_MIN, HEPATIC_VEINS_MAX = 0, 3
FLR_MIN, FLR_MAX = 0, 100  # planned future liver remnant, percent
DISEASE_FREE_INTERVAL_MONTHS_MIN = 0
CEA_NG_ML_MIN = 0
PRIOR_LINES_MIN, PRIOR_LINES_MAX = 0, 10  # systemic lines before the current one
CYCLES_MIN, CYCLES_MAX = 0, 50  # preoperative cycles in the current course

# ECOG at or below this makes a patient surgically fit unless the board says otherwise.
FIT_ECOG_MAX = 2


# --- the typed facts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PatientFacts:
    age: int
    ecog: int
    surgical_fitness: str | None  # as given; None means "follow ECOG"
    declines_surgery: bool

    @property
    def effective_surgical_fitness(self) -> str:
        if self.surgical_fitness is not None:
            return self.surgical_fitness
        return "fit" if self.ecog <= FIT_ECOG_MAX else "unfit"


@dataclass(frozen=True, slots=True)
class PrimaryFacts:
    site: str
    in_situ: bool
    symptoms: tuple[str, ...]  # a set, kept in the order of SYMPTOMS
    node_positive: bool | None


@dataclass(frozen=True, slots=True)
class PresentationFacts:
    timing: str
    disease_free_interval_months: float | None
    prior_hepatectomy: bool


@dataclass(frozen=True, slots=True)
class BiomarkerFacts:
    ras: str
    braf_v600e: str
    msi: str
    cea_ng_ml: float | None


@dataclass(frozen=True, slots=True)
class LesionFacts:
    segment: int
    size_mm: float
    near_major_vessel: bool
    peribiliary: bool
    subcapsular_or_dome: bool
    disappeared: bool


@dataclass(frozen=True, slots=True)
class LiverFacts:
    lesions: tuple[LesionFacts, ...]
    hepatic_veins_involved: int
    both_portal_pedicles_involved: bool
    flr_percent: float | None
    parenchyma: str
    r0_feasible: bool | None


@dataclass(frozen=True, slots=True)
class ExtrahepaticSiteFacts:
    site: str
    resectable: bool


@dataclass(frozen=True, slots=True)
class ExtrahepaticFacts:
    sites: tuple[ExtrahepaticSiteFacts, ...]


@dataclass(frozen=True, slots=True)
class TreatmentFacts:
    prior_systemic_lines: int
    preoperative_cycles: int
    latest_response: str | None
    chemo_refractory: bool


@dataclass(frozen=True, slots=True)
class WorkupFacts:
    mri_hepatospecific_done: bool
    pet_ct_done: bool
    colonoscopy_within_6_months: bool


@dataclass(frozen=True, slots=True)
class CaseFacts:
    patient: PatientFacts
    primary: PrimaryFacts
    presentation: PresentationFacts
    biomarkers: BiomarkerFacts
    liver: LiverFacts
    extrahepatic: ExtrahepaticFacts
    treatment: TreatmentFacts
    workup: WorkupFacts


class FactsValidationError(ValueError):
    """The case facts break SPEC section 1; `errors` maps each field path to its message."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "Invalid case facts: " + "; ".join(
            f"{path or '<body>'}: {' '.join(messages)}" for path, messages in self.errors.items()
        )


# --- the field table (SPEC section 1, in its order) ----------------------------------------------


def _spec(build: type, description: str, *fields: Any) -> ObjectSpec:
    return ObjectSpec({fld.name: fld for fld in fields}, build, description)


_PATIENT = _spec(
    PatientFacts,
    "The patient.",
    integer("age", AGE_MIN, AGE_MAX, "Age in years.", required=True),
    integer("ecog", ECOG_MIN, ECOG_MAX, "ECOG performance status.", required=True),
    choice(
        "surgical_fitness",
        SURGICAL_FITNESS,
        "Fitness for liver surgery; when null or absent: fit when ecog <= 2, else unfit.",
    ),
    boolean("declines_surgery", "The patient declines surgery.", default=False),
)
_PRIMARY = _spec(
    PrimaryFacts,
    "The primary colorectal tumour.",
    choice(
        "site",
        PRIMARY_SITES,
        "right_colon (caecum to transverse), left_colon (splenic flexure to sigmoid) or rectum.",
        required=True,
    ),
    boolean("in_situ", "The primary has not been resected.", required=True),
    choice_set("symptoms", SYMPTOMS, "Symptoms of the primary, each at most once."),
    boolean("node_positive", "Lymph nodes of the primary involved; null when unknown."),
)
_PRESENTATION = _spec(
    PresentationFacts,
    "How the liver metastases presented.",
    choice("timing", TIMINGS, "Timing of the liver metastases.", required=True),
    number(
        "disease_free_interval_months",
        "Metachronous only: months from the primary's treatment to the liver metastases; "
        "null when unknown.",
        low=DISEASE_FREE_INTERVAL_MONTHS_MIN,
    ),
    boolean(
        "prior_hepatectomy",
        "This is a liver recurrence after an earlier hepatectomy.",
        default=False,
    ),
)
_BIOMARKERS = _spec(
    BiomarkerFacts,
    "Tumour biomarkers and CEA.",
    choice("ras", RAS_STATUSES, "KRAS and NRAS status.", default="unknown"),
    choice("braf_v600e", BRAF_STATUSES, "BRAF V600E mutation.", default="unknown"),
    choice("msi", MSI_STATUSES, "msi_high (MSI-high or dMMR), mss or unknown.", default="unknown"),
    number("cea_ng_ml", "Serum CEA in ng/mL; null when unknown.", low=CEA_NG_ML_MIN),
)
_LESION = _spec(
    LesionFacts,
    "One liver metastasis.",
    integer("segment", SEGMENT_MIN, SEGMENT_MAX, "Couinaud segment.", required=True),
    number(
        "size_mm",
        "Largest diameter in mm (before chemotherapy when it has disappeared).",
        low=LESION_SIZE_MIN_MM,
        high=LESION_SIZE_MAX_MM,
        exclusive_low=True,
        required=True,
    ),
    boolean("near_major_vessel", "Next to a major vessel (heat sink).", default=False),
    boolean("peribiliary", "Next to a major bile duct.", default=False),
    boolean("subcapsular_or_dome", "Subcapsular or at the liver dome.", default=False),
    boolean(
        "disappeared",
        "Complete radiological response after chemotherapy; the lesion still counts, at its "
        "size before chemotherapy.",
        default=False,
    ),
)
_LIVER = _spec(
    LiverFacts,
    "The liver disease.",
    object_list(
        "lesions",
        _LESION,
        f"The liver metastases, {LESIONS_MIN} to {LESIONS_MAX}.",
        f"Must be a list of {LESIONS_MIN} to {LESIONS_MAX} lesions.",
        required=True,
        min_items=LESIONS_MIN,
        max_items=LESIONS_MAX,
    ),
    integer(
        "hepatic_veins_involved",
        HEPATIC_VEINS_MIN,
        HEPATIC_VEINS_MAX,
        "Main hepatic veins involved by tumour.",
        default=0,
    ),
    boolean(
        "both_portal_pedicles_involved",
        "Both portal pedicles involved by tumour.",
        default=False,
    ),
    number(
        "flr_percent",
        "Planned future liver remnant, % of total functional liver volume; null when unknown.",
        low=FLR_MIN,
        high=FLR_MAX,
    ),
    choice("parenchyma", PARENCHYMA, "State of the liver parenchyma.", default="normal"),
    boolean(
        "r0_feasible",
        "The liver surgeon's judgement that all liver disease can be removed with clear "
        "margins; null when not yet assessed.",
    ),
)
_EXTRAHEPATIC_SITE = _spec(
    ExtrahepaticSiteFacts,
    "One extrahepatic site.",
    choice(
        "site",
        EXTRAHEPATIC_SITES,
        "portocaval_nodes: hepatic hilar or porto-caval; coeliac_or_paraaortic_nodes: coeliac, "
        "para-aortic or aorto-caval.",
        required=True,
    ),
    boolean(
        "resectable",
        "Every metastasis at this site can be removed.",
        required=True,
    ),
)
_EXTRAHEPATIC = _spec(
    ExtrahepaticFacts,
    "Extrahepatic disease.",
    object_list(
        "sites",
        _EXTRAHEPATIC_SITE,
        "One entry per site with extrahepatic disease.",
        "Must be a list of {site, resectable} objects.",
        default=(),
        unique_by="site",
        duplicate_message="This site is already listed: give one entry per site.",
    ),
)
_TREATMENT = _spec(
    TreatmentFacts,
    "Systemic treatment so far.",
    integer(
        "prior_systemic_lines",
        PRIOR_LINES_MIN,
        PRIOR_LINES_MAX,
        "Systemic lines given before the current one.",
        default=0,
    ),
    integer(
        "preoperative_cycles",
        CYCLES_MIN,
        CYCLES_MAX,
        "Cycles of chemotherapy given so far in the current course, counted as 2-weekly cycles "
        "(a 3-weekly cycle counts 1.5, rounded down over the course).",
        default=0,
    ),
    choice(
        "latest_response",
        RESPONSES,
        "RECIST response in the current course; null when not assessed.",
    ),
    boolean(
        "chemo_refractory",
        "Progressed on fluoropyrimidine, oxaliplatin and irinotecan.",
        default=False,
    ),
)
_WORKUP = _spec(
    WorkupFacts,
    "Work-up already done.",
    boolean(
        "mri_hepatospecific_done",
        "Contrast-enhanced liver MRI with hepatospecific agent and DWI.",
        default=False,
    ),
    boolean("pet_ct_done", "PET-CT.", default=False),
    boolean("colonoscopy_within_6_months", "Colonoscopy within 6 months.", default=False),
)
_CASE = _spec(
    CaseFacts,
    "The case facts of a colorectal liver metastases case (SPEC section 1).",
    section("patient", _PATIENT),
    section("primary", _PRIMARY),
    section("presentation", _PRESENTATION),
    section("biomarkers", _BIOMARKERS),
    section("liver", _LIVER),
    section("extrahepatic", _EXTRAHEPATIC),
    section("treatment", _TREATMENT),
    section("workup", _WORKUP),
)

# Each rule names its fields in the SPEC's order; the error goes under the first.
CONSISTENCY_RULES = (
    ConsistencyRule(
        ("presentation.disease_free_interval_months", "presentation.timing"),
        lambda interval, timing: interval is not None and timing == "synchronous",
        "Must be null when the timing is synchronous: the disease-free interval is for "
        "metachronous metastases only.",
    ),
    ConsistencyRule(
        ("presentation.prior_hepatectomy", "presentation.timing"),
        lambda prior_hepatectomy, timing: prior_hepatectomy and timing == "synchronous",
        "Cannot be true when the timing is synchronous: a recurrence after a hepatectomy is "
        "metachronous.",
    ),
    ConsistencyRule(
        ("primary.symptoms", "primary.in_situ"),
        lambda symptoms, in_situ: bool(symptoms) and in_situ is False,
        "Must be empty when the primary is not in situ: symptoms belong to an unresected primary.",
    ),
    ConsistencyRule(
        ("treatment.latest_response", "treatment.preoperative_cycles"),
        lambda response, cycles: response is not None and cycles == 0,
        "Must be null when preoperative_cycles is 0: there is no response without treatment.",
    ),
    ConsistencyRule(
        (
            "treatment.chemo_refractory",
            "treatment.prior_systemic_lines",
            "treatment.preoperative_cycles",
        ),
        lambda refractory, lines, cycles: refractory and lines == 0 and cycles == 0,
        "Cannot be true when prior_systemic_lines and preoperative_cycles are both 0.",
    ),
    ConsistencyRule(
        ("patient.surgical_fitness", "patient.ecog"),
        lambda fitness, ecog: fitness == "fit" and ecog == 4,
        "Cannot be fit when ecog is 4.",
    ),
)


# --- the public functions ------------------------------------------------------------------------


def parse_facts(data: object) -> CaseFacts:
    """Validate a decoded JSON body against SPEC section 1 and return its facts.

    Raises FactsValidationError with every error at once, each under its field path.
    """
    if not isinstance(data, dict):
        raise FactsValidationError({"": ["The case facts must be a JSON object."]})
    errors: dict[str, list[str]] = {}
    facts = read_object(_CASE, data, "", errors)
    check_rules(CONSISTENCY_RULES, facts, errors)
    if errors:
        raise FactsValidationError(errors)
    return facts  # type: ignore[no-any-return]


def facts_to_dict(facts: CaseFacts) -> dict[str, Any]:
    """The canonical input for `facts`: every field present, in the SPEC's order, JSON-ready.

    surgical_fitness stays null when it was not given, so the ECOG default still applies if
    ECOG is later corrected.
    """
    return dump_object(_CASE, facts)


FACTS_JSON_SCHEMA: dict[str, Any] = object_schema(
    _CASE, {rule.fields[0]: f"Rule: {rule.message}" for rule in CONSISTENCY_RULES}
)
