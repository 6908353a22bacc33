"""A case's facts as a board member reads them first, in words: what the review page, the
projector screen and (through the same wording) the printed summary show about a case.

Built from a recommendation snapshot's facts (the pathway input the board's advice was made on),
so the lines say exactly what the recommendation was based on."""

from __future__ import annotations

from typing import Any

from apps.core.words import lower_words, words


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def facts_lines(facts: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The facts as (label, sentence) lines; [] when there are none."""
    if not facts:
        return []
    patient, primary = facts.get("patient", {}), facts.get("primary", {})
    presentation, biomarkers = facts.get("presentation", {}), facts.get("biomarkers", {})
    liver, treatment = facts.get("liver", {}), facts.get("treatment", {})
    lesions = liver.get("lesions", [])
    sizes = [lesion.get("size_mm") or 0 for lesion in lesions]
    segments = sorted({lesion.get("segment") for lesion in lesions if lesion.get("segment")})
    sites = facts.get("extrahepatic", {}).get("sites", [])

    age = patient.get("age")
    patient_line = f"{age} years" if age is not None else "Age not recorded"
    if patient.get("ecog") is not None:
        patient_line += f", ECOG performance status {patient['ecog']}"
    if patient.get("surgical_fitness"):
        patient_line += f", {lower_words(patient['surgical_fitness'], 'SurgicalFitness')}"
    if patient.get("declines_surgery"):
        patient_line += ", declines surgery"

    primary_line = words(primary.get("site"), "PrimarySite") or "Site not recorded"
    primary_line += ", still in place" if primary.get("in_situ") else ", resected"
    node = primary.get("node_positive")
    if node is not None:
        primary_line += ", node-positive" if node else ", node-negative"

    timing = presentation.get("timing")
    presentation_line = words(timing, "Timing") or "Timing not recorded"
    interval = presentation.get("disease_free_interval_months")
    if interval is not None:
        presentation_line += f", disease-free interval {_number(interval)} months"
    elif timing == "metachronous":
        presentation_line += ", disease-free interval not recorded"

    markers = [
        words(biomarkers.get("ras") or "unknown", "RasStatus"),
        words(biomarkers.get("braf_v600e") or "unknown", "BrafStatus"),
        lower_words(biomarkers.get("msi") or "unknown", "MsiStatus"),
    ]
    cea = biomarkers.get("cea_ng_ml")
    markers.append(f"CEA {_number(cea)} ng/mL" if cea is not None else "CEA not recorded")

    if lesions:
        liver_line = (
            f"{_count(len(lesions), 'lesion', 'lesions')}, largest {_number(max(sizes))} mm, "
            f"{'segment' if len(segments) == 1 else 'segments'} "
            f"{', '.join(str(s) for s in segments)}"
        )
    else:
        liver_line = "No lesions recorded"
    flr = liver.get("flr_percent")
    liver_line += (
        f"; future liver remnant {_number(flr)}%"
        if flr is not None
        else "; future liver remnant not measured"
    )
    if liver.get("parenchyma") and liver["parenchyma"] != "normal":
        liver_line += f"; {lower_words(liver['parenchyma'], 'Parenchyma')}"

    extrahepatic = "; ".join(
        f"{words(site.get('site'), 'ExtrahepaticSiteName')}"
        f" ({'resectable' if site.get('resectable') else 'not resectable'})"
        for site in sites
    )
    lines_given = treatment.get("prior_systemic_lines") or 0
    cycles = treatment.get("preoperative_cycles") or 0
    treatment_line = (
        f"{_count(lines_given, 'prior line', 'prior lines')} of systemic therapy, "
        f"{_count(cycles, 'cycle', 'cycles')} in the current course"
    )
    if treatment.get("latest_response"):
        response = lower_words(treatment["latest_response"], "Response")
        treatment_line += f"; latest response: {response}"
    return [
        ("Patient", patient_line),
        ("Primary tumour", primary_line),
        ("Presentation", presentation_line),
        ("Biomarkers", ", ".join(markers)),
        ("Liver", liver_line),
        ("Extrahepatic disease", extrahepatic or "None"),
        ("Treatment so far", treatment_line),
    ]
