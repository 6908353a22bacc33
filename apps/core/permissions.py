"""The API's permission: every request needs a logged-in member of a hospital with a role;
writes need one of the roles the view allows (coordinators by default)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .choices import Role
from .roles import has_role, user_hospital, user_roles


class RolePermission(BasePermission):
    """Reads: any role. Writes: the view's `write_roles` (default: coordinator).

    A view may narrow reads with `read_roles`, or set `write_roles` per action with a mapping
    `action_write_roles = {"decide": {Role.CLINICIAN}}`.
    """

    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:  # type: ignore[no-untyped-def]
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not user_roles(user) or user_hospital(user) is None:
            self.message = "Your account has no role in a hospital; ask an administrator."
            return False
        if request.method in SAFE_METHODS:
            allowed = getattr(view, "read_roles", None)
            return allowed is None or has_role(user, *allowed)
        per_action = getattr(view, "action_write_roles", {})
        action = getattr(view, "action", None)
        allowed = per_action.get(action) or getattr(view, "write_roles", {Role.COORDINATOR})
        return has_role(user, *allowed)
