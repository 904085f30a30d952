"""Every knob comes from the environment (CONTRACT.md, "Settings"); defaults make `make run` work on a laptop."""

import secrets
from pathlib import Path

import dj_database_url
from kombu import Queue

from intimacy_ops import __version__
from intimacy_ops.env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("INTIMACY_OPS_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

VERSION = __version__
DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise SystemExit(
            "Refusing to start: set DJANGO_SECRET_KEY (a long random string) or DJANGO_DEBUG=1 for local development."
        )
    # Local development only: one random key per checkout, kept under var/ so sessions survive restarts.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    SECRET_KEY = key_file.read_text().strip()

# Rotating the key (docs/operations.md): the new one in DJANGO_SECRET_KEY, the old one here for a while, so
# sessions, password-reset links and signed values made with it stay valid until they expire.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS", "")

# The audit chain's key (CONTRACT.md; docs/operations.md, "The audit key"): HMAC-SHA256 over every event,
# never stored in the database. Retired keys stay in AUDIT_KEY_FALLBACKS so the events they sealed verify.
AUDIT_KEY = env_str("AUDIT_KEY")
if not AUDIT_KEY:
    if not DEBUG:
        raise SystemExit(
            "Refusing to start: set AUDIT_KEY (a long random string, kept outside the database) "
            "or DJANGO_DEBUG=1 for local development."
        )
    # Local development only: one random key per checkout, kept under var/ like the secret key.
    audit_key_file = VAR_DIR / "dev-audit-key"
    if not audit_key_file.exists():
        audit_key_file.write_text(secrets.token_urlsafe(50))
    AUDIT_KEY = audit_key_file.read_text().strip()
AUDIT_KEY_FALLBACKS = env_list("AUDIT_KEY_FALLBACKS", "")
AUDIT_CHECKPOINT_DIR = Path(env_str("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit")))
# Who seals committed events (README, "The audit trail"): "background", each process's sealer thread, woken
# by the commit and gathering AUDIT_SEAL_EVERY_MS of commits into one sealing step; "inline", the committing
# thread right after commit (the tests; SQLite always).
AUDIT_SEALING = env_str("AUDIT_SEALING", "background")
AUDIT_SEAL_EVERY_MS = env_int("AUDIT_SEAL_EVERY_MS", 50)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

# Production safety follows DJANGO_DEBUG=0; DJANGO_HTTPS=0 turns the HTTPS-only parts off behind
# a plain-HTTP hop (tests, a local gunicorn) without touching anything else.
HTTPS = env_bool("DJANGO_HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# The browser-facing policies (Content-Security-Policy, Permissions-Policy) are fixed, not knobs: see the module.
from intimacy_ops.browser_policies import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY  # noqa: E402, F401

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
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_celery_beat",
    "guardian",
    "intimacy_ops",
    "intimacy_ops.accounts",
    # Privacy sits in the kernel layer: grants, break-glass, access log, consent, retention, subject export.
    "privacy",
    # The business, one app per part (STYLE.md); urls, seed data and checks find them through this list.
    "segments",
    "exceptions",
    "governance",
    "feedback",
    "keyaccounts",
    "incidents",
]
BUSINESS_APPS = ["segments", "exceptions", "governance", "feedback", "keyaccounts", "incidents"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "intimacy_ops.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "intimacy_ops.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Times shown in the person's own time zone (their profile's, else their region's).
    "intimacy_ops.accounts.time_zones.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "intimacy_ops.middleware.DomainErrorMiddleware",
    # One access-log row per record whose sensitive values a response showed (intimacy_ops.sensitive).
    "intimacy_ops.sensitive.AccessLogMiddleware",
]

ROOT_URLCONF = "intimacy_ops.urls"
WSGI_APPLICATION = "intimacy_ops.wsgi.application"

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
                "intimacy_ops.accounts.navigation.navigation",
            ],
        },
    },
]

