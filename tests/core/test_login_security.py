"""Logging in and API tokens, tried as an attacker would:

1. repeated wrong passwords lock the account and the address out (pages, /admin/ and the token
   endpoint), with a clear message, an audit record and an administrator's unlock;
2. the token endpoint's throttles count in the shared cache, per address (X-Forwarded-For only
   from a trusted proxy) and per username;
3. tokens are one per client, hashed, expiring, revocable one by one and all at once, and revoked
   by a password change or a deactivation;
4. passwords of fewer than 12 characters, or common ones, are refused.
"""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.conftest import obtain_token
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def _page_login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _token_login(client, username, password, **extra):
    return client.post(
        reverse("api:auth-token"),
        {"username": username, "password": password},
        format="json",
        **extra,
    )


# --- 1. lockout ----------------------------------------------------------------------------------


def test_wrong_passwords_lock_the_account_even_for_the_right_password(viewer):
    client = Client()
    answers = [
        _page_login(client, viewer.username, "wrong-password").status_code for _ in range(LIMIT)
    ]
    right = _page_login(client, viewer.username, PASSWORD)

    assert answers[:-1] == [200] * (LIMIT - 1)  # the form again, "did not match"
    assert right.status_code == 429
    page = right.content.decode()
    assert "Login locked" in page
    assert "ask an administrator to unlock it" in page
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_from_any_address(viewer):
    for index in range(LIMIT):
        _page_login(Client(REMOTE_ADDR=f"10.0.0.{index + 1}"), viewer.username, "wrong-password")

    assert _page_login(Client(REMOTE_ADDR="10.0.1.1"), viewer.username, PASSWORD).status_code == 429


def test_lockout_is_per_address_whatever_the_username(viewer):
    client = Client(REMOTE_ADDR="10.9.9.9")
    for index in range(LIMIT):
        _page_login(client, f"nobody{index}", "wrong-password")

    assert _page_login(client, viewer.username, PASSWORD).status_code == 429
    # Another address logs in.
    assert (
        _page_login(Client(REMOTE_ADDR="10.9.9.10"), viewer.username, PASSWORD).status_code == 302
    )


def test_admin_login_is_locked_out_too(make_user):
    admin_user = make_user(None, is_staff=True, is_superuser=True)
    client = Client()
    url = reverse("admin:login")
    for _ in range(LIMIT):
        client.post(url, {"username": admin_user.username, "password": "wrong-password"})

    assert (
        client.post(url, {"username": admin_user.username, "password": PASSWORD}).status_code == 429
    )


def test_token_endpoint_is_locked_out_with_429_in_the_error_shape(api_client, viewer):
    for _ in range(LIMIT):
        _token_login(api_client, viewer.username, "wrong-password")
    response = _token_login(api_client, viewer.username, PASSWORD)

    assert response.status_code == 429
    assert "locked" in response.json()["message"]
    assert not AuthToken.objects.filter(user=viewer).exists()


def test_lockout_is_audited_and_an_administrator_unlocks(viewer):
    client = Client()
    for _ in range(LIMIT):
        _page_login(client, viewer.username, "wrong-password")

    failures = AccessFailureLog.objects.filter(username=viewer.username)
    assert failures.count() == LIMIT
    assert failures.filter(locked_out=True).exists()
    # The administrator deletes the attempt (/admin/axes/accessattempt/): unlocked.
    AccessAttempt.objects.filter(username=viewer.username).delete()
    assert _page_login(client, viewer.username, PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(viewer):
    client = Client()
    for _ in range(LIMIT):
        _page_login(client, viewer.username, "wrong-password")
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(minutes=1)
    )
    assert _page_login(client, viewer.username, PASSWORD).status_code == 302


# --- 2. throttles --------------------------------------------------------------------------------


@pytest.fixture
def low_login_rates():
    cache.clear()
    with override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"login": "5/minute", "login_username": "3/minute"},
        },
        AXES_FAILURE_LIMIT=1000,
    ):
        yield
    cache.clear()


def test_token_throttle_ignores_a_rotating_forwarded_for(api_client, viewer, low_login_rates):
    statuses = [
        _token_login(
            api_client, f"someone{index}", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{index}"
        ).status_code
        for index in range(8)
    ]
    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429] * 3


def test_token_throttle_counts_per_username_from_any_address(viewer, low_login_rates):
    statuses = [
        _token_login(
            APIClient(REMOTE_ADDR=f"198.51.100.{index}"), viewer.username, "wrong"
        ).status_code
        for index in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]
    answer = _token_login(APIClient(REMOTE_ADDR="198.51.100.99"), viewer.username, "wrong")
    assert answer.status_code == 429
    assert "Retry-After" in answer
    assert answer.json()["message"]


def test_token_throttle_counts_in_the_shared_cache(viewer, low_login_rates):
    """Counted where every worker reads (here the database cache; Redis when REDIS_URL is
    set), not in one process's memory."""
    for _ in range(3):
        _token_login(APIClient(), viewer.username, "wrong")
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {table}")  # noqa: S608 (a setting, not input)
        keys = [row[0] for row in cursor.fetchall()]
    assert any("throttle_login_username_" in key for key in keys), keys
    assert any("throttle_login_127.0.0.1" in key for key in keys), keys


