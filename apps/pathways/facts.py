"""The case facts: the pathway's input (SPEC section 1), read, written and described.

The typed facts below are declared once, as frozen msgspec structs whose annotations carry every
range, allowed value and description. From them come:
- `parse_facts`, which turns the JSON object a caller sends into `CaseFacts`, or raises
  `FactsValidationError` listing every problem under its field path (`liver.lesions[1].segment`);
- `facts_to_dict`, which writes facts back as the canonical input with every field present;
- `FACTS_JSON_SCHEMA`, the input described for the API documentation.
The Django models import the value lists and range constants for their choices and constraints.

Each pathway version reads its own input (`INPUTS`): `crlm-2027.1` added four fields and three
consistency rules to the input of `crlm-2026.1`, which still reads its own (the new fields are
unknown keys there). `parse_facts` reads the newest unless told which.

Reading is two-speed. A valid body is read in one pass by msgspec (compiled code, a few
microseconds), then checked against the rules no type can express (consistency, a value listed
twice). Anything msgspec refuses, a valid body it cannot read (`3.0` for an integer, a null
section) included, goes to the reader of `_validation`, which finds every error with its path.
Both readers work from the same declarations, and a test holds them to the same answers.

Plain Python (msgspec is a validation library, not a framework): the pathway knows nothing of
HTTP or the ORM.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

import msgspec
from msgspec import Meta, Struct

from apps.pathways._validation import (
    ConsistencyRule,
    InputSpec,
    ItemRule,
)

# --- allowed values, in the SPEC's order ---------------------------------------------------------

SurgicalFitness = Literal["fit", "unfit"]
PrimarySite = Literal["right_colon", "left_colon", "rectum"]
Symptom = Literal["obstruction", "bleeding", "perforation"]
Timing = Literal["synchronous", "metachronous"]
RasStatus = Literal["wild_type", "mutant", "unknown"]
BrafStatus = Literal["absent", "present", "unknown"]
MsiStatus = Literal["msi_high", "mss", "unknown"]
Parenchyma = Literal["normal", "chemotherapy_injury", "cirrhosis"]
PlannedResection = Literal["minor", "major"]
ExtrahepaticSite = Literal[
    "lung",
    "portocaval_nodes",
    "coeliac_or_paraaortic_nodes",
    "peritoneum",
    "ovary",
    "adrenal",
    "bone",
    "brain",
    "other",
]
Response = Literal["complete", "partial", "stable", "progressive"]

SURGICAL_FITNESS: tuple[str, ...] = get_args(SurgicalFitness)
PRIMARY_SITES: tuple[str, ...] = get_args(PrimarySite)
SYMPTOMS: tuple[str, ...] = get_args(Symptom)
TIMINGS: tuple[str, ...] = get_args(Timing)
RAS_STATUSES: tuple[str, ...] = get_args(RasStatus)
BRAF_STATUSES: tuple[str, ...] = get_args(BrafStatus)
MSI_STATUSES: tuple[str, ...] = get_args(MsiStatus)
PARENCHYMA: tuple[str, ...] = get_args(Parenchyma)
PLANNED_RESECTIONS: tuple[str, ...] = get_args(PlannedResection)
EXTRAHEPATIC_SITES: tuple[str, ...] = get_args(ExtrahepaticSite)
RESPONSES: tuple[str, ...] = get_args(Response)

# --- ranges (inclusive unless the name says otherwise) -------------------------------------------
# Written as literals in the annotations below too (a type annotation takes no expression); a
# test checks that each annotation says what its constant says.

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

# The largest finite float: an upper bound that only the infinities break, for the numbers the
# SPEC bounds only below (JSON has no infinity, but a caller in process may pass one).
_FINITE = 1.7976931348623157e308

# --- the typed facts -----------------------------------------------------------------------------
# Every struct forbids unknown keys: a misspelt field must not fall back to its default.


class PatientFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """The patient."""

    age: Annotated[int, Meta(ge=18, le=110, description="Age in years.")]
    ecog: Annotated[int, Meta(ge=0, le=4, description="ECOG performance status.")]
    surgical_fitness: Annotated[
        SurgicalFitness | None,
        Meta(
            description="Fitness for liver surgery; when null or absent: fit when ecog <= 2, "
            "else unfit."
        ),
    ] = None  # as given; None means "follow ECOG"
    declines_surgery: Annotated[bool, Meta(description="The patient declines surgery.")] = False

    @property
    def effective_surgical_fitness(self) -> str:
        if self.surgical_fitness is not None:
            return self.surgical_fitness
        return "fit" if self.ecog <= FIT_ECOG_MAX else "unfit"


class PrimaryFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """The primary colorectal tumour."""

    site: Annotated[
        PrimarySite,
        Meta(
            description="right_colon (caecum to transverse), left_colon (splenic flexure to "
            "sigmoid) or rectum."
        ),
    ]
    in_situ: Annotated[bool, Meta(description="The primary has not been resected.")]
    # A set, kept in the order of SYMPTOMS.
    symptoms: Annotated[
        tuple[Symptom, ...],
        Meta(description="Symptoms of the primary, each at most once.", extra={"set": True}),
    ] = ()
    node_positive: Annotated[
        bool | None, Meta(description="Lymph nodes of the primary involved; null when unknown.")
    ] = None


class PresentationFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """How the liver metastases presented."""

    timing: Annotated[Timing, Meta(description="Timing of the liver metastases.")]
    disease_free_interval_months: Annotated[
        Annotated[float, Meta(ge=0, le=_FINITE)] | None,
        Meta(
            description="Metachronous only: months from the primary's treatment to the liver "
            "metastases; null when unknown."
        ),
    ] = None
    prior_hepatectomy: Annotated[
        bool, Meta(description="This is a liver recurrence after an earlier hepatectomy.")
    ] = False


class BiomarkerFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """Tumour biomarkers and CEA."""

    ras: Annotated[RasStatus, Meta(description="KRAS and NRAS status.")] = "unknown"
    braf_v600e: Annotated[BrafStatus, Meta(description="BRAF V600E mutation.")] = "unknown"
    msi: Annotated[MsiStatus, Meta(description="msi_high (MSI-high or dMMR), mss or unknown.")] = (
        "unknown"
    )
    cea_ng_ml: Annotated[
        Annotated[float, Meta(ge=0, le=_FINITE)] | None,
        Meta(description="Serum CEA in ng/mL; null when unknown."),
    ] = None


class LesionFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """One liver metastasis."""

    segment: Annotated[int, Meta(ge=1, le=8, description="Couinaud segment.")]
    size_mm: Annotated[
        float,
        Meta(
            gt=0,
            le=300,
            description="Largest diameter in mm (before chemotherapy when it has disappeared).",
        ),
    ]
    near_major_vessel: Annotated[bool, Meta(description="Next to a major vessel (heat sink).")] = (
        False
    )
    peribiliary: Annotated[bool, Meta(description="Next to a major bile duct.")] = False
    subcapsular_or_dome: Annotated[bool, Meta(description="Subcapsular or at the liver dome.")] = (
        False
    )
    disappeared: Annotated[
        bool,
        Meta(
            description="Complete radiological response after chemotherapy; the lesion still "
            "counts, at its size before chemotherapy."
        ),
    ] = False


class LiverFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """The liver disease."""

    lesions: Annotated[
        tuple[LesionFacts, ...],
        Meta(
            min_length=1,
            max_length=50,
            description="The liver metastases, 1 to 50.",
            extra={"message": "Must be a list of 1 to 50 lesions."},
        ),
    ]
    hepatic_veins_involved: Annotated[
        int, Meta(ge=0, le=3, description="Main hepatic veins involved by tumour.")
    ] = 0
    both_portal_pedicles_involved: Annotated[
        bool, Meta(description="Both portal pedicles involved by tumour.")
    ] = False
    flr_percent: Annotated[
        Annotated[float, Meta(ge=0, le=100)] | None,
        Meta(
            description="Planned future liver remnant, % of total functional liver volume; null "
            "when unknown."
        ),
    ] = None
    parenchyma: Annotated[Parenchyma, Meta(description="State of the liver parenchyma.")] = "normal"
    r0_feasible: Annotated[
        bool | None,
        Meta(
            description="The liver surgeon's judgement that all liver disease can be removed "
            "with clear margins; null when not yet assessed."
        ),
    ] = None
    # crlm-2027.1 and later.
    planned_resection: Annotated[
        PlannedResection | None,
        Meta(
            description="The liver surgeon's planned extent of the hepatectomy: major is 3 or "
            "more contiguous segments (hemihepatectomy or more); null when not yet planned."
        ),
    ] = None


class ExtrahepaticSiteFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """One extrahepatic site."""

    site: Annotated[
        ExtrahepaticSite,
        Meta(
            description="portocaval_nodes: hepatic hilar or porto-caval; "
            "coeliac_or_paraaortic_nodes: coeliac, para-aortic or aorto-caval."
        ),
    ]
    resectable: Annotated[bool, Meta(description="Every metastasis at this site can be removed.")]


class ExtrahepaticFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """Extrahepatic disease."""

    sites: Annotated[
        tuple[ExtrahepaticSiteFacts, ...],
        Meta(
            description="One entry per site with extrahepatic disease.",
            extra={
                "message": "Must be a list of {site, resectable} objects.",
                "unique_by": "site",
                "duplicate_message": "This site is already listed: give one entry per site.",
            },
        ),
    ] = ()


class TreatmentFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """Systemic treatment so far."""

    prior_systemic_lines: Annotated[
        int,
        Meta(
            ge=0,
            le=10,
            description="Systemic lines given before the current one; adjuvant treatment of the "
            "primary is not a line.",
        ),
    ] = 0
    preoperative_cycles: Annotated[
        int,
        Meta(
            ge=0,
            le=50,
            description="Cycles of chemotherapy given so far in the current course, counted as "
            "2-weekly cycles (a 3-weekly cycle counts 1.5, rounded down over the course).",
        ),
    ] = 0
    latest_response: Annotated[
        Response | None,
        Meta(description="RECIST response in the current course; null when not assessed."),
    ] = None
    chemo_refractory: Annotated[
        bool, Meta(description="Progressed on fluoropyrimidine, oxaliplatin and irinotecan.")
    ] = False
    # crlm-2027.1 and later.
    bevacizumab_in_course: Annotated[
        bool, Meta(description="Bevacizumab is part of the current course.")
    ] = False
    adjuvant_oxaliplatin: Annotated[
        bool,
        Meta(
            description="Oxaliplatin was given as adjuvant treatment of the primary; it is not "
            "a prior systemic line."
        ),
    ] = False
    prior_immunotherapy: Annotated[
        bool,
        Meta(
            description="An immune checkpoint inhibitor (anti-PD-1, anti-PD-L1 or anti-CTLA-4) "
            "has already been given, in an earlier line or in the current course."
        ),
    ] = False


class WorkupFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """Work-up already done."""

    mri_hepatospecific_done: Annotated[
        bool,
        Meta(description="Contrast-enhanced liver MRI with hepatospecific agent and DWI."),
    ] = False
    pet_ct_done: Annotated[bool, Meta(description="PET-CT.")] = False
    colonoscopy_within_6_months: Annotated[
        bool, Meta(description="Colonoscopy within 6 months.")
    ] = False


class CaseFacts(Struct, frozen=True, forbid_unknown_fields=True):
    """The case facts of a colorectal liver metastases case (SPEC section 1)."""

    patient: PatientFacts
    primary: PrimaryFacts
    presentation: PresentationFacts
    liver: LiverFacts
    # A section whose fields are all optional may be left out: it reads as {}.
    biomarkers: BiomarkerFacts = msgspec.field(default_factory=BiomarkerFacts)
    extrahepatic: ExtrahepaticFacts = msgspec.field(default_factory=ExtrahepaticFacts)
    treatment: TreatmentFacts = msgspec.field(default_factory=TreatmentFacts)
    workup: WorkupFacts = msgspec.field(default_factory=WorkupFacts)


# The SPEC's order of the sections (the struct lists the required ones first).
SECTIONS = (
    "patient",
    "primary",
    "presentation",
    "biomarkers",
    "liver",
    "extrahepatic",
    "treatment",
    "workup",
)


class FactsValidationError(ValueError):
    """The case facts break SPEC section 1; `errors` maps each field path to its message."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors

    def __str__(self) -> str:
        return "Invalid case facts: " + "; ".join(
            f"{path or '<body>'}: {' '.join(messages)}" for path, messages in self.errors.items()
        )


