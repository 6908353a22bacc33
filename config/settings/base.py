"""Settings shared by every environment, read from the environment (twelve-factor).

DATABASE_URL and REDIS_URL choose the real services; left unset, the app runs on an embedded
SQLite file and runs Celery tasks in-process.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parents[2]
SHARED_DIR = Path(environ.Env().str("SHARED_DIR", default=str(BASE_DIR.parent / "shared")))

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "template_partials",
    "django_htmx",
    # Lowest first: an app imports only the apps above it in this list (README, Architecture).
    "apps.core",
    "apps.patients",
    "apps.imaging",
    "apps.recommendations",
    "apps.readiness",
    "apps.liverpanel",
    "apps.meetings",
    "apps.summaries",
    "apps.analytics",
    "apps.fhirexchange",
    "apps.cdshooks",
    "apps.bulkimport",
    "apps.workspace",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below the static files: every page and API answer is "no-store", static files keep caching.
    "apps.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apps.core.middleware.ServiceUnavailableMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # The code-to-words filters (apps/core/words.py) in every template without a load.
            "builtins": ["apps.core.templatetags.words"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.roles",
            ],
        },
    }
]

if not env.str("DATABASE_URL", default=""):
    # The embedded default keeps its file under var/ (created here so a fresh clone just runs).
    (BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'tumorboard.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A persistent connection is checked before a request reuses it: after a database restart the
# next request reconnects instead of failing on the dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves concurrent requests too: a write transaction takes the write
    # lock when it begins (IMMEDIATE), so two never deadlock upgrading their read locks; a
    # writer waits up to the timeout for another instead of failing at once with "database is
    # locked"; and WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the pages' queries are short, and a ten-year count (concordance)
    # spent more time compiling (close to a second) than running (bench/SCALE_RESULTS.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# At least 12 characters, not like the user's name, not all digits, and not among the 20,000
# passwords most common in published breaches (Django's list).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out account or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"

# --- Login security ---------------------------------------------------------------------------
# The number of reverse proxies in front of the service that set X-Forwarded-For. 0: the
# client's address is the connection's (the header is ignored: anyone can send it). N: the
# address the outermost of the N trusted proxies saw, counted from the right of the header.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
# django-axes: after LOGIN_FAILURE_LIMIT failed logins for one username, or from one address,
# further logins for it are refused (even with the right password) until the cool-off has passed
# or an administrator unlocks it (/admin/axes/accessattempt/: delete the attempt; or
# `manage.py axes_reset_username NAME`, `axes_reset_ip ADDRESS`). Pages, /admin/ and the API's
# token endpoint alike; the state is in the database, shared by every worker.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "apps.core.client_address.client_address"
AXES_CLIENT_STR_CALLABLE = "apps.core.client_address.login_attempt_str"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the audit trail of failed logins, lockouts included
AXES_LOCKOUT_CALLABLE = "apps.core.views.login_locked_out"
AXES_COOLOFF_MESSAGE = (
    "Too many failed logins for this account or from this address: logging in is locked for "
    "a while. Wait, or ask an administrator to unlock it."
)
AXES_VERBOSE = False
# API tokens (django-rest-knox): one per client, stored hashed, expiring TOKEN_TTL_HOURS after
# they were issued (not extended by use: a client logs in again each working day).
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.float("TOKEN_TTL_HOURS", default=10)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# What the web processes share for a moment only: the throttles' counters (the token endpoint) and
# the decision as it is being typed, shown on the meeting's projector screen
# (apps/meetings/services/typing.py). In Redis when there is one, else in the database (its table
# is made by `migrate`: apps/core/migrations/0004), so every worker process sees the same values.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.str("REDIS_URL")}
        if env.str("REDIS_URL", default="")
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tumorboard_cache",
        }
    )
}

# --- E-mail ---------------------------------------------------------------------------------
# Off unless configured: EMAIL_URL (e.g. smtp+tls://user:password@mail.example.org:587) chooses
# the server; the panel's reviewers are then told of a new review by e-mail as well as by their
# task list. SITE_URL is the address the e-mails link to.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    globals().update(env.email_url_config(EMAIL_URL))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tumour-board@localhost")
PANEL_EMAIL_ENABLED = bool(EMAIL_URL) or env.bool("PANEL_EMAIL_ENABLED", default=False)
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
# The `aud` a CDS Hooks client's token must name; empty: SITE_URL + /cds-services/crlm-pathway.
CDS_HOOKS_SERVICE_URL = env.str("CDS_HOOKS_SERVICE_URL", default="")

# --- Bulk referral import ---------------------------------------------------------------------
# The largest CSV accepted, the most rows, and from how many rows the check and the save run as
# a Celery task with a progress bar rather than in the request.
BULK_IMPORT_MAX_BYTES = env.int("BULK_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)
BULK_IMPORT_MAX_ROWS = env.int("BULK_IMPORT_MAX_ROWS", default=2000)
BULK_IMPORT_ASYNC_ROWS = env.int("BULK_IMPORT_ASYNC_ROWS", default=50)

# --- Content Security Policy (django-csp) -------------------------------------------------------
# Scripts and styles come only from this site's own files: no inline script, no inline style,
# no eval (htmx is configured without it in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous API request then gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.core.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["apps.core.permissions.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.StandardPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": ["apps.core.api.parsers.LenientNumberJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    # Token requests: per client address and per username, whatever the address.
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("LOGIN_THROTTLE_RATE", default="20/minute"),
        "login_username": env.str("LOGIN_USERNAME_THROTTLE_RATE", default="10/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tumour board assistant API",
    "DESCRIPTION": (
        "Cases, imaging findings and MDT meetings for colorectal cancer liver metastases. "
        "Authenticate with `Authorization: Token <key>` (POST /api/v1/auth/token/) or a "
        'browser session. Errors answer `{"message": ..., "errors": {"field.path": [...]}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "apps.patients.choices.CaseStatus",
        "MeetingStatusEnum": "apps.meetings.choices.MeetingStatus",
        "ResectabilityEnum": "apps.recommendations.choices.Resectability",
        "SpecialtyEnum": "apps.core.choices.Specialty",
        "IntentEnum": "apps.meetings.choices.Intent",
        "AgreementEnum": "apps.meetings.choices.Agreement",
        "DepartureReasonEnum": "apps.meetings.choices.DepartureReason",
        "PostponementReasonEnum": "apps.meetings.choices.PostponementReason",
        "TreatmentVarianceReasonEnum": "apps.meetings.choices.TreatmentVarianceReason",
        "TreatmentMatchEnum": "apps.meetings.choices.TreatmentMatch",
    },
}

# --- Celery -----------------------------------------------------------------------------------
# Tasks are acknowledged late and requeued when their worker dies, so a killed worker loses no
# work (apps/summaries/tasks.py); with Redis, a delivered but unacknowledged message goes back to
# the queue once the visibility timeout has passed (the sweep runs every restore interval times
# the throttle, and when a worker starts). The timeout must exceed the longest task (the hard
# time limit), or a slow task would be delivered twice.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # The embedded default: no broker, every task runs in the calling process. It behaves as on
    # a worker: its retries run (one after another, without the backoff's wait) and its failure
    # is the task's to record, not an exception in the request that queued it after commit.
    CELERY_BROKER_URL = "memory://localhost/"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    # A web request that queues a task must not hang on a broker that is down: connecting gives
    # up after one retry and a short timeout, and the caller records the failure (the summary
    # is marked failed: apps.summaries.services._send). A worker's own connection
    # passes its retries explicitly (broker_connection_max_retries), so it still waits for the
    # broker to come back.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
    "socket_connect_timeout": env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2),
    # A broker that accepts the connection but never answers (frozen, or a half-open connection
    # after a network split) must not hang the request either. Longer than the worker's 1 s
    # BRPOP polls, so consuming is not affected.
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=5),
}
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECT_TIMEOUT", default=2)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# A worker that loses the broker cancels its running late-acknowledged tasks rather than finish
# work whose message will be redelivered anyway (the default from Celery 6).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Celery beat (docker-compose.yml's `beat`): the worklist's stages computed again for the new
# day before anyone opens it (apps/analytics/tasks.py; the first read of the day does it
# otherwise).
CELERY_BEAT_SCHEDULE = {
    "worklist-stages-nightly": {
        "task": "apps.analytics.tasks.refresh_worklist_stages",
        "schedule": crontab(hour=0, minute=10),
    },
}
# Test hook: seconds the summary render sleeps before writing, so that the integration test can
# kill its worker mid-task. Leave at 0.
SUMMARY_RENDER_DELAY_SECONDS = env.float("SUMMARY_RENDER_DELAY_SECONDS", default=0)

# --- Logging ----------------------------------------------------------------------------------
# Patient identifiers travel in query strings (?mrn=...); the request loggers drop query strings
# so that nothing identifying reaches a log file.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_query": {"()": "apps.core.logging.RedactQueryStringFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_query"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # WeasyPrint logs each step and page at INFO: noise in the worker's log, not news.
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True
