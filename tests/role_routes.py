"""What the apps' role matrices share (tests/<app>/test_roles.py): the routes' test ids, one
call of a route as a user makes it, and the stranger of another hospital who holds both
writing roles (so that no write is refused for its role before the lookup).

A matrix is a list of `(url name, method, url(world), body(world) or None, status by role)`;
tests/core/test_role_matrix.py checks that every API route is in one."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group


def route_ids(routes: list[tuple[Any, ...]]) -> list[str]:
    return [f"{method.upper()} {name.removeprefix('api:')}" for name, method, *_ in routes]


def call_route(
    client: Any, world: Any, method: str, url: Any, body: Any, *, body_format: str = "json"
) -> Any:
    # The URL and body are built before the request, so the records they name exist first.
    address = url(world)
    if body is None:
        return getattr(client, method)(address)
    return getattr(client, method)(address, body(world), format=body_format)


def stranger(make_user: Any, hospital: Any) -> Any:
    """A coordinator and clinician of `hospital` (another hospital than the world's)."""
    user = make_user("coordinator", hospital=hospital)
    user.groups.add(Group.objects.get_or_create(name="clinician")[0])
    return user