# --- consistency rules ---------------------------------------------------------------------------
# Each rule names its fields in the SPEC's order; the error goes under the first.

RULES_2026_1 = (
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

RULES_2027_1 = (
    *RULES_2026_1,
    ConsistencyRule(
        ("treatment.adjuvant_oxaliplatin", "presentation.timing"),
        lambda adjuvant, timing: adjuvant and timing == "synchronous",
        "Cannot be true when the timing is synchronous: there is no adjuvant treatment of the "
        "primary before synchronous metastases.",
    ),
    ConsistencyRule(
        (
            "treatment.prior_immunotherapy",
            "treatment.prior_systemic_lines",
            "treatment.preoperative_cycles",
        ),
        lambda immunotherapy, lines, cycles: immunotherapy and lines == 0 and cycles == 0,
        "Cannot be true when prior_systemic_lines and preoperative_cycles are both 0: there was "
        "no systemic treatment to give it in (adjuvant oxaliplatin is not a line).",
    ),
)

# A lesion marked disappeared in a patient who has had no chemotherapy: reported under each
# such lesion. [choice] of crlm-2027.1: the record is contradictory, and a refusal is safer
# than a plan built on it.
ITEM_RULES_2027_1 = (
    ItemRule(
        "liver.lesions",
        "disappeared",
        ("treatment.preoperative_cycles", "treatment.prior_systemic_lines"),
        lambda disappeared, cycles, lines: disappeared and cycles == 0 and lines == 0,
        "Cannot be true when preoperative_cycles and prior_systemic_lines are both 0: a lesion "
        "disappears in response to chemotherapy.",
    ),
)

# The fields crlm-2027.1 added: unknown keys in the input of crlm-2026.1.
NEW_IN_2027_1 = (
    "liver.planned_resection",
    "treatment.bevacizumab_in_course",
    "treatment.adjuvant_oxaliplatin",
    "treatment.prior_immunotherapy",
)

INPUT_2026_1 = InputSpec(
    CaseFacts,
    order=SECTIONS,
    rules=RULES_2026_1,
    excluded=NEW_IN_2027_1,
    error=FactsValidationError,
)
INPUT_2027_1 = InputSpec(
    CaseFacts,
    order=SECTIONS,
    rules=RULES_2027_1,
    item_rules=ITEM_RULES_2027_1,
    error=FactsValidationError,
)
# Each pathway version's input; a version package names its own (registry.py).
INPUTS: dict[str, InputSpec] = {"crlm-2026.1": INPUT_2026_1, "crlm-2027.1": INPUT_2027_1}
LATEST_INPUT = "crlm-2027.1"


# --- the public functions ------------------------------------------------------------------------


def parse_facts(data: object, version: str = LATEST_INPUT) -> CaseFacts:
    """Validate a decoded JSON body against SPEC section 1 of `version` (the newest by default)
    and return its facts.

    Raises FactsValidationError with every error at once, each under its field path.
    """
    return INPUTS[version].parse(data)  # type: ignore[no-any-return]


def facts_to_dict(facts: CaseFacts, version: str = LATEST_INPUT) -> dict[str, Any]:
    """The canonical input of `version` for `facts`: every field present, in the SPEC's order,
    JSON-ready.

    surgical_fitness stays null when it was not given, so the ECOG default still applies if
    ECOG is later corrected.
    """
    return INPUTS[version].dump(facts)


def facts_json_schema(version: str = LATEST_INPUT) -> dict[str, Any]:
    """The input of `version` as an OpenAPI 3.0 schema."""
    return INPUTS[version].json_schema()


FACTS_JSON_SCHEMA: dict[str, Any] = facts_json_schema()
