"""The evidence the pathways cite: the source keys of `shared/pathways/SOURCES.md`.

Each source names its seed text (under `shared/seeds/`) so that a reader, or a test, can open it
and find the cited section heading.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    seed_file: str
    title: str


SOURCES: dict[str, Source] = {
    source.key: source
    for source in (
        Source(
            "crlm-therapies-review",
            "000_abe6d3b0f1a5590f.txt",
            "Review of liver metastases from colorectal cancer: natural history, pretreatment "
            "assessment, surgery, RFA, cryotherapy, hepatic artery chemotherapy, "
            "chemoembolization, portal vein embolization, immunotherapy, SIRT.",
        ),
        Source(
            "synchronous-crlm-review-2024",
            "001_30e374232b37c7de.txt",
            "Karaoğlan BB et al., Advancements in the Management of Synchronous Colorectal Liver "
            "Metastases: A Comprehensive Review of Surgical, Systemic, and Local Treatment "
            "Modalities, 2024 (CC BY 4.0).",
        ),
        Source(
            "liver-metastasis-concepts-review",
            "002_55dcefeb0a0da83a.txt",
            "Review of current concepts in liver metastasis: work-up imaging, FLR thresholds by "
            "liver condition, two-stage hepatectomy, HAI, TACE/DEBIRI, ablation, radiation, "
            "disappearing metastases, MDT composition.",
        ),
        Source(
            "crlm-surgical-strategy-review",
            "003_acb62d46863e7b83.txt",
            "Review of approaches to CRC liver metastasis: indications of resection, "
            "resectability groups, PVE, two-stage hepatectomy, simultaneous vs staged resection, "
            "conversion chemotherapy, extrahepatic disease, peritoneal metastases, repeat "
            "resection, ablation.",
        ),
        Source(
            "hai-fudr-xelox-study",
            "004_00dde3d27597f6c7.txt",
            "Single-centre study (54 patients): upfront hepatic arterial infusion of floxuridine "
            "with systemic XELOX for unresectable synchronous liver-only metastases with the "
            "primary in situ; 70.4% converted to resection.",
        ),
    )
}
