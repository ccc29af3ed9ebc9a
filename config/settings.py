"""Settings, read from the environment (twelve-factor).

With nothing set, the portal runs on embedded defaults: an SQLite file, Celery tasks in
process, mail to the console. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY,
ALLOWED_HOSTS and EMAIL_URL, and leaves DEBUG off.
"""

import atexit
import shutil
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules or sys.argv[1:2] == ["test"]
# Hardened HTTP settings apply to every non-debug, non-test process (what `check --deploy` checks).
PRODUCTION = not DEBUG and not TESTING

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "Set SECRET_KEY: the portal will not start in production without it."
        )
    SECRET_KEY = "insecure-development-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served from our static files, not a CDN
    "axes",  # failed logins counted and locked out (accounts/security.py)
    "django_otp",
    "django_otp.plugins.otp_totp",  # the authenticator app's codes
    "django_otp.plugins.otp_static",  # recovery codes
    "accounts",
    "communes",
    "plans",
    "indicators",
    "tasks",
    "onboarding",
    "reporting",
    "reports",
    "reminders",
    "dashboards",
    "todo",
    "emulation",
    "benchmarks",
    "api",
    "push",
    "config.apps.PortalConfig",
]

MIDDLEWARE = [
    "config.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "communes.middleware.ReadOnlyRoleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "communes.context_processors.scope",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if TESTING:  # a test database need not survive a power cut: commits don't wait for the disk
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# SQLite (the embedded default) cannot enforce "nulls not distinct" uniqueness; PostgreSQL does,
# and the forms check the same rule on both.
SILENCED_SYSTEM_CHECKS = ["models.W047"]

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lock-out after AXES_FAILURE_LIMIT wrong passwords, for the account (whatever the address) and
# for the address (whatever the account), until the cool-off ends or the standing office (its
# commune's staff) or an administrator unlocks it (accounts.services.login_unlock).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_ip"
LOGIN_CLIENT_IP_FROM_PROXY = False
AXES_VERBOSE = False
# A second factor (TOTP, recovery codes) for province officers and administrators.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="Cổng chỉ tiêu xã")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:  # hashing strength is not what tests check; speed is
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600  # a password link stays valid for three days
# An invitation to a commune role (accounts.Invitation) expires after this many seconds.
ACCOUNTS_INVITATION_TIMEOUT = env.int("ACCOUNTS_INVITATION_TIMEOUT", default=7 * 24 * 3600)

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
if TESTING and "MEDIA_ROOT" not in env.ENVIRON:  # each test process (pytest-xdist worker) its own
    MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="kpi-test-media-"))
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Report files (reports app) in a storage of their own, never served as media: downloads go
# through the access rules. REPORTS_STORAGE_BACKEND may name another backend (e.g. S3's).
STORAGES["reports"] = {
    "BACKEND": env(
        "REPORTS_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
    ),
    "OPTIONS": {"location": str(MEDIA_ROOT / "reports")}
    if "REPORTS_STORAGE_BACKEND" not in env.ENVIRON
    else {},
}
# Backups (`manage.py backup`, config/backup.py): a folder by default; an S3-compatible bucket with
# BACKUP_STORAGE_BACKEND=storages.backends.s3.S3Storage and django-storages' AWS_* variables.
BACKUP_ROOT = Path(env("BACKUP_ROOT", default=str(BASE_DIR / "backups")))
STORAGES["backups"] = {
    "BACKEND": env("BACKUP_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"),
    "OPTIONS": {"location": str(BACKUP_ROOT)}
    if "BACKUP_STORAGE_BACKEND" not in env.ENVIRON
    else {},
}
# Retention (`manage.py prune`, nightly from beat): rendered report files, the record of reminders.
REPORT_FILE_RETENTION_DAYS = env.int("REPORT_FILE_RETENTION_DAYS", default=90)
REMINDER_RETENTION_DAYS = env.int("REMINDER_RETENTION_DAYS", default=400)
# An uploaded plan file, and the rows read from it, untouched for this long: committed or left.
PLAN_IMPORT_RETENTION_DAYS = env.int("PLAN_IMPORT_RETENTION_DAYS", default=30)
REPORTS_RENDER_TIME_LIMIT = env.int("REPORTS_RENDER_TIME_LIMIT", default=10 * 60)
# At most REPORTS_RENDER_LIMIT report files asked for per person per REPORTS_RENDER_WINDOW s.
REPORTS_RENDER_LIMIT = env.int("REPORTS_RENDER_LIMIT", default=10)
REPORTS_RENDER_WINDOW = env.int("REPORTS_RENDER_WINDOW", default=5 * 60)

