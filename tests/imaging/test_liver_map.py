"""The liver map SVG: one circle per lesion, coloured by the first ablation modality, escaped."""

from __future__ import annotations

import re

from apps.imaging.liver_map import MODALITY_COLOURS, NO_PLAN_COLOUR, liver_map_svg


def _circles(svg: str) -> list[str]:
    return re.findall(r'<circle class="lesion"[^>]*>', svg)


def test_liver_map_draws_one_circle_per_lesion():
    lesions = [
        {"segment": 2, "size_mm": 10},
        {"segment": 2, "size_mm": 40},
        {"segment": 7, "size_mm": 120, "disappeared": True},
    ]
    svg = str(liver_map_svg(lesions))

    assert svg.startswith("<svg") and 'role="img"' in svg
    assert len(_circles(svg)) == 3
    assert all(f'fill="{NO_PLAN_COLOUR}"' in circle for circle in _circles(svg))
    assert sum('stroke-dasharray="4 3"' in circle for circle in _circles(svg)) == 1
    radii = [float(re.search(r'r="([\d.]+)"', c).group(1)) for c in _circles(svg)]
    assert radii[0] < radii[1] < radii[2]


def test_liver_map_colours_lesions_by_first_modality():
    lesions = [{"segment": 4, "size_mm": 15}, {"segment": 7, "size_mm": 28}]
    plan = [
        {"segment": 4, "size_mm": 15, "modalities": ["RFA", "MWA"]},
        {"segment": 7, "size_mm": 28, "modalities": ["SBRT"]},
    ]
    svg = str(liver_map_svg(lesions, plan))

    fills = [re.search(r'fill="([^"]+)"', c).group(1) for c in _circles(svg)]
    assert fills == [MODALITY_COLOURS["RFA"], MODALITY_COLOURS["SBRT"]]
    assert "ablation: RFA, MWA" in svg


def test_liver_map_ignores_a_plan_of_other_lesions():
    svg = str(liver_map_svg([{"segment": 1, "size_mm": 5}], [{"modalities": ["MWA"]}] * 2))
    assert MODALITY_COLOURS["MWA"] not in "".join(_circles(svg))


def test_liver_map_escapes_its_label():
    svg = str(liver_map_svg([], label='<script>alert("x")</script>'))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "no lesions recorded" in svg


def test_only_a_disappeared_lesion_is_dashed_and_the_legend_says_so():
    """Segment 1 (the caudate) was drawn dashed, as a disappeared lesion is, and the
    caption said "dashed: disappeared" whether or not any lesion had."""
    from apps.imaging.liver_map import liver_map_svg

    plain = str(liver_map_svg([{"segment": 1, "size_mm": 20}]))
    assert "stroke-dasharray" not in plain
    assert "disappeared" not in plain
    gone = str(liver_map_svg([{"segment": 6, "size_mm": 20, "disappeared": True}]))
    assert gone.count("stroke-dasharray") == 2  # the lesion and its legend entry
    assert "disappeared after chemotherapy" in gone
    assert 'fill-opacity="0"' in gone  # hollow