@override_settings(NUM_PROXIES=1)
def test_forwarded_address_is_trusted_only_from_the_configured_proxies(viewer, low_login_rates):
    # Behind one proxy, the client's address is the last entry the proxy appended: each of
    # these clients has its own count, whatever they wrote before it.
    for index in range(6):
        answer = _token_login(
            APIClient(REMOTE_ADDR="10.0.0.1"),
            f"someone{index}",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, 192.0.2.{index}",
        )
        assert answer.status_code == 400


# --- 3. tokens -----------------------------------------------------------------------------------


def test_token_answer_names_its_expiry_and_the_token_is_stored_hashed(api_client, viewer):
    before = timezone.now()
    body = _token_login(api_client, viewer.username, PASSWORD).json()

    expiry = datetime.datetime.fromisoformat(body["expiry"])
    lifetime = settings.REST_KNOX["TOKEN_TTL"]
    assert before + lifetime - datetime.timedelta(minutes=1) < expiry <= timezone.now() + lifetime
    stored = AuthToken.objects.get(user=viewer)
    assert body["token"] not in (stored.digest, stored.token_key)
    assert len(stored.digest) == 128  # SHA-512


def test_each_client_gets_its_own_token(viewer):
    first, second = obtain_token(viewer), obtain_token(viewer)
    assert first != second
    assert AuthToken.objects.filter(user=viewer).count() == 2


def _authorized(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_expired_token_is_refused(viewer):
    token = obtain_token(viewer)
    AuthToken.objects.filter(user=viewer).update(
        expiry=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = _authorized(token).get(reverse("api:me"))
    assert response.status_code == 401
    assert "expired" in response.json()["message"]


def test_tokens_revoked_one_by_one_and_all_at_once(viewer):
    laptop, phone, desk = obtain_token(viewer), obtain_token(viewer), obtain_token(viewer)
    listed = _authorized(laptop).get(reverse("api:auth-tokens")).json()
    assert len(listed) == 3
    assert [entry["current"] for entry in listed].count(True) == 1
    phone_listing = _authorized(phone).get(reverse("api:auth-tokens")).json()
    phone_id = next(entry["id"] for entry in phone_listing if entry["current"])

    assert (
        _authorized(laptop).delete(reverse("api:auth-token-detail", args=[phone_id])).status_code
        == 204
    )
    assert _authorized(phone).get(reverse("api:me")).status_code == 401
    assert _authorized(desk).get(reverse("api:me")).status_code == 200

    assert _authorized(desk).delete(reverse("api:auth-tokens")).status_code == 204
    assert _authorized(desk).get(reverse("api:me")).status_code == 401
    assert _authorized(laptop).get(reverse("api:me")).status_code == 401


def test_another_users_token_cannot_be_revoked(viewer, coordinator):
    theirs = obtain_token(coordinator)
    their_id = _authorized(theirs).get(reverse("api:auth-tokens")).json()[0]["id"]
    mine = obtain_token(viewer)
    assert (
        _authorized(mine).delete(reverse("api:auth-token-detail", args=[their_id])).status_code
        == 404
    )
    assert _authorized(theirs).get(reverse("api:me")).status_code == 200


def test_password_change_revokes_every_token(viewer):
    token = obtain_token(viewer)
    viewer.set_password("a-new-Password-4567")
    viewer.save()
    assert _authorized(token).get(reverse("api:me")).status_code == 401
    assert not AuthToken.objects.filter(user=viewer).exists()


def test_deactivation_revokes_every_token(viewer):
    obtain_token(viewer)
    viewer.is_active = False
    viewer.save(update_fields=["is_active"])
    assert not AuthToken.objects.filter(user=viewer).exists()


def test_logging_in_keeps_the_other_tokens(viewer):
    token = obtain_token(viewer)
    obtain_token(viewer)  # last_login is saved: not a credential change
    assert _authorized(token).get(reverse("api:me")).status_code == 200


def test_token_that_is_not_ascii_is_401_not_500(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token caf\u00e9")
    assert api_client.get(reverse("api:me")).status_code == 401


# --- 4. password policy --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["short-Pw-1", "1qaz2wsx3edc", "123456789012", "qwertyuiop123"]
)
def test_weak_passwords_are_refused(viewer, password):
    with pytest.raises(ValidationError):
        validate_password(password, viewer)


def test_a_long_uncommon_password_is_accepted(viewer):
    validate_password("plover-harbour-tangent-42", viewer)


def test_admin_password_change_enforces_the_policy(make_user, viewer):
    admin_user = make_user(None, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[viewer.pk])
    response = client.post(url, {"password1": "Short-1", "password2": "Short-1"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    viewer.refresh_from_db()
    assert viewer.check_password(PASSWORD)
