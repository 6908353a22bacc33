"""Who may do what: roles are Django groups, the hospital comes from the staff profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .choices import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from .models import Hospital

    AnyUser = AbstractBaseUser | AnonymousUser


def user_roles(user: AnyUser) -> frozenset[str]:
    """The user's roles, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_tumorboard_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
        cached = frozenset(names & set(Role.values))
        user._tumorboard_roles = cached  # type: ignore[union-attr]
    return cached


def has_role(user: AnyUser, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_hospital(user: AnyUser) -> Hospital | None:
    """The hospital whose records the user works on, or None (then they see nothing)."""
    if not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.hospital if profile is not None else None
