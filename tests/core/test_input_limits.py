"""Input that used to end in a server error or an HTML page answers the API's JSON error shape:
bodies nested too deeply (5), a lone surrogate in a key or a value (6), bodies over the size
limit (7), and addresses no route matches, such as an id with a dot (9)."""

import pytest
from django.conf import settings
from django.urls import reverse

from apps.core.api.parsers import MAX_DEPTH

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000


def _error_shape(response):
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    body = response.json()
    assert isinstance(body["message"], str)
    assert all(isinstance(messages, list) for messages in body["errors"].values())
    return body


@pytest.fixture
def case_id(coordinator_client):
    from tests.factories import CaseFactory

    user = coordinator_client.handler._force_user
    return CaseFactory(patient__hospital=user.staff_profile.hospital).pk


@pytest.mark.parametrize(
    "route", ["api:pathway-evaluate", "api:case-list", "api:case-facts", "api:auth-token"]
)
def test_deeply_nested_body_is_400_not_500(coordinator_client, case_id, route):
    url = reverse(route, args=[case_id]) if route == "api:case-facts" else reverse(route)
    send = coordinator_client.put if route == "api:case-facts" else coordinator_client.post
    response = send(url, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in _error_shape(response)["message"]


def test_nesting_just_past_the_limit_is_refused_and_within_it_is_parsed(coordinator_client):
    url = reverse("api:pathway-evaluate")
    too_deep = '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1)
    assert (
        "nested too deeply"
        in coordinator_client.post(url, too_deep, content_type="application/json").json()["message"]
    )
    within = '{"a":' * MAX_DEPTH + "1" + "}" * MAX_DEPTH
    answer = coordinator_client.post(url, within, content_type="application/json").json()
    assert "nested too deeply" not in answer["message"]  # parsed; the pathway names the fields


def test_unauthenticated_deep_body_to_the_token_endpoint_is_400(api_client):
    response = api_client.post(reverse("api:auth-token"), DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in _error_shape(response)["message"]


def test_lone_surrogate_in_a_key_is_400_with_the_key_escaped(coordinator_client):
    response = coordinator_client.post(
        reverse("api:meeting-list"), '{"\\ud800": 1}', content_type="application/json"
    )
    assert response.status_code == 400
    body = _error_shape(response)
    assert list(body["errors"]) == ["\\ud800"]


def test_lone_surrogate_in_a_value_is_400_at_its_path(coordinator_client):
    response = coordinator_client.post(
        reverse("api:patient-list"),
        '{"mrn": "X-1", "given_name": "A\\udc00", "family_name": "B", '
        '"birth_date": "1970-01-01", "sex": "male"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(_error_shape(response)["errors"]) == ["given_name"]


def test_paired_surrogates_are_text_and_accepted(coordinator_client):
    response = coordinator_client.post(
        reverse("api:patient-list"),
        '{"mrn": "X-2", "given_name": "Ann \\ud83d\\ude00", "family_name": "B", '
        '"birth_date": "1970-01-01", "sex": "male"}',
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_oversized_body_is_413_in_the_error_shape_naming_the_limit(coordinator_client):
    body = b'{"question": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    response = coordinator_client.post(
        reverse("api:meeting-list"), body, content_type="application/json"
    )
    assert response.status_code == 413
    message = _error_shape(response)["message"]
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    assert f"{limit_mb:.1f} MB" in message


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/0.5/facts/",
        "/api/v1/cases/0.5/",
        "/api/v1/no-such-thing/",
        "/api/v2/cases/",
    ],
)
def test_every_api_404_is_json_in_the_error_shape(coordinator_client, path):
    response = coordinator_client.get(path)
    assert response.status_code == 404
    assert _error_shape(response)["message"]


def test_api_address_without_its_trailing_slash_is_still_redirected(coordinator_client):
    response = coordinator_client.get("/api/v1/cases")
    assert response.status_code == 301
    assert response["Location"] == reverse("api:case-list")
