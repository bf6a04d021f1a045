"""Settings for videoawards, read from the environment.

With no variable set this is the embedded default: SQLite, local-disk storage,
a Celery broker on the filesystem, console email, debug off, a secret key made once in
var/secret_key. Production sets DATABASE_URL, DJANGO_SECRET_KEY, CELERY_BROKER_URL,
STORAGE_BACKEND=s3 and friends (see README.md and .envs/.django.example).
"""

import os
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

env = environ.Env()
# The folder with templates/, locale/, .env and the runtime data: the source checkout by
# default; the image installs the packages into site-packages and sets it to /app.
BASE_DIR = Path(
    env("VIDEOAWARDS_BASE_DIR", default=str(Path(__file__).resolve().parent.parent))
).resolve()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# Runtime data of the embedded default (database, media, broker folders).
VAR_DIR = Path(env("VIDEOAWARDS_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
_database = env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
# A developer's machine: the embedded default (an SQLite database, whether DATABASE_URL is
# unset or names a file), or DJANGO_DEBUG=true said so. Anything else is a production
# deployment: a database server and debug off, which gets a required secret key, the
# HTTPS-only settings and hashed static files by default.
_DEVELOPMENT = DEBUG or _database["ENGINE"] == "django.db.backends.sqlite3"


def _local_secret_key(path: Path) -> str:
    """The key of this machine's embedded default: made once, kept in VAR_DIR (mode 0600)."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(64))
        try:
            # Atomic and refuses to replace: processes starting together share one key.
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not _DEVELOPMENT:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY: it is required when DATABASE_URL names a database"
            " server and DJANGO_DEBUG is off (production)."
        )
    SECRET_KEY = _local_secret_key(VAR_DIR / "secret_key")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# The public base URL, used in emails (verification, consent) and badge assertions.
SITE_URL = env("VIDEOAWARDS_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "rules",
    "videoawards.core",
    "videoawards.accounts",
    "videoawards.workshops",
    "videoawards.challenges",
    "videoawards.badges",
    "videoawards.moderation",
    "transcoding",
    "voting",
    "videoawards.privacy",
    "videoawards.console",
    "videoawards.demo",
]

MIDDLEWARE = [
    "videoawards.core.client.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "videoawards.security.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "videoawards.urls"
WSGI_APPLICATION = "videoawards.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {"default": _database}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and immediate transactions let the web server and the worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, public pages) ---------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://videoawards")}
# Public pages for anonymous visitors come from this cache (videoawards.core.pagecache);
# the seconds a stored page lives at most, the backstop behind invalidation. 0 turns it off.
VIDEOAWARDS_PAGE_CACHE_SECONDS = env.int("VIDEOAWARDS_PAGE_CACHE_SECONDS", default=60)
SILENCED_SYSTEM_CHECKS: list[str] = []
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # Per-process counters are enough for one local web process; production uses Redis.
    SILENCED_SYSTEM_CHECKS += ["django_ratelimit.W001", "django_ratelimit.E003"]

# --- Accounts ---------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"

# Object permissions (django-rules predicates in each app's rules.py) beside the model ones.
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How long an email verification link stays valid.
EMAIL_VERIFICATION_MAX_AGE = env.int(
    "VIDEOAWARDS_EMAIL_VERIFICATION_MAX_AGE", default=3 * 24 * 3600
)
# django-ratelimit rates for log-in (page and API token) and for forms that send email
# (sign-up, resend verification, password reset). Per IP is generous: a classroom shares one.
ACCOUNTS_LOGIN_RATE_PER_IP = env("VIDEOAWARDS_LOGIN_RATE_PER_IP", default="10/m")
ACCOUNTS_LOGIN_RATE_PER_EMAIL = env("VIDEOAWARDS_LOGIN_RATE_PER_EMAIL", default="5/m")
ACCOUNTS_EMAIL_RATE_PER_IP = env("VIDEOAWARDS_EMAIL_RATE_PER_IP", default="60/h")
ACCOUNTS_EMAIL_RATE_PER_EMAIL = env("VIDEOAWARDS_EMAIL_RATE_PER_EMAIL", default="5/h")
# Guardian consent (GDPR Art. 8): the age of digital consent for countries without their
# own rule (13 to 16), how long a guardian's confirm-or-decline link works, and how often a
# participant may email their guardian again.
ACCOUNTS_DEFAULT_CONSENT_AGE = env.int("VIDEOAWARDS_DEFAULT_CONSENT_AGE", default=16)
if not 13 <= ACCOUNTS_DEFAULT_CONSENT_AGE <= 16:
    raise ImproperlyConfigured("VIDEOAWARDS_DEFAULT_CONSENT_AGE must be between 13 and 16.")
ACCOUNTS_GUARDIAN_LINK_MAX_AGE = env.int(
    "VIDEOAWARDS_GUARDIAN_LINK_MAX_AGE", default=14 * 24 * 3600
)
ACCOUNTS_GUARDIAN_EMAIL_RATE = env("VIDEOAWARDS_GUARDIAN_EMAIL_RATE", default="3/h")

# --- Email -----------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="videoawards <noreply@videoawards.invalid>")

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("de", _("German")), ("sv", _("Swedish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Europe/Berlin")
USE_I18N = True
# English dates without "p.m." (which doubled the full stop at a sentence's end).
FORMAT_MODULE_PATH = ["videoawards.formats"]
USE_TZ = True

# --- Static files and storage -------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Package data: beside this file in a checkout and in site-packages alike.
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]

STORAGE_BACKEND = env("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET", default="videoawards"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "region_name": env("S3_REGION", default="us-east-1"),
            "signature_version": "s3v4",
            "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
            # Private objects: every read goes through a short-lived presigned URL.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("S3_PRESIGN_SECONDS", default=300),
            "file_overwrite": False,
        },
    }
elif STORAGE_BACKEND == "local":
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # base_url=None: nothing under MEDIA_ROOT is served directly; playback goes
        # through the authorising gateway.
        "OPTIONS": {"location": str(VAR_DIR / "media"), "base_url": None},
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'local' or 's3'.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if _DEVELOPMENT
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# On a developer's machine whitenoise serves the static files from where they lie (no
# collectstatic; runserver with DEBUG off serves none itself); production serves the
# hashed copies that collectstatic wrote to STATIC_ROOT in the image.
WHITENOISE_USE_FINDERS = _DEVELOPMENT
WHITENOISE_AUTOREFRESH = _DEVELOPMENT
MEDIA_ROOT = str(VAR_DIR / "media")
# Every S3 call (transcoding/storage/s3.py) retries a 5xx answer, a dropped connection or
# a timeout with botocore's "standard" retry mode (backoff with jitter), up to
# S3_MAX_ATTEMPTS attempts in all; a store that stalls times out after these many seconds
# instead of holding a worker or a web request. What still fails is retried by the tasks.
S3_RETRY_MODE = env("S3_RETRY_MODE", default="standard")
S3_MAX_ATTEMPTS = env.int("S3_MAX_ATTEMPTS", default=5)
S3_CONNECT_TIMEOUT_SECONDS = env.float("S3_CONNECT_TIMEOUT_SECONDS", default=5.0)
S3_READ_TIMEOUT_SECONDS = env.float("S3_READ_TIMEOUT_SECONDS", default=20.0)

# --- Platform limits ----------------------------------------------------------
VIDEOAWARDS_MAX_UPLOAD_BYTES = env.int("VIDEOAWARDS_MAX_UPLOAD_BYTES", default=2 * 1024**3)
# Per account (organisers and platform staff have none): uploads in progress at once, the
# bytes they may reserve together, and the bytes of all the account's stored videos.
VIDEOAWARDS_MAX_OPEN_UPLOADS = env.int("VIDEOAWARDS_MAX_OPEN_UPLOADS", default=3)
VIDEOAWARDS_MAX_RESERVED_BYTES = env.int("VIDEOAWARDS_MAX_RESERVED_BYTES", default=4 * 1024**3)
VIDEOAWARDS_MAX_STORED_BYTES = env.int("VIDEOAWARDS_MAX_STORED_BYTES", default=10 * 1024**3)
VIDEOAWARDS_MAX_DURATION_SECONDS = env.int("VIDEOAWARDS_MAX_DURATION_SECONDS", default=600)
# A team: creators plus pending invitations (Scratch studios and most youth awards stay small).
VIDEOAWARDS_MAX_TEAM_SIZE = env.int("VIDEOAWARDS_MAX_TEAM_SIZE", default=6)
VIDEOAWARDS_FFMPEG = env("VIDEOAWARDS_FFMPEG", default="")
VIDEOAWARDS_FFPROBE = env("VIDEOAWARDS_FFPROBE", default="")

# --- Media pipeline (transcoding/) --------------------------------------------
# Tuning knobs (not read from the environment; override in code or tests if needed).
# Upload parts: 8-16 MiB suits phones on shaky connections; S3 needs >= 5 MiB.
TRANSCODING_PART_SIZE = 8 * 1024**2
TRANSCODING_PART_URL_SECONDS = 900
TRANSCODING_PART_URL_BATCH = 100
TRANSCODING_UPLOAD_EXPIRY_SECONDS = 24 * 3600
TRANSCODING_UPLOAD_CREATE_RATE = "30/h"
# A file that kills the worker every time ends failed after this many deliveries.
TRANSCODING_MAX_DELIVERIES = 5
# Fairness: at most this many of one owner's assets are queued or processing at once.
TRANSCODING_MAX_QUEUED_PER_OWNER = 2
# A running job's heartbeat (a thread of the job, whatever ffmpeg is doing) beats this often;
# a processing asset with no beat for TRANSCODING_STALE_SECONDS is presumed dead and queued
# again by the sweeper (every minute, and when a worker starts).
TRANSCODING_HEARTBEAT_SECONDS = env.float("TRANSCODING_HEARTBEAT_SECONDS", default=5.0)
TRANSCODING_STALE_SECONDS = env.int("TRANSCODING_STALE_SECONDS", default=30)
# An asset queued this long ago that no worker has started is queued again by the
# sweeper: its message was lost. Longer than a busy queue's wait; a duplicate is harmless.
TRANSCODING_LOST_MESSAGE_SECONDS = env.int("TRANSCODING_LOST_MESSAGE_SECONDS", default=3600)
TRANSCODING_PLAYBACK_URL_SECONDS = 3600
# On S3 the gateway answers a segment with a presigned URL this short: a copied one
# outlives a revocation (transcoding.services.revoke_playback) by this much at most.
TRANSCODING_DIRECT_URL_SECONDS = 60
# Where jobs keep temporary files (default: <system temp>/videoawards); needs room for a
# source and its renditions. Folders of killed workers are removed when a worker starts.
TRANSCODING_WORK_DIR = env("TRANSCODING_WORK_DIR", default="")
# ffmpeg on untrusted files (transcoding/media/): what a video may be, and the ceilings of
# one ffmpeg run (address space; CPU seconds per second of video, scaled by picture size).
TRANSCODING_MAX_DIMENSION = env.int("VIDEOAWARDS_MAX_VIDEO_DIMENSION", default=4096)
TRANSCODING_MAX_FRAME_RATE = 120
TRANSCODING_FFMPEG_MEMORY_MB = env.int("TRANSCODING_FFMPEG_MEMORY_MB", default=4096)
TRANSCODING_CPU_SECONDS_PER_SECOND = 12
# x264 speed/size trade-off: veryfast suits small worker machines; slower presets shrink files.
TRANSCODING_X264_PRESET = env("TRANSCODING_X264_PRESET", default="veryfast")

# --- Badges (Open Badges 2.0, hosted verification) -----------------------------
BADGES_ISSUER_NAME = env("VIDEOAWARDS_BADGES_ISSUER_NAME", default="videoawards")
BADGES_ISSUER_EMAIL = env("VIDEOAWARDS_BADGES_ISSUER_EMAIL", default="badges@videoawards.invalid")

# --- Public votes (voting/) ------------------------------------------------------
# django-ratelimit rates for casting and taking back votes; per address is generous
# because a school or a family shares one.
VOTING_RATE_PER_ACCOUNT = env("VIDEOAWARDS_VOTE_RATE_PER_ACCOUNT", default="30/m")
VOTING_RATE_PER_ADDRESS = env("VIDEOAWARDS_VOTE_RATE_PER_ADDRESS", default="600/m")
# Vote forensics (voting/services/forensics.py): accounts that voted for exactly the same
# small set of entries, per network block (/24, /48) and per address, score evidence:
# young accounts count 2, a burst 1, a network that votes for nothing else 1.
# Largest set of entries that counts as "a small set" voted for together.
VOTE_FLAG_MAX_ENTRIES = env.int("VIDEOAWARDS_VOTE_FLAG_MAX_ENTRIES", default=3)
# Accounts with one set in one block or address before that network is looked at.
VOTE_FLAG_MIN_ACCOUNTS_PER_NETWORK = env.int(
    "VIDEOAWARDS_VOTE_FLAG_MIN_ACCOUNTS_PER_NETWORK", default=8
)
# Accounts, over all networks whose evidence adds up, before a flag is raised.
VOTE_FLAG_MIN_ACCOUNTS = env.int("VIDEOAWARDS_VOTE_FLAG_MIN_ACCOUNTS", default=20)
# An account created, or its email confirmed, less than this before its vote is young.
VOTE_FLAG_YOUNG_ACCOUNT_HOURS = env.int("VIDEOAWARDS_VOTE_FLAG_YOUNG_ACCOUNT_HOURS", default=72)
# Share of a network's accounts (with that set) that must be young for the signal.
VOTE_FLAG_YOUNG_PERCENT = env.int("VIDEOAWARDS_VOTE_FLAG_YOUNG_PERCENT", default=80)
# A burst: this share of those accounts voting within this many minutes of each other.
VOTE_FLAG_BURST_MINUTES = env.int("VIDEOAWARDS_VOTE_FLAG_BURST_MINUTES", default=30)
VOTE_FLAG_BURST_PERCENT = env.int("VIDEOAWARDS_VOTE_FLAG_BURST_PERCENT", default=60)
# Share of all the network's voters that voted for exactly that set ("nothing else").
VOTE_FLAG_SAME_SET_PERCENT = env.int("VIDEOAWARDS_VOTE_FLAG_SAME_SET_PERCENT", default=80)
# Evidence points a network needs (of 4) for its accounts to be flagged.
VOTE_FLAG_SCORE = env.int("VIDEOAWARDS_VOTE_FLAG_SCORE", default=3)
# --- Moderation -----------------------------------------------------------------
# Open reports (from different people) that hide a published entry until a moderator decides.
MODERATION_REPORTS_TO_HIDE = env.int("VIDEOAWARDS_REPORTS_TO_HIDE", default=3)
# A reporter's account counts as trusted once confirmed and this many days old.
MODERATION_TRUSTED_ACCOUNT_DAYS = env.int("VIDEOAWARDS_TRUSTED_ACCOUNT_DAYS", default=7)
# django-ratelimit rates for reports: per IP (a classroom shares one) and per account.
MODERATION_REPORT_RATE_PER_IP = env("VIDEOAWARDS_REPORT_RATE_PER_IP", default="20/h")
MODERATION_REPORT_RATE_PER_ACCOUNT = env("VIDEOAWARDS_REPORT_RATE_PER_ACCOUNT", default="10/h")
# The personal-data guard (moderation/guard.py) checks entries before approval. Comma-
# separated lists: school names of the region (besides "...-Gymnasium", "... School",
# "...skolan"), first names beyond its built-in list (a "First Last" pair starting with
# one counts as a name), and people who may be named ("Marie Curie" is built in).
VIDEOAWARDS_GUARD_SCHOOL_NAMES = env.list("VIDEOAWARDS_GUARD_SCHOOL_NAMES", default=[])
VIDEOAWARDS_GUARD_FIRST_NAMES = env.list("VIDEOAWARDS_GUARD_FIRST_NAMES", default=[])
VIDEOAWARDS_GUARD_ALLOWED_NAMES = env.list("VIDEOAWARDS_GUARD_ALLOWED_NAMES", default=[])
# true: PostgreSQL acknowledges a vote before its WAL is flushed (synchronous_commit off
# for that transaction only), several times more votes per second on a slow disk; a
# database crash may lose the votes of the last fraction of a second.
VOTING_ASYNC_COMMIT = env.bool("VIDEOAWARDS_VOTE_ASYNC_COMMIT", default=False)

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's filesystem transport: a broker that needs no server, for the embedded default.
    _broker_dir = Path(env("CELERY_FILESYSTEM_BROKER_DIR", default=str(VAR_DIR / "broker")))
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Fanout bindings (worker remote control: ping, shutdown); kombu's default is ./control.
        "control_folder": str(_broker_dir / "control"),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Must exceed the longest task time limit, or Redis re-delivers a running task.
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=4 * 3600),
    }
# Results live in our own tables (job rows), not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# Acknowledge after the task ran, so a killed worker's job is delivered again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message at a time per process: transcodes are long and must not queue behind each other.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Time limits of every task that brings none of its own: the default queue's tasks (mail,
# sweeps, schedules) take seconds, so a hung one (a mail server that stops answering) is
# ended instead of holding a worker process for good. The soft limit raises
# SoftTimeLimitExceeded in the task; the hard one kills its process. Transcodes carry
# longer limits, scaled by the video's length, in each message
# (transcoding.services.time_limits); accounts.erase_stored_media sets its own.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# CPU-heavy media work runs on its own queue and worker pool.
CELERY_TASK_ROUTES = {"transcoding.transcode_*": {"queue": "transcode"}}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# What a task prints (the console mail backend in development) is information, not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "transcoding-abort-stale-uploads": {
        "task": "transcoding.abort_stale_uploads",
        "schedule": 3600.0,
    },
    "transcoding-sweep-stale-assets": {
        "task": "transcoding.sweep_stale_assets",
        "schedule": 60.0,
    },
    # Phases on schedule move within a minute of their date; scheduled results come out.
    "challenges-follow-schedules": {
        "task": "challenges.follow_schedules",
        "schedule": 30.0,
    },
    "voting-release-due-results": {
        "task": "voting.release_due_results",
        "schedule": 30.0,
    },
    "voting-flag-suspicious-votes": {
        "task": "voting.flag_suspicious_votes",
        "schedule": 600.0,
    },
}

# --- API ----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "videoawards.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "120/min", "user": "600/min", "writes": "60/min"},
    # Throttles key on REMOTE_ADDR, which ClientAddressMiddleware already set right.
    "NUM_PROXIES": 0,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "videoawards API",
    "DESCRIPTION": "Workshops, challenges, entries, media uploads, juries and votes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- Rate limits (django-ratelimit) ---------------------------------------------
RATELIMIT_VIEW = "videoawards.core.views.rate_limited"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# Reverse proxies in front of the app that append to X-Forwarded-For (1 behind the
# TLS proxy of docker-compose); 0 trusts no header. See core.client.ClientAddressMiddleware.
VIDEOAWARDS_TRUSTED_PROXY_COUNT = max(0, env.int("VIDEOAWARDS_TRUSTED_PROXY_COUNT", default=0))
# Where those proxies connect from: loopback and private networks (a proxy on the host
# or in the compose network). A connection from anywhere else is taken at its word.
VIDEOAWARDS_TRUSTED_PROXY_NETWORKS = env.list(
    "VIDEOAWARDS_TRUSTED_PROXY_NETWORKS",
    default=["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
)

# --- Security -----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy and Permissions-Policy: see videoawards/security.py.
SESSION_COOKIE_HTTPONLY = True
# The site is reached over HTTPS only (through the TLS proxy): on by default in production,
# off on a developer's machine, where runserver speaks plain HTTP (and the test client too).
VIDEOAWARDS_HTTPS = env.bool("VIDEOAWARDS_HTTPS", default=not _DEVELOPMENT)
if VIDEOAWARDS_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # HSTS starts small, as cookiecutter-django's: raise it (31536000, a year) once the
    # site works over HTTPS, since browsers then refuse plain HTTP for that long.
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60)
    # Both bind every subdomain of the site's domain (preload: in browsers' built-in list,
    # hard to leave), which an operator decides for the whole domain: opt-in.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
        "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False
    )
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    # The deploy check warns while they are off (security.W005, W021); off is the chosen
    # default, so those two warnings are silenced only until the operator opts in.
    if SECURE_HSTS_SECONDS and not SECURE_HSTS_INCLUDE_SUBDOMAINS:
        SILENCED_SYSTEM_CHECKS += ["security.W005"]
    if SECURE_HSTS_SECONDS and not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS += ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# --- Error reports (Sentry) ---------------------------------------------------------
# Off unless SENTRY_DSN is set. Most users are minors: no personal data is sent (no user,
# cookies, addresses or request bodies, no local variables of the failing frames).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk  # only when error reports are configured
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
