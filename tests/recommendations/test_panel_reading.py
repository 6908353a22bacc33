"""The ten-second read: the recommendation panel (case page, review page), the presentation
screen and the printed record show the summary sentence first, the primary with its regimen in
one line, the cautions open and the information collapsed, the trace collapsed, and words
rather than codes."""

import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string

from apps.pathways.registry import evaluate_input
from apps.pathways.result import result_to_dict
from apps.recommendations.presentation import REGIMEN_CODES, SYSTEMIC_PRIMARIES, panel_context
from tests.conftest import EXAMPLES, EXAMPLES_2027

CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


class Reader(HTMLParser):
    """The text a person sees, with the element path of every piece, and the elements by
    data-testid."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.pieces: list[tuple[str, list[tuple[str, dict[str, str | None]]]]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in {"br", "img", "input", "meta", "link", "circle", "path", "ellipse", "rect"}:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if data.strip():
            self.pieces.append((data, list(self.stack)))

    def text(self, *, testid: str | None = None, within_tag: str | None = None) -> str:
        chosen = [
            data
            for data, stack in self.pieces
            if (testid is None or any(attrs.get("data-testid") == testid for _, attrs in stack))
            and (within_tag is None or any(tag == within_tag for tag, _ in stack))
        ]
        return " ".join(" ".join(chosen).split())

    def visible_text(self) -> str:
        """Text outside collapsed <details> (their <summary> line shows), outside the map."""
        shown = []
        for data, stack in self.pieces:
            tags = [tag for tag, _ in stack]
            if "svg" in tags or "style" in tags:
                continue
            if "details" in tags and "summary" not in tags[tags.index("details") :]:
                continue
            shown.append(data)
        return " ".join(" ".join(shown).split())


def _read(result: dict, lesions: list) -> tuple[Reader, dict]:
    panel = panel_context(result, lesions)
    reader = Reader()
    reader.feed(render_to_string("recommendations/_panel.html", {"panel": panel}))
    return reader, panel


def _result(case: dict, version: str) -> dict:
    return result_to_dict(evaluate_input(case, version))


@pytest.mark.parametrize("name, document", EXAMPLES_2027, ids=[n for n, _ in EXAMPLES_2027])
def test_every_example_reads_summary_first_and_in_words(name, document):
    case = document["case"]
    result = _result(case, "crlm-2027.1")
    reader, panel = _read(result, case["liver"]["lesions"])

    # The summary sentence is the first thing under the heading, before the primary's box.
    first_after_heading = reader.pieces[1]
    assert any(a.get("data-testid") == "recommendation-summary" for _, a in first_after_heading[1])
    assert reader.text(testid="recommendation-summary") == result["summary"]

    primary = next(item for item in result["recommendations"] if item["role"] == "primary")
    line = reader.text(testid="primary-line")
    assert line.startswith(primary["title"])
    regimens = [
        item
        for item in result["recommendations"]
        if item["code"] in REGIMEN_CODES and item["role"] == "adjunct"
    ]
    if primary["code"] in SYSTEMIC_PRIMARIES and regimens:
        # The regimen reads in the primary's line, and is not listed again as an adjunct.
        assert line.lower().endswith(regimens[0]["title"].lower())
        assert f'data-code="{regimens[0]["code"]}" data-role="adjunct"' not in render_to_string(
            "recommendations/_panel.html", {"panel": panel}
        )
    else:
        assert line == primary["title"]

    visible = reader.visible_text()
    # Cautions are shown; notes for information are collapsed under their count.
    for warning in result["warnings"]:
        if warning["severity"] == "caution":
            assert warning["message"].split(":")[0][:40] in visible, warning["code"]
    infos = [w for w in result["warnings"] if w["severity"] == "info"]
    if infos:
        assert f"{len(infos)} note{'s' if len(infos) > 1 else ''} for information" in visible
        for info in infos:
            assert info["message"][:40] not in visible
    # The trace is collapsed: its steps are not on the screen until opened.
    assert f"How the pathway reached this ({len(result['trace'])} steps)" in visible
    assert result["trace"][0]["because"] not in visible
    # Words, not codes, wherever a person reads.
    assert not CODE.findall(visible), CODE.findall(visible)
    assert "(s)" not in visible


def test_disappeared_lesions_are_labelled_with_their_size_before_chemotherapy():
    document = dict(EXAMPLES_2027)["unfit-disappeared-lesion-ablation-plan"]
    case = document["case"]
    reader, _ = _read(_result(case, "crlm-2027.1"), case["liver"]["lesions"])
    visible = reader.visible_text()
    assert "30 mm (size before chemotherapy)" in visible
    assert "Disappeared after chemotherapy: nothing left to ablate" in visible
    assert "drawn at its size before chemotherapy" in visible


def test_the_fong_line_says_what_is_unknown_in_words():
    document = dict(EXAMPLES_2027)["resectable-small-lesions-ablation-alternative"]
    case = document["case"]
    case["primary"]["node_positive"] = None
    case["biomarkers"]["cea_ng_ml"] = None
    result = _result(case, "crlm-2027.1")
    reader, panel = _read(result, case["liver"]["lesions"])
    score, worst = result["fong"]["score"], result["fong"]["worst_case"]
    points = f"{score} point{'' if score == 1 else 's'} known"
    expected = f"{points}; up to {worst} if node status and CEA are positive"
    assert panel["fong"]["line"] == expected
    assert expected in reader.text(testid="fong-score")


def test_considered_and_not_chosen_is_a_short_visible_list():
    found = False
    for _, document in EXAMPLES_2027:
        result = _result(document["case"], "crlm-2027.1")
        considered = [line for line in result["trace"] if line["result"] == "not chosen"]
        if not considered:
            continue
        found = True
        reader, _ = _read(result, document["case"]["liver"]["lesions"])
        text = reader.text(testid="considered")
        assert text.startswith("Considered and not chosen")
        for line in considered:
            assert line["because"][:30] in text
    assert found, "no example considers an option it does not choose"


@pytest.mark.parametrize("name, document", EXAMPLES[:8], ids=[n for n, _ in EXAMPLES[:8]])
def test_a_crlm_2026_1_snapshot_still_reads_with_a_summary_written_for_it(name, document):
    result = _result(document["case"], "crlm-2026.1")
    assert "summary" not in result
    reader, panel = _read(result, document["case"]["liver"]["lesions"])
    summary = reader.text(testid="recommendation-summary")
    primary = next(item for item in result["recommendations"] if item["role"] == "primary")
    assert summary.startswith(primary["title"]) and summary.endswith(".")
    # An earlier version's warnings carry no severity: all are shown as cautions.
    assert len(panel["cautions"]) == len(result["warnings"]) and panel["infos"] == []
    assert not CODE.findall(reader.visible_text())
