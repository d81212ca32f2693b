"""Django settings, read from the environment.

HRGUARD_HOME (default ./var) holds the SQLite database, stored import files and
the generated secret key. DATABASE_URL switches to PostgreSQL. HRGUARD_ENV=production
turns on the production checks: a secret key and allowed hosts must be given.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
HRGUARD_HOME = Path(os.environ.get("HRGUARD_HOME", "var")).resolve()
HRGUARD_ENV = os.environ.get("HRGUARD_ENV", "development")
PRODUCTION = HRGUARD_ENV == "production"


def _read_secret_key(home: Path) -> str:
    """Return HRGUARD_SECRET_KEY, or a per-installation key kept in HRGUARD_HOME.

    In production the key must come from the environment, so a copied data
    folder never carries the key that signs its sessions.
    """
    key = os.environ.get("HRGUARD_SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("HRGUARD_SECRET_KEY must be set when HRGUARD_ENV=production.")

    key_file = home / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="ascii").strip()

    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="ascii")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _read_secret_key(HRGUARD_HOME)
DEBUG = os.environ.get("HRGUARD_DEBUG", "") == "1" and not PRODUCTION

_hosts = os.environ.get("HRGUARD_ALLOWED_HOSTS", "")
if _hosts:
    ALLOWED_HOSTS = [host.strip() for host in _hosts.split(",") if host.strip()]
elif PRODUCTION:
    raise ImproperlyConfigured("HRGUARD_ALLOWED_HOSTS must be set when HRGUARD_ENV=production.")
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "hrguard.core",
    "hrguard.people",
    "hrguard.payroll",
    "hrguard.attendance",
    "hrguard.payments",
    "hrguard.privacy",
    "hrguard.ingest",
    "hrguard.risk",
    "hrguard.chat",
    "hrguard.cases",
    "hrguard.cases.evidence",
    "hrguard.cases.guarantee",
    "hrguard.cases.harassment",
    "hrguard.notify",
    "hrguard.reports",
    "hrguard.web",
    "hrguard.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hrguard.privacy.otp.OtpRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires, so it sees the outcome of every login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hrguard.config.urls"
WSGI_APPLICATION = "hrguard.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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

_database_url = os.environ.get("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    HRGUARD_HOME.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(HRGUARD_HOME / "hrguard.sqlite3"),
            # WAL lets the web server read while an import or scan writes.
            # IMMEDIATE takes the write lock when a transaction starts. A deferred
            # transaction that reads and then writes cannot wait for another writer,
            # so SQLite fails it at once with "database is locked".
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes locks a user name out after 5 failed logins for an hour.
AUTHENTICATION_BACKENDS = [
    "hrguard.privacy.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
# Per user name, not per address: one office behind NAT shares an IP address, and
# the limit must hold for one account however many addresses try it.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "privacy/locked_out.html"
AXES_RESET_ON_SUCCESS = True
OTP_TOTP_ISSUER = "hrguard"
# Two-factor login for roles that see personal data; a production start fails
# its system check when this is off.
HRGUARD_OTP_REQUIRED = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HRGUARD_HOME / "static"
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = HRGUARD_HOME / "files"

# Uploaded bills can be large; Django streams anything above this to a temp file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("HRGUARD_SSL_REDIRECT", "1") == "1"
    SECURE_HSTS_SECONDS = 31536000

# Notifications: the address HR opens hrguard at (used for links in e-mail and
# robot messages), the lowest alert level (watch, medium, high) for the in-app
# inbox, and the SMTP server for the e-mail channel.
HRGUARD_BASE_URL = os.environ.get("HRGUARD_BASE_URL", "http://127.0.0.1:8000")
HRGUARD_NOTIFY_MIN_LEVEL = os.environ.get("HRGUARD_NOTIFY_MIN_LEVEL", "medium")
DEFAULT_FROM_EMAIL = os.environ.get("HRGUARD_EMAIL_FROM", "hrguard@localhost")
EMAIL_HOST = os.environ.get("HRGUARD_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("HRGUARD_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("HRGUARD_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HRGUARD_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("HRGUARD_EMAIL_TLS", "") == "1"
EMAIL_TIMEOUT = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "hrguard": {
            "handlers": ["console"],
            "level": os.environ.get("HRGUARD_LOG_LEVEL", "WARNING"),
        },
        # Unhandled errors in views: the 500 page promises they are logged.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
