"""Settings shared by every environment. Values come from the environment (django-environ).

Secrets have no default here: `dev` and `test` supply throw-away ones, `prod` refuses to
start without them and names the missing variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is read if present (never committed).
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_otp_webauthn",
    "django_tasks_db",
    "auditlog",
    "kokumin_nenkin.accounts",
    "kokumin_nenkin.demo",
    "kokumin_nenkin.imports",
    "kokumin_nenkin.verification",
    "audit",
    "qualifications",
    "exemptions",
    "benefits",
    "jps_reporting",
    "resident_requests",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kokumin_nenkin.imports.middleware.RequestSizeMiddleware",  # before anything reads the body
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kokumin_nenkin.accounts.session.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "kokumin_nenkin.accounts.middleware.StaffAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
    "audit.middleware.AuditRequirementMiddleware",  # the missing event (a test failure in tests)
    # Last, so its process_exception is asked first: a database outage is a Japanese 503 page.
    "kokumin_nenkin.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "kokumin_nenkin.urls"
WSGI_APPLICATION = "kokumin_nenkin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kokumin_nenkin.context_processors.office_shell",
            ],
            "builtins": [
                "kokumin_nenkin.wareki.templatetags",
                "kokumin_nenkin.identifiers.templatetags",
            ],
        },
    },
]

# SQLite file in the project unless DATABASE_URL says otherwise (PostgreSQL in production).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout: the web process and the task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
    # Every request writes (audit events): take the write lock at BEGIN so a
    # second writer waits for the timeout instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Staff"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Argon2id first (sized for this server: kokumin_nenkin/accounts/hashers.py); the others only
# read hashes made before, which are re-made with Argon2id at the holder's next login.
PASSWORD_HASHERS = [
    "kokumin_nenkin.accounts.hashers.SizedArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "kokumin_nenkin.accounts.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": 5},
    },
]

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
# Japanese for the messages of installed packages that reach our pages (the passkey package).
LOCALE_PATHS = [BASE_DIR / "kokumin_nenkin" / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")

# Sessions: server-side (database), never readable by scripts.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (Django's built-in): scripts only from us, with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Reverse proxies whose X-Forwarded-For is believed (CIDR list). Nobody else's is.
TRUSTED_PROXIES: list[str] = env.list("TRUSTED_PROXIES", default=[])

# Largest input file accepted (bytes).
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# Uploaded files are streamed to a temporary file, never held whole in memory by the parser;
# a larger declared body is refused before it is read (imports/middleware.py).
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]

# The city this installation serves (全国地方公共団体コード with its check digit).
CITY_NAME = env.str("CITY_NAME", default="熊谷市")
MUNICIPALITY_CODE = env.str("MUNICIPALITY_CODE", default="112020")

# Audit log. Business hours and holidays for the abnormal-access report; the
# distinct-persons-per-hour threshold; AUDIT_REQUIRE_EVENTS / AUDIT_ALLOW_FLUSH are for tests.
AUDIT_BUSINESS_HOURS = (
    env.str("AUDIT_BUSINESS_START", default="08:30"),
    env.str("AUDIT_BUSINESS_END", default="17:15"),
)
AUDIT_BULK_LOOKUP_PER_HOUR = env.int("AUDIT_BULK_LOOKUP_PER_HOUR", default=30)
AUDIT_YEAR_END_CLOSURE = env.bool("AUDIT_YEAR_END_CLOSURE", default=True)  # 12/29–1/3 closed
AUDIT_REQUIRE_EVENTS = False
# Every audit event's details keys must be in audit/schema.py for its action (a programming
# error otherwise); on in development and tests, where a new key is caught before it ships.
AUDIT_CHECK_DETAILS = False
AUDIT_ALLOW_FLUSH = False
# The append-only file outside the database where the audit chain's head is kept (one JSON
# line per head: `anchor_audit_head` on a schedule, every confirmed batch, the daily sheet).
# Put it on another volume the database server cannot write; empty: no heads are kept.
AUDIT_ANCHOR_FILE = env.str("AUDIT_ANCHOR_FILE", default="")

# Key for encrypting 個人番号 at rest (and for its keyed lookup hash).
MY_NUMBER_KEY = env.str("MY_NUMBER_KEY")
SECRET_KEY = env.str("SECRET_KEY")

# Demo mode: seed_demo and demo_totp work only when this is on.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

OTP_TOTP_ISSUER = "国民年金事務システム"

# --- Staff identity and access control (docs/security.md) ---
# Passwords expire (the city's policy; NIST SP 800-63B advises against it, see docs/security.md).
PASSWORD_EXPIRY_DAYS = env.int("PASSWORD_EXPIRY_DAYS", default=90)
# Sessions: idle and absolute timeouts enforced on the server; the page warns before the idle one.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=15 * 60)
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", default=2 * 60)
SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE
# The stored last-seen time is rewritten at most this often (and at most every tenth of the idle
# timeout), not on every request: one write and commit fewer per page (docs/performance.md).
SESSION_TOUCH_SECONDS = env.int("SESSION_TOUCH_SECONDS", default=60)
# The home page's 職権・勧奨一覧 counts are kept this long per office and day (0: read each time).
HOME_WORK_LIST_SECONDS = env.int("HOME_WORK_LIST_SECONDS", default=60)
# Lock-out (django-axes): 5 failed passwords for one user ID, or from one client address, within
# 15 minutes lock that user ID (or address) for 15 minutes (HTTP 429, Japanese page), even if the
# right password comes next. Behind a proxy, TRUSTED_PROXIES must name it (docs/security.md).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kokumin_nenkin.accounts.backends.StaffBackend",  # ModelBackend, fewer reads per request
]
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOCKOUT_MINUTES", default=15))
AXES_USE_ATTEMPT_EXPIRATION = True  # each failure counts for AXES_COOLOFF_TIME (sliding window)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"  # trusted proxies only, never a forged XFF
AXES_USERNAME_CALLABLE = "kokumin_nenkin.accounts.lockout.username_for_lockout"  # no 個人番号
AXES_LOCKOUT_CALLABLE = "kokumin_nenkin.accounts.views.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False
# Passkeys (django-otp-webauthn) as the biometric second factor: user verification (fingerprint,
# face or PIN on the device) always required, never a passwordless login.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "kokumin_nenkin.accounts.webauthn.UserVerifiedWebAuthnHelper"
OTP_WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="localhost")
OTP_WEBAUTHN_RP_NAME = "国民年金事務システム"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "WEBAUTHN_ALLOWED_ORIGINS", default=["http://localhost:8000"]
)
# Second-factor guessing: django-otp doubles the wait after each wrong code (1 s, 2 s, 4 s, ...).
OTP_TOTP_THROTTLE_FACTOR = env.int("OTP_TOTP_THROTTLE_FACTOR", default=1)

# Background jobs: Django's Tasks API with the database-backed worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Reporting to JPS (jps_reporting) and background jobs with progress ---------------------
INSTALLED_APPS += ["kokumin_nenkin.jobs"]
# Designated terminals: the networks (CIDR list) from which the electronic-media file (F1) may
# be written. Empty means nowhere; development (DEBUG) allows this machine only.
EXPORT_ALLOWED_NETWORKS: list[str] = env.list(
    "EXPORT_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"] if DEBUG else []
)
# 進達済・結果未着一覧: an entry sent this many days ago (after its 報告年月日) with no JPS result
# applied is marked 要照会 (ask the 年金事務所). [GK]
JPS_RESULT_OVERDUE_DAYS = env.int("JPS_RESULT_OVERDUE_DAYS", default=30)
# Whom the report sheets and the 送付書 are addressed to.
JPS_OFFICE_NAME = env.str("JPS_OFFICE_NAME", default="日本年金機構 熊谷年金事務所長")

# The report sheets of a batch are made and stored in parts of at most this many sheets, so a
# large batch's PDF rendering needs the memory of one part, not of the whole batch.
JPS_SHEETS_PER_PART = env.int("JPS_SHEETS_PER_PART", default=100)
# The parts are rendered side by side by this many processes (0: one per core). PDF_PROCESSES
# is the same for any other multi-document rendering.
JPS_SHEET_PROCESSES = env.int("JPS_SHEET_PROCESSES", default=0)
PDF_PROCESSES = env.int("PDF_PROCESSES", default=0)

# --- Health and outages (docs/operations.md) ---------------------------------------------------
# The task worker (`manage.py worker`) writes its heartbeat this often; /healthz calls it down
# after three missed beats.
WORKER_HEARTBEAT_SECONDS = env.int("WORKER_HEARTBEAT_SECONDS", default=30)
# A running job whose worker has been silent this long (at least three beats) is marked 失敗
# by the sweep in every worker (kokumin_nenkin/jobs/sweep.py); it is not run again by itself.
JOB_STALE_SECONDS = env.int("JOB_STALE_SECONDS", default=300)
# /healthz calls the file area down below this much free space.
HEALTH_MIN_FREE_MB = env.int("HEALTH_MIN_FREE_MB", default=200)
