"""Shared pieces of the fuzz tests: their Hypothesis settings and one-value mutations of a body."""

import os
from copy import deepcopy

from hypothesis import HealthCheck, settings

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