# Redis serves Celery and the cache when REDIS_URL is set; otherwise both stay in process.
# Production gives the broker, the results and the cache a Redis database each
# (CELERY_BROKER_URL, CELERY_RESULT_BACKEND, CACHE_URL), so that flushing the cache never drops
# a queued job; each defaults to REDIS_URL.
REDIS_URL = env("REDIS_URL", default="")
if TESTING and REDIS_URL and env("PYTEST_XDIST_WORKER", default=""):
    # Each pytest-xdist worker (gw0, gw1, …) its own Redis database, counting down from the one
    # given: its queues and cache, and those of the Celery workers its tests start (they are
    # handed this URL), are its own. Outside the tests the variable is never set.
    _redis = urlsplit(REDIS_URL)
    _redis_db = int(_redis.path.strip("/") or 0) - int(env("PYTEST_XDIST_WORKER")[2:])
    if _redis_db < 0:
        raise ImproperlyConfigured("REDIS_URL for the tests: give a database above the workers'")
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_redis_db}"))
CACHE_URL = env("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    # Redis down, the cache answers "nothing cached" and the web keeps serving (config/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Mail and report rendering on queues of their own (docker-compose.yml runs a worker for each);
# a worker started without -Q (make worker, the tests) consumes every queue listed here.
CELERY_TASK_QUEUES = {"celery": {}, "mail": {}, "reports": {}}
CELERY_TASK_ROUTES = {"reminders.*": {"queue": "mail"}, "reports.*": {"queue": "reports"}}
# Tests run tasks in process even with Redis; the integration tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL or TESTING
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Broker down, a publish fails within about a second (the outbox row waits for the sweep)
# instead of holding a web request or the daily run.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
# The outbox (reminders, report requests): the row is written first and queued after commit; a
# sweep (beat every 5 minutes, and `send_reminders`) queues again a row the broker never took
# or lost (still waiting OUTBOX_REQUEUE_SECONDS after it was handed over), and a row a dead
# worker left "sending" for OUTBOX_SENDING_TIMEOUT (longer than a delivery's time limit).
OUTBOX_REQUEUE_SECONDS = env.int("OUTBOX_REQUEUE_SECONDS", default=15 * 60)
OUTBOX_SENDING_TIMEOUT = env.int("OUTBOX_SENDING_TIMEOUT", default=10 * 60)
OUTBOX_SWEEP_DAYS = 7  # older reminders still waiting are left, listed as such under Nhắc hạn
# The push to the province (push/services.py): retries of a receiver that failed for now wait
# PUSH_RETRY_BASE_SECONDS, doubling each time up to PUSH_RETRY_MAX_SECONDS; PUSH_MAX_ATTEMPTS in all
# (30 s, 1, 2, 4 … 30 min: about 4 hours with the defaults).
PUSH_RETRY_BASE_SECONDS = env.int("PUSH_RETRY_BASE_SECONDS", default=30)
PUSH_RETRY_MAX_SECONDS = env.int("PUSH_RETRY_MAX_SECONDS", default=30 * 60)
PUSH_MAX_ATTEMPTS = env.int("PUSH_MAX_ATTEMPTS", default=12)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# An installation without mail says so explicitly: nothing is sent and reminders are recorded as
# not sent. Without it, `check --deploy` refuses a console or file backend (config/checks.py).
NO_MAIL = env.bool("NO_MAIL", default=False)
if NO_MAIL:
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cổng chỉ tiêu xã <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# The API (issue 7, `api/`): bearer tokens first so that a missing login answers 401, not 403.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.permissions.DeclaredPermission",
        "api.permissions.TokenScopePermission",
        "api.permissions.ReadOnlyRolePermission",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "api.filters.StableOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,  # figures travel as exact decimal strings, never floats
    "LIST_SERIALIZER_ERRORS_AS_DICT": True,  # errors of list items keyed by index (DRF 3.20's way)
}
# Requests per token client (DRF rate syntax); browser sessions are not throttled.
API_TOKEN_RATE = env("API_TOKEN_RATE", default="120/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Commune KPI portal API",
    "DESCRIPTION": (
        "Plans, indicators, targets, tasks, reporting periods, unit submissions and figures of "
        "the communes' Resolution 57-NQ/TW plans. Authenticate with a personal API token "
        "(`Authorization: Bearer <token>`, created on the portal's «API tokens» page) or the "
        "browser session. Messages are in Vietnamese unless `Accept-Language: en` is sent."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "tasks.models.TaskStatus",
        "SubmissionStatusEnum": "reporting.models.SubmissionStatus",
        "PlanStatusEnum": "plans.models.PlanStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.error_responses_add",
    ],
}

# Content-Security-Policy (django-csp): scripts, styles, fonts and images only from the portal's own
# static files; no inline script or style anywhere (tests/browser/test_csp.py sees no violation).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# A session ends after this much inactivity (each request starts the count again).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=120) * 60
SESSION_SAVE_EVERY_REQUEST = True

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes speak plain HTTP to gunicorn
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # The login lock-out counts the client's address, appended by the proxy (accounts.security).
        LOGIN_CLIENT_IP_FROM_PROXY = True
    SILENCED_SYSTEM_CHECKS += env.list("SILENCED_SYSTEM_CHECKS", default=[])
    if env.bool("SECURE_HSTS_PRELOAD", default=False) is False:
        SILENCED_SYSTEM_CHECKS.append(
            "security.W021"
        )  # preload is an opt-in decision of the operator

# Every line with its time, level, logger, request id, user and commune (config/log.py); one
# access line per request (logger portal.access). LOG_FORMAT=json for a log collector.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOG_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(user)s %(commune)s"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "config.log.RequestContextFilter"}},
    "formatters": {
        "text": {
            "format": LOG_FIELDS.replace(" %(request_id)s", " [%(request_id)s") + "] %(message)s"
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": LOG_FIELDS + " %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # runserver's own access line would repeat portal.access's.
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # each failed login is kept in its tables, not the log
    },
}
# Workers log through the same handlers and format as the web.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reporting: every unhandled exception of the web and the workers, when SENTRY_DSN is set.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default=None),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,  # people's names and e-mails stay out of the error reports
    )

# Demo data (accounts with a documented password, demo figures) is refused unless this is on.
DEMO_DATA_ALLOWED = DEBUG
