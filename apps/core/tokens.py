"""API tokens (django-rest-knox): issued one per client at each login, stored as a SHA-512 digest
(the token itself is shown once, in the login answer), expiring REST_KNOX["TOKEN_TTL"] after
issue, revocable one by one or all at once, and revoked when their user's password changes or
the user is deactivated (apps.py connects `revoke_on_credential_change`).

Logging in goes through Django's `authenticate`, and so through django-axes: a locked-out
username or address is refused with 429 even with the right password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, get_user_model, user_logged_in
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from knox.models import AuthToken

from apps.core.exceptions import ApplicationError

# How a token is named to its owner: a prefix of its digest (never of the token itself).
TOKEN_ID_LENGTH = 16

LOCKED_OUT = (
    "Too many failed logins for this account or from this address: logging in is locked for "
    "a while. Wait, or ask an administrator to unlock it."
)


def token_id(token: AuthToken) -> str:
    return token.digest[:TOKEN_ID_LENGTH]


def token_obtain(*, request: HttpRequest, username: str, password: str) -> tuple[AuthToken, str]:
    """A new token for the user whose credentials these are: (its record, the token). The
    request is the login's, for the lockout's address and its audit records. Not one
    transaction: a refused login's failure record must stay."""
    user = authenticate(request=request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        raise ApplicationError(LOCKED_OUT, errors={"": [LOCKED_OUT]}, status=429)
    if user is None:
        raise ApplicationError(
            "Unable to log in with the username and password given.",
            errors={"": ["Unable to log in with the username and password given."]},
        )
    # The user's expired tokens go when they log in again, so they do not pile up.
    AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
    record, token = AuthToken.objects.create(user=user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return record, token


def token_list(*, user: Any) -> list[AuthToken]:
    """The user's tokens that are still valid, newest first."""
    return list(AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created"))


@transaction.atomic
def token_revoke(*, user: Any, token_digest_prefix: str) -> None:
    """Revoke one of the user's tokens, named by its id (token_id)."""
    if len(token_digest_prefix) != TOKEN_ID_LENGTH:
        raise ApplicationError("No such token.", status=404)
    deleted, _ = AuthToken.objects.filter(
        user=user, digest__startswith=token_digest_prefix.lower()
    ).delete()
    if not deleted:
        raise ApplicationError("No such token.", status=404)


@transaction.atomic
def token_revoke_all(*, user: Any) -> int:
    """Revoke every token of the user (each of their clients must log in again)."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def revoke_on_credential_change(
    sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    """pre_save of the user model: a new password or a deactivation revokes every API token of
    the user, wherever it was made (the admin, `changepassword`, a password form). Browser
    sessions end by themselves: Django checks the password's hash on each request."""
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # e.g. the last_login update of every login
    stored = get_user_model().objects.filter(pk=instance.pk).values("password", "is_active").first()
    if stored is None:
        return
    if stored["password"] != instance.password or (stored["is_active"] and not instance.is_active):
        AuthToken.objects.filter(user_id=instance.pk).delete()
