"""POST /api/v1/pathway/evaluate/ (any facts through the pathway, nothing stored) and
GET /api/v1/pathway/ (the pathway's description)."""

import json
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.pathways import registry
from apps.pathways.result import RESECTABILITY, result_to_dict
from apps.recommendations.choices import Resectability
from apps.recommendations.models import RecommendationSnapshot
from tests.conftest import (
    EXAMPLES,
    EXAMPLES_2027,
    INVALID_EXAMPLES,
    INVALID_EXAMPLES_2027,
    example,
)

pytestmark = pytest.mark.django_db

OLD = "crlm-2026.1"
NEW = "crlm-2027.1"
# Every example of both versions, each evaluated with its own (the old one by `?version=`).
VERSIONED = [(name, document, OLD) for name, document in EXAMPLES] + [
    (name, document, NEW) for name, document in EXAMPLES_2027
]
VERSIONED_IDS = [f"{version}:{name}" for name, _, version in VERSIONED]
INVALID = [(name, document, OLD) for name, document in INVALID_EXAMPLES] + [
    (name, document, NEW) for name, document in INVALID_EXAMPLES_2027
]
INVALID_IDS = [f"{version}:{name}" for name, _, version in INVALID]
ANY_EXAMPLE = "solitary-metachronous-low-risk"
# Tables authentication reads: the token and its user, the user's groups (roles) and hospital.
AUTH_TABLES = ("knox_authtoken", "auth_user", "auth_group", "core_staffprofile", "core_hospital")


@pytest.fixture
def viewer_client(client_for, viewer):
    return client_for(viewer)


def _evaluate(client, body, version: str | None = None):
    url = reverse("api:pathway-evaluate")
    if version is not None:
        url += f"?version={version}"
    return client.post(url, body, format="json")


def _catalogue(version: str = registry.CURRENT_VERSION) -> dict[str, dict]:
    return {entry["code"]: entry for entry in registry.describe(version)["codes"]}


@pytest.mark.parametrize(("name", "document", "version"), VERSIONED, ids=VERSIONED_IDS)
def test_evaluate_example_answers_its_expected_result(viewer_client, name, document, version):
    expected = document["expected"]

    response = _evaluate(viewer_client, document["case"], None if version == NEW else version)

    assert response.status_code == 200, response.content
    result = response.json()
    assert result["pathway_version"] == version
    assert result["resectability"] == expected["resectability"]
    assert result["surgical_candidate"] == expected["surgical_candidate"]
    assert result["fong"]["score"] == expected["fong_score"]
    assert result["fong"]["worst_case"] == expected["fong_worst_case"]
    assert result["fong"]["complete"] == expected["fong_complete"]
    assert result["flr"]["required_percent"] == expected["flr_required_percent"]
    primaries = [item["code"] for item in result["recommendations"] if item["role"] == "primary"]
    assert primaries == [expected["primary"]]
    assert {item["code"]: item["role"] for item in result["recommendations"]} == expected[
        "recommendations"
    ]
    assert {item["code"] for item in result["warnings"]} == set(expected["warnings"])
    assert {item["code"] for item in result["workup"]} == set(expected["workup"])
    assert result["lesion_plan"] == expected["lesion_plan"]
    if version == NEW:
        assert result["summary"]
        severities = {item["code"]: item["severity"] for item in result["warnings"]}
        assert {code: severities[code] for code in expected["warning_severity"]} == expected[
            "warning_severity"
        ]
    else:
        assert "summary" not in result
        assert all("severity" not in item for item in result["warnings"])


@pytest.mark.parametrize(("name", "document", "version"), VERSIONED, ids=VERSIONED_IDS)
def test_evaluate_answers_the_engines_output_with_the_catalogues_citations(
    viewer_client, name, document, version
):
    result = _evaluate(viewer_client, document["case"], version).json()

    # The HTTP round trip adds and loses nothing.
    assert result == json.loads(
        json.dumps(result_to_dict(registry.evaluate_input(document["case"], version)))
    )
    catalogue = _catalogue(version)
    for group in ("recommendations", "warnings", "workup"):
        for item in result[group]:
            assert item["citations"] == catalogue[item["code"]]["citations"], item["code"]


@pytest.mark.parametrize(("name", "document", "version"), INVALID, ids=INVALID_IDS)
def test_evaluate_invalid_example_names_exactly_its_fields(viewer_client, name, document, version):
    response = _evaluate(viewer_client, document["case"], version)

    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert body["message"]
    assert set(body["errors"]) == set(document["errors"])
    assert all(
        messages and all(isinstance(m, str) for m in messages)
        for messages in body["errors"].values()
    )


