"""Whatever facts a client sends to the evaluate endpoint, it answers 200 with one primary
recommendation or 400 naming the fields, exactly when the pathway package accepts or refuses the
facts: never a 500."""

import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.pathways.facts import FactsValidationError, parse_facts
from tests.conftest import EXAMPLES
from tests.fuzzing import FUZZ, replace_value, value_paths

pytestmark = pytest.mark.django_db

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.sampled_from(["fit", "rectum", "lung", "synchronous", "partial", "cirrhosis", "\x00"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def _accepted(body) -> dict[str, list[str]]:
    try:
        parse_facts(body)
    except FactsValidationError as error:
        return error.errors
    return {}


@FUZZ
@given(data=st.data())
def test_evaluate_example_with_one_value_replaced_never_answers_500(client_for, viewer, data):
    _, document = data.draw(st.sampled_from(EXAMPLES))
    case = document["case"]
    path = data.draw(st.sampled_from(list(value_paths(case))))
    body = replace_value(case, path, data.draw(json_values))
    # Through the wire as the client would send it, NaN included.
    decoded = json.loads(json.dumps(body, allow_nan=True))

    response = client_for(viewer).post(
        reverse("api:pathway-evaluate"),
        json.dumps(body, allow_nan=True),
        content_type="application/json",
    )

    expected_errors = _accepted(decoded)
    if expected_errors:
        assert response.status_code == 400, response.content[:500]
        assert response.json()["errors"] == expected_errors
    else:
        assert response.status_code == 200, response.content[:500]
        roles = [item["role"] for item in response.json()["recommendations"]]
        assert roles.count("primary") == 1
