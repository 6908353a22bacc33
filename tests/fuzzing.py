"""Shared pieces of the fuzz tests: their Hypothesis settings, the strategies that make JSON
bodies, one-value mutations of a body, and the check that an answer is not a server error."""

import os
from collections.abc import Sequence
from copy import deepcopy

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def value_paths(value, prefix=()):
    """Every path into a JSON document (keys and list indexes), the document itself last."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from value_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from value_paths(child, (*prefix, index))
    yield prefix


def replace_value(document, path, new):
    """A copy of `document` with the value at `path` replaced by `new`."""
    if not path:
        return new
    document = deepcopy(document)
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = new
    return document


def json_strategies(
    field_names: Sequence[str], samples: Sequence[str]
) -> tuple[st.SearchStrategy, st.SearchStrategy]:
    """(json_values, bodies): any JSON value (every kind of scalar, the endpoint's own `samples`
    among the strings, nested in lists and objects keyed mostly by `field_names`), and a request
    body (an object of some of `field_names`, or any JSON value at all)."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(min_value=-(2**70), max_value=2**70)
        | st.floats(allow_nan=True, allow_infinity=True)
        | st.text(max_size=30)
        | st.sampled_from(samples)
    )
    json_values = st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(field_names) | st.text(max_size=8), children, max_size=5
            )
        ),
        max_leaves=20,
    )
    bodies = st.dictionaries(st.sampled_from(field_names), json_values, max_size=6) | json_values
    return json_values, bodies


def assert_not_server_error(response):
    """The answer is not a 5xx, and a 4xx other than 405 is in the one error shape: a message,
    and a list of messages for each field path."""
    assert response.status_code < 500, response.content[:500]
    if 400 <= response.status_code < 500 and response.status_code != 405:
        body = response.json()
        assert isinstance(body["message"], str)
        assert all(
            isinstance(k, str) and all(isinstance(m, str) for m in v)
            for k, v in body["errors"].items()
        )
