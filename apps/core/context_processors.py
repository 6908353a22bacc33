from .roles import user_hospital, user_roles


def roles(request):  # type: ignore[no-untyped-def]
    """Expose the user's roles and hospital to templates (for showing, never for enforcing)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset(), "user_hospital": None}
    return {"user_roles": user_roles(user), "user_hospital": user_hospital(user)}
