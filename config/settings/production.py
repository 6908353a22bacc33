"""Production: every secret comes from the environment; HTTPS is assumed behind a proxy.
`manage.py check --deploy` is clean with these defaults (tests/core/test_deploy_settings.py)."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env

# Keys that were ever written in this repository, or that Django's startproject makes.
_KNOWN_WEAK_PREFIXES = ("django-insecure-", "local-development-only", "test-only", "changeme")


def require_strong_secret_key(key: str) -> None:
    """Refuse to start with a key that could be guessed: it signs the sessions, the CSRF tokens
    and the password reset links."""
    if len(key) < 50 or len(set(key)) < 5 or key.lower().startswith(_KNOWN_WEAK_PREFIXES):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )


require_strong_secret_key(SECRET_KEY)

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Browsers remember for a year that this site is HTTPS only (and so its subdomains).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A plain-HTTP request is redirected to HTTPS. Behind a TLS proxy that sets X-Forwarded-Proto
# (SECURE_PROXY_SSL_HEADER above) nothing is redirected; turn it off only where the proxy itself
# redirects plain HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REFERRER_POLICY = "same-origin"