# Persistent connections: each web or worker thread keeps its connection for DATABASE_CONN_MAX_AGE seconds
# (0: one per request; a connection costs a few ms of CPU on both ends) and checks it is still alive before
# reusing it after a request (CONN_HEALTH_CHECKS), so a restarted PostgreSQL costs one failed ping, not a 500.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a worker process started by the tests sees the same test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        # Web, worker and beat share the file: take the write lock when a transaction starts, so a
        # transaction that reads before it writes waits its turn instead of failing "database is locked".
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:  # no JIT: it spent 0.3-0.5 s compiling a region-wide count to save ms (bench/README.md)
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # ModelBackend behind the sign-in lockout: every door that calls authenticate() counts attempts.
    "intimacy_ops.accounts.backends.LockoutModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Argon2id at the strength intimacy_ops/accounts/hashers.py documents (tens of ms per sign-in, not 600);
# PBKDF2 stays listed so a password hashed before checks and is re-hashed with Argon2 at its next sign-in.
PASSWORD_HASHERS = [
    "intimacy_ops.accounts.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
SIGN_IN_MAX_FAILURES = 5
SIGN_IN_LOCKOUT_MINUTES = 15
GUARDIAN_MONKEY_PATCH_USER = False
# Break-glass: emergency access to one customer's sensitive fields lasts at most this many hours.
BREAK_GLASS_MAX_HOURS = env_int("BREAK_GLASS_MAX_HOURS", 4)
BREAK_GLASS_MIN_JUSTIFICATION = 30
# Feedback: a sentiment suggested below this confidence (percent) waits for a person (feedback/sentiment.py).
FEEDBACK_SENTIMENT_CONFIDENCE = env_int("FEEDBACK_SENTIMENT_CONFIDENCE", 50, minimum=0, maximum=100)
# Customer links (keyaccounts/links.py): the longest a link may stay open; views of /c/… per address per minute.
CUSTOMER_LINK_MAX_DAYS = env_int("CUSTOMER_LINK_MAX_DAYS", 90, minimum=1, maximum=366)
CUSTOMER_LINK_VIEWS_PER_MINUTE = env_int("CUSTOMER_LINK_VIEWS_PER_MINUTE", 30, minimum=1, maximum=10000)
# Health reviews (keyaccounts/health/): how many an account manager can hold in a week (the capacity view).
HEALTH_REVIEWS_PER_WEEK = env_int("HEALTH_REVIEWS_PER_WEEK", 5, minimum=1, maximum=100)
ANONYMOUS_USER_NAME = "AnonymousUser"

LANGUAGE_CODE = "en-us"
# The one currency every amount is shown in (dashboards, exception costs): an ISO 4217 code.
CURRENCY = env_str("CURRENCY", "EUR")
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("DJANGO_MANIFEST_STATIC", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"

# Conversation attachments (intimacy_ops/conversation): stored through the default storage under MEDIA_ROOT,
# never served by a public URL. The largest file, the allowed file types (extensions), and an optional
# virus-scan hook: the dotted path of a callable `scan(uploaded_file) -> str | None` returning why a file is
# refused (None: clean); unset, files are not scanned.
CONVERSATION_ATTACHMENT_MAX_BYTES = env_int("CONVERSATION_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
CONVERSATION_ATTACHMENT_TYPES = [
    extension.lower().lstrip(".")
    for extension in env_list("CONVERSATION_ATTACHMENT_TYPES", "pdf,png,jpg,jpeg,gif,txt,csv,docx,xlsx,pptx")
]
CONVERSATION_VIRUS_SCAN = env_str("CONVERSATION_VIRUS_SCAN", "")

# E-mail: SMTP when EMAIL_URL says so, otherwise messages land as files under var/mail/.
EMAIL_URL = env_str("EMAIL_URL")
globals().update(email_settings(EMAIL_URL, default_folder=VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Intimacy Ops <intimacy-ops@localhost>")
# Notification e-mails leave through a Celery task ("worker"); "inline" runs that task, with its retries and
# dead letter, in the process that committed the notification (the tests, and a setup without a worker).
NOTIFICATION_EMAIL_DELIVERY = env_str("NOTIFICATION_EMAIL_DELIVERY", "worker")
if NOTIFICATION_EMAIL_DELIVERY not in {"worker", "inline"}:
    raise SystemExit(
        f"NOTIFICATION_EMAIL_DELIVERY={NOTIFICATION_EMAIL_DELIVERY!r}: use 'worker' or 'inline'."
    )

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an unauthenticated API call is a 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "intimacy_ops.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter, with every related-id filter scoped to what the user may see (CONTRACT.md).
        "intimacy_ops.filters.ScopedFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "intimacy_ops.schema.AutoSchema",  # documents every error answer
    "EXCEPTION_HANDLER": "intimacy_ops.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # JSON with a nesting limit: a deeply nested body is a 400, never a RecursionError.
    "DEFAULT_PARSER_CLASSES": ["intimacy_ops.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Lists that grow with a table (the customers) count exactly up to this many rows, then estimate
# (intimacy_ops/pagination.py; README, "API conventions").
LIST_COUNT_CAP = 10_000
SPECTACULAR_SETTINGS = {
    "TITLE": "Intimacy Ops API",
    "DESCRIPTION": "Exception requests, change-control boards, segments and SLAs. Authenticate with a token "
    "from POST /api/v1/auth/token/ and send `Authorization: Token <token>`.",
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": True},
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; each enum gets a name a client can read instead of a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "ExceptionStatusEnum": "exceptions.models.ExceptionRequest.Status",
        "ExtensionStatusEnum": "exceptions.models.ExtensionRequest.Status",
        "ReviewStatusEnum": "governance.models.Review.Status",
        "ReviewKindEnum": "governance.models.Review.Kind",
        "ExceptionKindEnum": "exceptions.models.ExceptionRequest.Kind",
        "ImportRunStatusEnum": "segments.models.ImportRun.Status",
        "CustomerLinkStatusEnum": "keyaccounts.models.CustomerLink.Status",
        "PlayTriggerEnum": "keyaccounts.models.Play.Trigger",
        "HealthReviewStatusEnum": "keyaccounts.models.HealthReview.Status",
        "IncidentKindEnum": "incidents.models.Incident.Kind",
        "IncidentStatusEnum": "incidents.models.Incident.Status",
        "IncidentUpdateKindEnum": "incidents.models.IncidentUpdate.Kind",
        "GoodwillKindEnum": "incidents.models.Goodwill.Kind",
        "GoodwillStatusEnum": "incidents.models.Goodwill.Status",
        "IncidentMessageChannelEnum": "incidents.models.IncidentMessage.Channel",
        "MessageTemplateLevelEnum": "incidents.models.MessageTemplate.Level",
    },
}

# --- Celery ------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # How long an unacknowledged task waits before Redis hands it to another worker.
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "socket_connect_timeout": 3,
    }
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
    # With Redis down, a web request's enqueue gives up within about a second (the result store's
    # reconnect loop alone would hold it ~19 s): what it could not hand over waits in the database,
    # where the outbox checks find it (intimacy_ops/notifications/checks.py), never lost.
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1, "interval_start": 0.2}}
else:
    # The embedded broker: kombu's filesystem transport, no server process needed.
    BROKER_DIR = VAR_DIR / "broker"
    (BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "control").mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"  # the host is a formality; naming it keeps kombu quiet
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),  # broadcasts (inspect, ping); default is ./control
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
# Two queues, so a long bulk check never delays an urgent e-mail: `mail` carries the e-mail copies and
# `checks` everything else (periodic checks, imports). Each has its own worker in docker-compose.yml; a
# worker for both is `celery -A intimacy_ops worker -Q checks,mail` (Procfile.dev).
CELERY_TASK_DEFAULT_QUEUE = "checks"
CELERY_TASK_ROUTES = {
    "intimacy_ops.send_notification_emails": {"queue": "mail"},
    "intimacy_ops.send_notification_email": {"queue": "mail"},
    "intimacy_ops.send_digest_email": {"queue": "mail"},
}
# Every queue a task is routed to: a worker started without -Q consumes them all.
CELERY_TASK_QUEUES = (Queue("checks"), Queue("mail"))
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 86_400
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# Publishing (apply_async) retries once, briefly, then raises: the caller keeps the work in the database.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0.2,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat's starting schedule; every periodic check an app registers (intimacy_ops.checks) joins it at
# start-up. The database scheduler copies it into django-celery-beat's tables, where operations can
# see, pause and re-time each entry in the admin.
CELERY_BEAT_SCHEDULE = {
    "check:heartbeat": {
        "task": "intimacy_ops.run_check",
        "args": ["heartbeat"],
        "schedule": env_int("HEARTBEAT_SECONDS", 60),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
