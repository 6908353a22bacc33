"""The live recommendation panel beside the intake form, and the panel's presentation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.pathways.registry import evaluate_input
from apps.pathways.result import result_to_dict
from apps.recommendations.presentation import panel_context
from tests.conftest import EXAMPLES_2027, example
from tests.workspace.test_case_pages import intake_data

# The current version's examples: the panel evaluates with it.
EXPECTED = {name: document["expected"] for name, document in EXAMPLES_2027}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_preview_shows_each_examples_primary(client, coordinator, name):
    client.force_login(coordinator)
    response = client.post(
        reverse("workspace:preview"), intake_data(example(name)), HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    primary = EXPECTED[name]["primary"]
    assert response.status_code == 200
    assert f'data-testid="primary-recommendation" data-code="{primary}"' in html
    assert "never this service" in html
    for code in EXPECTED[name]["warnings"] + EXPECTED[name]["workup"]:
        assert f'data-code="{code}"' in html


def test_preview_lists_missing_fields_while_incomplete(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("workspace:preview"),
        {"patient.mrn": "X", "liver.lesions[0].segment": "9", "patient.ecog": "1"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Complete these fields to see the recommendation" in html
    assert "Primary tumour: Primary tumour site" in html
    assert "Lesion 1: Segment" in html
    assert "Patient: Birth date" in html  # the age comes from it
    assert "primary-recommendation" not in html


def test_preview_stores_nothing_and_needs_login(client, viewer):
    from apps.patients.models import MdtCase

    url = reverse("workspace:preview")
    data = intake_data(example("solitary-metachronous-low-risk"))
    assert client.post(url, data).status_code == 302
    client.force_login(viewer)  # evaluating writes nothing: every role may
    assert client.post(url, data).status_code == 200
    assert not MdtCase.objects.exists()


def test_panel_context_groups_and_resolves_citations():
    case = example("unfit-three-lesions-ablation-alone-45mm")
    panel = panel_context(result_to_dict(evaluate_input(case)), case["liver"]["lesions"])

    assert panel["primary"]["code"] == "LOCAL_ABLATIVE_THERAPY"
    assert [group["role"] for group in panel["groups"]] == ["adjunct"]
    citation = panel["primary"]["citations"][0]
    assert citation["title"].startswith("Karaoğlan BB")
    assert citation["section"] == "4) Local Therapies for Unresectable CRLMs"
    assert [c["state"] for c in panel["fong"]["criteria"]] == ["no", "yes", "no", "yes", "no"]
    assert panel["lesion_plan"][0]["modalities"][0]["code"] == "SBRT"
    assert 'fill="#0c8599"' in panel["liver_map"]  # SBRT colour for the 45 mm segment 3 lesion
    assert any(line["is_choice"] and line["choice"] for line in panel["trace"])


def test_panel_context_incomplete_fong_and_unknown_codes():
    case = example("incomplete-fong-large-lesion")
    result = result_to_dict(evaluate_input(case))
    result["recommendations"].append(
        {"code": "NEW_CODE", "role": "future_role", "title": "T", "rationale": "R",
         "citations": [{"source": "unknown-source", "section": "S"}]}
    )  # fmt: skip
    panel = panel_context(result, case["liver"]["lesions"])

    assert panel["fong"]["complete"] is False
    assert {c["state"] for c in panel["fong"]["criteria"]} >= {"unknown"}
    assert panel["groups"][-1]["role"] == "future_role"
    assert panel["groups"][-1]["items"][0]["citations"][0]["title"] == "unknown-source"
