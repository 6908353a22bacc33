"""The liver map: a schematic SVG of the eight Couinaud segments with the case's lesions.

Drawn in the conventional frontal view (the patient's right on the left of the picture). Each
lesion is a circle in its segment, its radius growing with its size; where the pathway's lesion
plan gives modalities, the circle takes the colour of the first (preferred) one. A lesion with a
complete radiological response is drawn hollow and dashed, at its size before chemotherapy, and
the legend says so; nothing else is dashed (the caudate lobe, segment 1, is drawn solid and
darker, as it lies behind). The same markup
serves the browser pages and the printable summary (WeasyPrint renders inline SVG), so it uses
presentation attributes rather than page CSS.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 420, 250

# Polygons of a stylised liver, segment by segment (x, y points in the 420 x 250 box).
SEGMENT_SHAPES: dict[int, tuple[tuple[int, int], ...]] = {
    7: ((20, 70), (60, 30), (120, 22), (120, 120), (22, 125)),
    8: ((120, 22), (200, 18), (205, 120), (120, 120)),
    6: ((22, 125), (120, 120), (120, 205), (70, 200), (35, 170)),
    5: ((120, 120), (205, 120), (200, 215), (120, 205)),
    4: ((205, 120), (200, 18), (275, 28), (270, 210), (200, 215)),
    2: ((275, 28), (340, 45), (400, 80), (330, 110), (272, 112)),
    3: ((272, 112), (330, 110), (400, 80), (380, 130), (300, 175), (270, 180)),
}
# The caudate lobe lies behind; it is drawn as an inset ellipse at the hilum.
CAUDATE = {"cx": 200, "cy": 140, "rx": 30, "ry": 17}
LABEL_POSITIONS: dict[int, tuple[int, int]] = {
    7: (100, 45),
    8: (185, 40),
    6: (105, 140),
    5: (135, 200),
    4: (255, 48),
    2: (292, 52),
    3: (288, 168),
    1: (180, 145),
}
# Where a segment's lesions are placed (away from its label): its centre, then around it.
LESION_CENTRES: dict[int, tuple[int, int]] = {
    7: (66, 88),
    8: (158, 82),
    6: (68, 160),
    5: (165, 162),
    4: (238, 125),
    2: (330, 85),
    3: (326, 132),
    1: (208, 140),
}
MODALITY_COLOURS: dict[str, str] = {"RFA": "#d9480f", "MWA": "#7048e8", "SBRT": "#0c8599"}
NO_PLAN_COLOUR = "#343a40"
MODALITY_NAMES: dict[str, str] = {
    "RFA": "radiofrequency ablation",
    "MWA": "microwave ablation",
    "SBRT": "stereotactic body radiotherapy",
}


def lesion_radius(size_mm: float) -> float:
    """Radius in the picture: grows with the lesion's diameter, readable from 5 to 300 mm."""
    return round(min(34.0, max(4.0, 2.2 * math.sqrt(size_mm))), 1)


def _offsets(count: int) -> list[tuple[float, float]]:
    """Spread several lesions of one segment around its centre."""
    if count == 1:
        return [(0.0, 0.0)]
    spread = 16.0
    return [
        (
            spread * math.cos(2 * math.pi * index / count),
            spread * math.sin(2 * math.pi * index / count),
        )
        for index in range(count)
    ]


def _lesion_title(lesion: Mapping[str, Any], modalities: Sequence[str]) -> str:
    size = lesion["size_mm"]
    size_text = f"{size:g}" if isinstance(size, float) else str(size)
    parts = [f"Segment {lesion['segment']}, {size_text} mm"]
    if lesion.get("disappeared"):
        parts.append("disappeared after chemotherapy")
    if modalities:
        parts.append("ablation: " + ", ".join(modalities))
    return "; ".join(parts)


def _legend(items: list[tuple[str, str, bool]]) -> list[tuple[float, float, str, str, bool]]:
    """(x, y, text, colour, dashed) of each legend entry, in rows that fit the picture."""
    placed = []
    x, y = 14.0, 226.0
    for text, colour, dashed in items:
        width = 24 + 6.0 * len(text)  # the circle, the gap and about 6 units a character
        if x > 14 and x + width > WIDTH:
            x, y = 14.0, y + 16
        placed.append((x, y, text, colour, dashed))
        x += width + 10
    return placed


