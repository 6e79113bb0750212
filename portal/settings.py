"""Settings from the environment (django-environ).

With no environment at all the portal runs on the embedded default: SQLite,
Celery tasks run eagerly, the cache in local memory, email on the console.
Set DATABASE_URL and REDIS_URL for the production shape.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# The embedded default (no DATABASE_URL) is a developer's machine: management commands run without a key.
EMBEDDED_DEFAULT = not env("DATABASE_URL", default="")
if DEBUG or EMBEDDED_DEFAULT:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env("SECRET_KEY")
# Rotating the key: the new one in SECRET_KEY, the old one here until sessions and links signed with it have
# expired (README, operator's guide).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "csp",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "portal.akun",
    "portal.wilayah",
    "portal.audit",
    "portal.ops",
    "portal.kasus",
    "portal.ikuti",
    "portal.demo",
    "aspirasi",
    "audiensi",
    "sarasehan",
    "skm",
    "akuntabilitas",
    "dasbor",
    "datapribadi",
]

MIDDLEWARE = [
    # Headers first, so that every response carries them, the 413 below included; neither reads the body.
    "csp.middleware.CSPMiddleware",
    "portal.middleware.PrivacyHeadersMiddleware",
    # The request id and its log line cover every answer below; the probes skip host checks (portal.health).
    "portal.observability.RequestIdMiddleware",
    "portal.health.HealthCheckMiddleware",
    "portal.limits.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.akun.middleware.LanguageMiddleware",
    "portal.input_middleware.MalformedInputMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.akun.context_processors.roles",
                # After Django's own csrf processor, which it overrides while a page renders for the cache.
                "portal.page_cache.csrf_placeholder",
            ],
        },
    },
]

# Every form renders its fields through one layout, written in Python (portal/forms_rendering.py).
FORM_RENDERER = "portal.forms_rendering.PortalFormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A connection kept across requests is tested before reuse, so a database restart costs one request, not many.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "akun.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: email is the login, no username.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.akun.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portal Aspirasi] "
ACCOUNT_ADAPTER = "portal.akun.adapter.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Portal Aspirasi Wonogiri")

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": env("DEFAULT_FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Five attachments of 10 MB (aspirasi.files) and 2 MB for the form's text. portal.limits refuses a larger body
# before anything reads it; the proxy in front refuses the same (README: client_max_body_size 52m).
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=52 * 1024 * 1024)
# A file larger than this streams to a temporary file rather than memory, so one request never holds 50 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Everything but the files: the text fields of any form here are far below this.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Each step of an SMTP conversation gives up after this long, well within the outbox lease (portal.kasus.outbox).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Portal Aspirasi <noreply@wonogirikab.go.id>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without REDIS_URL every task runs eagerly in the web process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Workers log through LOGGING (one JSON object a line) rather than Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Publishing must fail fast when the broker is down: the outbox row waits in
# the database and the periodic retry sends it later.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BEAT_SCHEDULE = {
    "outbox-retry": {"task": "portal.kasus.tasks.outbox_retry_pending", "schedule": 60.0},
    "beat-heartbeat": {"task": "portal.kasus.tasks.beat_heartbeat", "schedule": 60.0},
    "kasus-sla-sweep": {"task": "portal.kasus.tasks.kasus_sla_sweep", "schedule": crontab(minute="*/15")},
    "staff-digest": {"task": "portal.kasus.tasks.staff_digest", "schedule": crontab(hour=7, minute=0)},
    "audiensi-expire-pending": {"task": "audiensi.tasks.audiensi_expire_pending", "schedule": crontab(minute="*/10")},
    "audiensi-reminders": {"task": "audiensi.tasks.audiensi_send_reminders", "schedule": crontab(minute=0)},
    "aspirasi-purge-unconfirmed": {
        "task": "aspirasi.tasks.aspirasi_purge_unconfirmed",
        "schedule": crontab(hour=2, minute=30),
    },
    "sarasehan-reminders": {"task": "sarasehan.tasks.sarasehan_reminders", "schedule": crontab(minute="*/15")},
    "sarasehan-release-holds": {"task": "sarasehan.tasks.sarasehan_release_holds", "schedule": crontab(minute="*/5")},
    # Daily place digests; the weekly ones go out with Monday's run.
    "ikuti-digest": {"task": "portal.ikuti.tasks.langganan_digest", "schedule": crontab(hour=6, minute=0)},
    "skm-send-invitations": {"task": "skm.tasks.skm_send_invitations", "schedule": crontab(minute=20)},
    "kasus-retention-pseudonymise": {
        "task": "portal.kasus.tasks.kasus_retention_pseudonymise",
        "schedule": crontab(hour=3, minute=15),
    },
    "dasbor-refresh": {"task": "dasbor.tasks.dasbor_refresh", "schedule": crontab(minute=5)},
    # Daily; the task itself acts only on the first working day of the month (holidays move it).
    "dasbor-monthly-report": {"task": "dasbor.tasks.dasbor_monthly_report", "schedule": crontab(hour=6, minute=0)},
}

# UU PDP: reporters of closed cases are pseudonymised this many days after closing; the consent text
# (templates/aspirasi/_consent.html) promises 5 years. Staff views of a protected reporter's identity are
# audited at most once per viewer and case in this many minutes.
PDP_RETENTION_DAYS_AFTER_CLOSE = env.int("PDP_RETENTION_DAYS_AFTER_CLOSE", default=5 * 365 + 1)
PDP_IDENTITY_VIEW_MINUTES = env.int("PDP_IDENTITY_VIEW_MINUTES", default=30)

# Sarasehan: how long an unconfirmed guest's seat is held, how early the door opens on the day,
# and registration attempts allowed per client address and per email ("count/seconds").
SARASEHAN_HOLD_MINUTES = env.int("SARASEHAN_HOLD_MINUTES", default=30)
SARASEHAN_DOOR_OPENS_MINUTES = env.int("SARASEHAN_DOOR_OPENS_MINUTES", default=120)
SARASEHAN_LIMIT_PER_ADDRESS = env("SARASEHAN_LIMIT_PER_ADDRESS", default="20/3600")
SARASEHAN_LIMIT_PER_EMAIL = env("SARASEHAN_LIMIT_PER_EMAIL", default="3/3600")

# Service levels, in working days (SP4N-LAPOR! practice).
PORTAL_SLA = {
    "verify_days": env.int("SLA_VERIFY_DAYS", default=3),
    "followup_days": env.int("SLA_FOLLOWUP_DAYS", default=5),
    "autoclose_days": env.int("SLA_AUTOCLOSE_DAYS", default=10),
    "escalate_after_days": env.int("SLA_ESCALATE_AFTER_DAYS", default=3),
}
PORTAL_NAME = env("PORTAL_NAME", default="Kabupaten Wonogiri")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Proxies in front of the portal that append to X-Forwarded-For (portal.ratelimit.client_address).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# django-csp: no inline scripts or styles anywhere; the TOTP QR code of allauth.mfa is a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # blob: shows thumbnails of the photos a resident chooses before they are sent.
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# An optional street-map tile layer under the vector map (off by default): a Leaflet URL template like
# https://tile.example.org/{z}/{x}/{y}.png and its attribution. Its origin is added to the CSP's img-src.
MAP_TILE_URL = env("MAP_TILE_URL", default="")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", default="")
if MAP_TILE_URL:
    _tiles = urlsplit(MAP_TILE_URL.replace("{s}.", ""))
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc}")
    if "{s}." in MAP_TILE_URL:
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(f"{_tiles.scheme}://*.{_tiles.netloc}")
# Browser features the portal never uses (portal.middleware.PrivacyHeadersMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(), "
    "geolocation=(), gyroscope=(), hid=(), idle-detection=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=()"
)
# The aspirasi form's "use my location" button asks the browser for it, on that page only.
PERMISSIONS_POLICY_GEOLOCATION = PERMISSIONS_POLICY.replace("geolocation=()", "geolocation=(self)")

# Where `manage.py backup` writes its folders unless told (--output); keep it off the database's disk.
BACKUP_DIR = env("BACKUP_DIR", default=str(BASE_DIR / "backups"))

# /readyz fails when the oldest pending email or beat's last heartbeat is older than this (seconds).
READYZ_OUTBOX_MAX_AGE = env.int("READYZ_OUTBOX_MAX_AGE", default=900)
READYZ_BEAT_MAX_AGE = env.int("READYZ_BEAT_MAX_AGE", default=180)

# One JSON object a line (portal.observability): a request line, a task line, and every warning or error.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "portal.observability.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "portal.request": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "portal.task": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Errors go to Sentry only when a DSN is set, with personal data scrubbed (portal.observability).
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from portal.observability import configure_sentry

    configure_sentry(SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default="production"))
