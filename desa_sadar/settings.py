"""Settings for Desa Sadar Jamsostek: one module, typed values from the environment.

Every variable is documented in `.env.example`. `.env` is read only if present.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

import core.formats

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Values come from the environment, then from .env in the project folder if present (`make run` writes a
# development one), or from the file ENV_FILE names; ENV_FILE="" reads no file (the settings tests use it).
env_file = os.environ.get("ENV_FILE", str(BASE_DIR / ".env"))
if env_file and Path(env_file).is_file():
    env.read_env(env_file)
elif env_file and "ENV_FILE" in os.environ:
    raise ImproperlyConfigured(f"ENV_FILE menunjuk berkas yang tidak ada: {env_file}")

DEBUG = env.bool("DEBUG", default=False)
# With DEBUG on, errors show the Indonesian pages with the details below them; true: Django's technical pages.
DEBUG_TECHNICAL_ERRORS = env.bool("DEBUG_TECHNICAL_ERRORS", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY wajib diisi bila DEBUG mati: isi SECRET_KEY di lingkungan atau .env "
            "(untuk pengembangan, `make run` menulis .env dengan DEBUG=true)."
        )
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - used only with DEBUG on

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "core",
    "villages",
    "participants",
    "reconciliation",
    "evaluations",
    "dashboards",
    "demo",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.monthly.MonthlyCatchUpMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # With DEBUG on: the Indonesian 404/500 pages, debug details below (DEBUG_TECHNICAL_ERRORS=true: Django's own).
    "desa_sadar.error_pages.DebugErrorPagesMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "desa_sadar.urls"
WSGI_APPLICATION = "desa_sadar.wsgi.application"

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
                "csp.context_processors.nonce",
                "villages.context_processors.branch",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # No JIT: a request's queries are short, and a large village's lists cost just above jit_above_cost, so
    # PostgreSQL compiled them on every request (~100 ms) to save a few; options from the URL are kept.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several processes on one file (`make run` beside a worker): a transaction takes the write lock when it
    # begins, so two that read then write wait for each other instead of one failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.str("REDIS_URL")}
        if env.str("REDIS_URL", default="")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): lock the username+address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# Dates are typed dd/mm/yyyy whatever the browser's language: the id and en format modules under
# core/formats/ replace Django's (whose English formats read 02/05/2025 as 5 February).
FORMAT_MODULE_PATH = ["core.formats"]
# The same lists for code that runs with no language active.
DATE_INPUT_FORMATS = core.formats.DATE_INPUT_FORMATS
DATETIME_INPUT_FORMATS = core.formats.DATETIME_INPUT_FORMATS

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# favicon.ico and robots.txt (no indexing: the application holds personal data), served at the site root.
WHITENOISE_ROOT = BASE_DIR / "desa_sadar" / "root"
# Uploaded imports and the files background jobs produce. Workers on other hosts need the same folder
# (a shared mount): README, "Background jobs".
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="") or BASE_DIR / "media")
MEDIA_URL = "media/"

# Uploads: spreadsheets only, bounded in size (see participants/imports.py).
MAX_UPLOAD_MB = env.int("MAX_UPLOAD_MB", default=10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A village's resident list is marked stale (and its denominators too) after this many months.
RESIDENT_LIST_STALE_MONTHS = env.int("RESIDENT_LIST_STALE_MONTHS", default=12)

# Background jobs (core/jobs.py) on Celery with a Redis broker, e.g. redis://127.0.0.1:6379/1. Empty (the
# default): every job runs inline in the request that starts it. Workers: `make worker` (README).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# One job at a time per worker process: jobs are long, the next waits in Redis for a free process.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Imports of more rows than this go through a job (with a broker: a worker) with a progress page.
JOB_INLINE_MAX_ROWS = env.int("JOB_INLINE_MAX_ROWS", default=2000)
# The periodic work, sent by one `celery -A desa_sadar beat` (README, "Production deployment"): the monthly
# routines (core/monthly.py: the statistics' new projected month) on the 1st, the jobs' sweep every 15 minutes.
# Both are harmless to run twice. Crontab times are local (Asia/Jakarta), as the months are.
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "run-monthly": {"task": "core.tasks.run_monthly", "schedule": crontab(minute=5, hour=0, day_of_month=1)},
    "sweep-jobs": {"task": "core.tasks.sweep_jobs", "schedule": crontab(minute="*/15")},
}
# Without beat (`make run`) every request brings in a new month's work once (core.monthly.monthly_catch_up).
JOB_MONTHLY_ON_REQUEST = env.bool("JOB_MONTHLY_ON_REQUEST", default=True)
# A running job silent (no progress saved) for longer than this has lost its process: marked failed.
JOB_STALE_MINUTES = env.int("JOB_STALE_MINUTES", default=60)
# A job still queued after this many hours was lost with the queue (or no worker runs): marked failed.
JOB_QUEUED_MAX_HOURS = env.int("JOB_QUEUED_MAX_HOURS", default=24)
# The files jobs produce (report PDFs) are deleted this many days after the job finished (personal data).
JOB_FILES_KEEP_DAYS = env.int("JOB_FILES_KEEP_DAYS", default=7)
# The worker tests (.ci/run) need a test database that the worker process opens too: a file for SQLite.
if env.str("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME")}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security. Behind a TLS-terminating proxy set SECURE_SSL_REDIRECT etc. via the environment.
# Sessions end after SESSION_COOKIE_AGE seconds without a request (saved on every request, so the
# age counts from the last activity) and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The load balancer's probe may come over plain HTTP from the proxy itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload token only matters once the apex domain is submitted to the browsers' list; sent by default.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only our own origin; scripts carry no inline code.
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

# REST API (api/): personal tokens or the session, JSON only, scoped and throttled per token, errors in Indonesian.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": env.str("API_THROTTLE_RATE", default="120/minute")},
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Desa Sadar Jamsostek",
    "DESCRIPTION": "Data program Desa Sadar Jamsostek dalam cakupan pengguna: wilayah, desa, peserta, iuran, klaim, "
    "kegiatan, indikator, statistik bulanan dan anev; pencatatan lewat aturan yang sama dengan formulir.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "RegencyKindEnum": "villages.models.Regency.Kind",
        "VillageKindEnum": "villages.models.Village.Kind",
        "ActivityKindEnum": "villages.models.Activity.Kind",
        "ProgrammeEnum": "participants.models.Programme",
        "FundingSourceEnum": "participants.models.FundingSource",
        "FundingScopeEnum": "participants.rules.Scope",
    },
}

# Domain settings.
BRANCH_NAME = env.str("BRANCH_NAME", default="BPJAMSOSTEK Cabang Solok")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            # ISO 8601 in UTC, so lines from several hosts sort together.
            "timestamp": True,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