def _legend_item(x: float, y: float, text: str, colour: str, dashed: bool) -> SafeString:
    return format_html(
        '<circle cx="{}" cy="{}" r="6" fill="{}" fill-opacity="{}" stroke="{}" '
        'stroke-width="{}"{}/>'
        '<text x="{}" y="{}" font-size="11" font-family="sans-serif" fill="#1b1f24">{}</text>',
        x,
        y,
        colour,
        "0" if dashed else "0.6",
        colour,
        "1.5" if dashed else "0",
        mark_safe(' stroke-dasharray="3 2"') if dashed else "",
        x + 10,
        y + 4,
        text,
    )


def liver_map_svg(
    lesions: Sequence[Mapping[str, Any]],
    lesion_plan: Sequence[Mapping[str, Any]] = (),
    *,
    label: str = "Liver map",
) -> SafeString:
    """The map as inline SVG markup (escaped, safe to put in a template).

    `lesions` are the facts' `liver.lesions` (segment, size_mm, optional disappeared);
    `lesion_plan` the pathway's, which lists the same lesions in the same order when it is not
    empty.
    """
    plan = list(lesion_plan) if len(lesion_plan) == len(lesions) else []
    by_segment: dict[int, list[int]] = {}
    for index, lesion in enumerate(lesions):
        by_segment.setdefault(int(lesion["segment"]), []).append(index)

    circles = []
    descriptions = []
    for segment, indexes in sorted(by_segment.items()):
        centre_x, centre_y = LESION_CENTRES.get(segment, (WIDTH // 2, HEIGHT // 2))
        for (offset_x, offset_y), index in zip(_offsets(len(indexes)), indexes, strict=True):
            lesion = lesions[index]
            modalities = [str(m) for m in plan[index].get("modalities", [])] if plan else []
            colour = MODALITY_COLOURS.get(modalities[0], NO_PLAN_COLOUR) if modalities else None
            title = _lesion_title(lesion, modalities)
            descriptions.append(title)
            circles.append(
                format_html(
                    '<circle class="lesion" cx="{}" cy="{}" r="{}" fill="{}" fill-opacity="{}" '
                    'stroke="{}" stroke-width="2"{}><title>{}</title></circle>',
                    round(centre_x + offset_x, 1),
                    round(centre_y + offset_y, 1),
                    lesion_radius(float(lesion["size_mm"])),
                    colour or NO_PLAN_COLOUR,
                    "0" if lesion.get("disappeared") else ("0.55" if colour else "0.35"),
                    colour or NO_PLAN_COLOUR,
                    mark_safe(' stroke-dasharray="4 3"') if lesion.get("disappeared") else "",
                    title,
                )
            )

    segments = format_html_join(
        "",
        '<polygon points="{}" fill="#f4e1d2" stroke="#8a5a44" stroke-width="1.5"/>',
        ((" ".join(f"{x},{y}" for x, y in shape),) for shape in SEGMENT_SHAPES.values()),
    )
    caudate = format_html(
        '<ellipse cx="{}" cy="{}" rx="{}" ry="{}" fill="#dcbca6" stroke="#8a5a44" '
        'stroke-width="1.5"/>',
        CAUDATE["cx"],
        CAUDATE["cy"],
        CAUDATE["rx"],
        CAUDATE["ry"],
    )
    labels = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="13" font-family="sans-serif" fill="#5b3a29" '
        'text-anchor="middle">{}</text>',
        ((x, y, segment) for segment, (x, y) in LABEL_POSITIONS.items()),
    )
    used = sorted({p["modalities"][0] for p in plan if p.get("modalities")})
    legend_items = [("lesion, no ablation plan", NO_PLAN_COLOUR, False)] if not used else []
    legend_items += [
        (f"{MODALITY_NAMES.get(code, code)} (first choice)", MODALITY_COLOURS[code], False)
        for code in used
    ]
    if any(lesion.get("disappeared") for lesion in lesions):
        legend_items.append(("disappeared after chemotherapy", NO_PLAN_COLOUR, True))
    legend = format_html_join(
        "", "{}", ((_legend_item(*entry),) for entry in _legend(legend_items))
    )
    summary = "; ".join(descriptions) if descriptions else "no lesions recorded"
    return format_html(
        '<svg class="liver-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'width="{}" height="{}" role="img" aria-label="{}">'
        "<title>{}</title><desc>{}</desc>{}{}{}{}{}</svg>",
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        f"{label}: {summary}",
        label,
        summary,
        segments,
        caudate,
        labels,
        mark_safe("".join(circles)),  # noqa: S308 - each circle was built with format_html
        legend,
    )