@pytest.mark.parametrize("raw", ["[1, 2]", '"text"', "null", "42", "true", "[]"])
def test_evaluate_body_that_is_not_an_object_is_reported_under_the_empty_path(viewer_client, raw):
    response = viewer_client.post(
        reverse("api:pathway-evaluate"), raw, content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [""]


@pytest.mark.parametrize("raw", ["{bad", '{"patient": ', "\x00", "{'single': 'quotes'}"])
def test_evaluate_malformed_json_is_400_not_500(viewer_client, raw):
    response = viewer_client.post(
        reverse("api:pathway-evaluate"), raw, content_type="application/json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert list(body["errors"]) == [""]


def test_evaluate_empty_object_names_every_required_field(viewer_client):
    errors = _evaluate(viewer_client, {}).json()["errors"]

    assert {"patient.age", "patient.ecog", "primary.site", "liver.lesions"} <= set(errors)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_evaluate_non_finite_number_is_named_at_its_field(viewer_client, value):
    raw = json.dumps(example(ANY_EXAMPLE)).replace('"flr_percent": 65', f'"flr_percent": {value}')
    assert value in raw

    response = viewer_client.post(
        reverse("api:pathway-evaluate"), raw, content_type="application/json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["liver.flr_percent"]


def test_evaluate_needs_a_login(api_client):
    response = _evaluate(api_client, example(ANY_EXAMPLE))

    assert response.status_code == 401
    assert response.json()["message"]


@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
def test_evaluate_is_open_to_every_role(make_user, client_for, role):
    response = _evaluate(client_for(make_user(role)), example(ANY_EXAMPLE))

    assert response.status_code == 200


def test_evaluate_needs_a_role(make_user, client_for):
    response = _evaluate(client_for(make_user(None)), example(ANY_EXAMPLE))

    assert response.status_code == 403


def test_evaluate_answers_post_only(viewer_client):
    assert viewer_client.get(reverse("api:pathway-evaluate")).status_code == 405


def test_evaluate_reads_nothing_beyond_authentication_and_stores_nothing(
    client_for, viewer, django_assert_max_num_queries
):
    client = client_for(viewer, token=True)
    body = example("surgeon-review-pending-extensive")
    _evaluate(client, body)  # warm per-process caches

    # Two: the token with its user, staff profile and hospital in one, then the user's groups.
    with django_assert_max_num_queries(2), CaptureQueriesContext(connection) as queries:
        assert _evaluate(client, body).status_code == 200

    for query in queries.captured_queries:
        sql = query["sql"]
        assert sql.lstrip().upper().startswith("SELECT"), sql
        assert any(f'"{table}"' in sql for table in AUTH_TABLES), sql
    assert RecommendationSnapshot.objects.count() == 0


def test_evaluate_invalid_input_reads_nothing_beyond_authentication(
    client_for, viewer, django_assert_max_num_queries
):
    client = client_for(viewer, token=True)
    _evaluate(client, {})

    with django_assert_max_num_queries(2):
        assert _evaluate(client, {"patient": {"agee": 60}}).status_code == 400


# --- the response matches its description in the OpenAPI schema --------------------------------


def _check_against_schema(value, node, components, path="result"):
    """Every object has exactly the properties its schema lists, recursively."""
    while "$ref" in node or "allOf" in node:
        node = components[node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node["allOf"][0]
    if value is None:
        assert node.get("nullable") or "oneOf" in node, path
        return
    if "oneOf" in node:  # a nullable enum: the enum and NullEnum
        node = next(option for option in node["oneOf"] if "NullEnum" not in option.get("$ref", ""))
        _check_against_schema(value, node, components, path)
        return
    if "properties" in node:
        assert isinstance(value, dict), path
        # Every key declared; every required one present (a version's own keys are optional).
        assert set(value) <= set(node["properties"]), (path, set(value) - set(node["properties"]))
        assert set(node.get("required", [])) <= set(value), path
        for key, child in value.items():
            _check_against_schema(child, node["properties"][key], components, f"{path}.{key}")
    elif node.get("type") == "array":
        assert isinstance(value, list), path
        for index, item in enumerate(value):
            _check_against_schema(item, node["items"], components, f"{path}[{index}]")
    elif "enum" in node:
        assert value in node["enum"], path
    elif node.get("type") == "integer":
        assert isinstance(value, int) and not isinstance(value, bool), path
    elif node.get("type") == "number":
        assert isinstance(value, int | float) and math.isfinite(value), path
    elif node.get("type") == "boolean":
        assert isinstance(value, bool), path
    elif node.get("type") == "string":
        assert isinstance(value, str), path


@pytest.fixture
def schema(viewer_client):
    response = viewer_client.get(reverse("api-schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_evaluate_output_matches_its_schema(viewer_client, schema):
    components = schema["components"]["schemas"]
    operation = schema["paths"]["/api/v1/pathway/evaluate/"]["post"]
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    request = operation["requestBody"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/PathwayResult"}
    assert request == {"$ref": "#/components/schemas/CaseFactsRequest"}

    for _, document, version in VERSIONED:
        result = _evaluate(viewer_client, document["case"], version).json()
        _check_against_schema(result, answer, components)


@pytest.mark.parametrize("version", [OLD, NEW])
def test_describe_output_matches_its_schema(viewer_client, schema, version):
    components = schema["components"]["schemas"]
    answer = schema["paths"]["/api/v1/pathway/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    described = viewer_client.get(reverse("api:pathway-describe"), {"version": version}).json()
    assert described["version"] == version
    _check_against_schema(described, answer, components, "describe")


def test_resectability_choices_are_the_pathways():
    assert tuple(Resectability.values) == RESECTABILITY


# --- GET /api/v1/pathway/ -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "clinician", "viewer"])
def test_describe_lists_every_code_with_title_and_citations(make_user, client_for, role):
    from apps.pathways.crlm_2027_1 import CATALOGUE

    response = client_for(make_user(role)).get(reverse("api:pathway-describe"))

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == registry.CURRENT_VERSION
    assert body["title"]
    codes = {entry["code"]: entry for entry in body["codes"]}
    assert len(codes) == len(body["codes"]) == len(CATALOGUE)
    assert set(codes) == set(CATALOGUE)
    for code, entry in CATALOGUE.items():
        described = codes[code]
        assert described["title"] == entry.title
        assert described["kind"] == entry.kind
        assert described["citations"] == [
            {"source": citation.source, "section": citation.section} for citation in entry.citations
        ]
        assert described["citations"], code
    source_keys = {source["key"] for source in body["sources"]}
    assert {c["source"] for entry in body["codes"] for c in entry["citations"]} <= source_keys


def test_describe_covers_every_code_the_examples_answer(viewer_client):
    for _, document, version in VERSIONED:
        described = _catalogue(version)
        result = _evaluate(viewer_client, document["case"], version).json()
        for group, kind in (
            ("recommendations", "recommendation"),
            ("warnings", "warning"),
            ("workup", "workup"),
        ):
            for item in result[group]:
                assert described[item["code"]]["kind"] == kind, item["code"]


def test_describe_needs_a_login(api_client):
    assert api_client.get(reverse("api:pathway-describe")).status_code == 401


def test_describe_reads_nothing_beyond_authentication(
    client_for, viewer, django_assert_max_num_queries
):
    client = client_for(viewer, token=True)
    client.get(reverse("api:pathway-describe"))

    with django_assert_max_num_queries(2):
        assert client.get(reverse("api:pathway-describe")).status_code == 200


# --- versions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["crlm-1999.1", "", "CRLM-2027.1"])
def test_an_unknown_version_is_a_400_naming_version(viewer_client, version):
    evaluated = _evaluate(viewer_client, example(ANY_EXAMPLE), version)
    described = viewer_client.get(reverse("api:pathway-describe"), {"version": version})
    for response in (evaluated, described):
        assert response.status_code == 400, response.content
        assert set(response.json()["errors"]) == {"version"}


def test_the_old_version_reads_the_new_fields_as_unknown(viewer_client):
    case = example(ANY_EXAMPLE)
    case["liver"]["planned_resection"] = "major"
    assert _evaluate(viewer_client, case).status_code == 200
    old = _evaluate(viewer_client, case, OLD)
    assert old.status_code == 400
    assert set(old.json()["errors"]) == {"liver.planned_resection"}


def test_evaluate_answers_the_same_json_as_the_standard_library_would_write(viewer_client):
    """The answer is written by orjson: the same JSON, compact and UTF-8."""
    response = _evaluate(viewer_client, example(ANY_EXAMPLE))
    expected = result_to_dict(registry.evaluate_input(example(ANY_EXAMPLE)))
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == expected
