"""Settings for the Elektronische Ausländerakte.

Every value comes from the environment with a documented default (see docs/operations.md).
Production differs from development only by environment variables.
"""

from __future__ import annotations

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` (written by `make setup` with a random SECRET_KEY, never committed) fills in what is unset.
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
EXAMPLE_SECRET_KEY = "unsicher-nur-fuer-entwicklung-und-tests"  # noqa: S105 - refused below when DEBUG is off
SECRET_KEY = env.str("SECRET_KEY", default=EXAMPLE_SECRET_KEY)
# Tests and local development run with DEBUG off too, so the example key is allowed only when explicitly asked for.
ALLOW_EXAMPLE_SECRET_KEY = env.bool("ALLOW_EXAMPLE_SECRET_KEY", default=False)
if not DEBUG and not ALLOW_EXAMPLE_SECRET_KEY and (not SECRET_KEY or SECRET_KEY == EXAMPLE_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY fehlt oder ist der Beispielwert. Setzen Sie SECRET_KEY in der Umgebung (siehe docs/operations.md)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "dms",
    "scanning",
    "foerderung",
]

MIDDLEWARE = [
    # First: answers /healthz and /readyz, request id, one log line and the latency metric per request.
    "dms.betrieb.middleware.BetriebMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dms.middleware.SecurityHeadersMiddleware",
    "dms.middleware.EingabePruefungMiddleware",
    "dms.middleware.IdleTimeoutMiddleware",
    "dms.middleware.ZweiterFaktorMiddleware",
    "dms.middleware.PasswortWechselMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "auslaenderakte.urls"
WSGI_APPLICATION = "auslaenderakte.wsgi.application"

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
                "dms.navigation.menue",
            ],
        },
    }
]

# PostgreSQL only: full-text search, locking and arrays are PostgreSQL's.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/auslaenderakte")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A database that does not answer fails a request (and /readyz) after this many seconds instead of hanging.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=5))
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL muss auf PostgreSQL zeigen (postgres://...).")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env.str("CACHE_URL", default=REDIS_URL),
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="akte"),
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Argon2id at (at least) the OWASP parameters; PBKDF2 hashes of earlier installs still verify and are re-hashed at the
# next login (dms/passwort.py, docs/security.md).
PASSWORD_HASHERS = [
    "dms.passwort.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORT_ARGON2_SPEICHER_KIB = env.int("PASSWORT_ARGON2_SPEICHER_KIB", default=19 * 1024)
PASSWORT_ARGON2_DURCHLAEUFE = env.int("PASSWORT_ARGON2_DURCHLAEUFE", default=2)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "arbeitsplatz"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "de-de"
# German only: a browser asking for English (LocaleMiddleware reads Accept-Language) still gets Django's and DRF's
# German texts ("Dieses Feld ist zwingend erforderlich."), never "This field is required."
LANGUAGES = [("de", "Deutsch")]
# Dates shown as TT.MM.JJJJ and read as TT.MM.JJJJ or ISO (auslaenderakte/formate/de/formats.py).
FORMAT_MODULE_PATH = ["auslaenderakte.formate"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Storage: local files by default, S3-compatible object storage when a bucket is configured.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media-intern/"  # never served directly: every file goes through an access-checked view
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    AWS_S3_FILE_OVERWRITE = False
    DEFAULT_FILE_STORAGE_BACKEND = "dms.betrieb.speicher.S3Speicher"
else:
    DEFAULT_FILE_STORAGE_BACKEND = "dms.betrieb.speicher.DateisystemSpeicher"  # FileSystemStorage, errors counted
STORAGES = {
    "default": {"BACKEND": DEFAULT_FILE_STORAGE_BACKEND},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Upload limits (bytes / pages); bigger items are refused with a German message, never silently dropped.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
MAX_PAGES = env.int("MAX_PAGES", default=2000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Celery: JSON only, late acks, a separate queue for OCR so it never starves interactive tasks.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# legacy-file import task (its OCR runs on queue `altakten`); letter dispatch; e-mail and online intake;
# operations; the audit trail's checkpoint and check tasks
CELERY_IMPORTS = [
    "scanning.altakten.tasks",
    "scanning.klassifikation.tasks",
    "dms.postausgang.tasks",
    "dms.gericht.tasks",
    "scanning.eingang.tasks",
    "dms.betrieb.tasks",
    "dms.protokoll.tasks",
    "dms.wiedervorlagen.tasks",
    "dms.aussonderung.tasks",
]
CELERY_TASK_ROUTES = {
    "scanning.tasks.*": {"queue": "ocr"},
    "scanning.altakten.*": {"queue": "altakten"},
    "scanning.klassifikation.*": {"queue": "altakten"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # Every broker key starts with this prefix: instances (and test runs) sharing one Redis never see each other's
    # queues. Tests set it per run (tests/testlauf.py).
    "global_keyprefix": env.str("CELERY_KEY_PREFIX", default=""),
    # How often a worker looks for messages of a dead worker whose visibility timeout ran out: every
    # 10 s x this factor (kombu's default 10, i.e. about 100 s). The two-worker test sets 1.
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "sweeper": {"task": "scanning.tasks.posteingang_sweeper", "schedule": 60},
    "postausgang-sweeper": {"task": "dms.postausgang.sweeper", "schedule": 120},
    "postfaecher-abrufen": {"task": "scanning.eingang.postfaecher_abrufen", "schedule": env.int("IMAP_INTERVALL", 60)},
    # Starts a storage integrity run when one is due and restarts a broken chain of steps (dms/betrieb/tasks.py).
    "integritaet": {"task": "dms.betrieb.integritaet_pruefen", "schedule": 600},
    # Resubmissions that became due today (the desk queries by date; the task only marks and counts them).
    "wiedervorlagen-faellig": {
        "task": "dms.wiedervorlagen.faellige_melden",
        "schedule": crontab(hour=env.int("WIEDERVORLAGEN_STUNDE", default=5), minute=0),
    },
    # Archive deadlines (reminder, release after 6 months), archive answers, expired Datei-B entries.
    "aussonderung": {"task": "dms.aussonderung.fristen", "schedule": env.int("AUSSONDERUNG_INTERVALL", 3600)},
    # Messages to the state archive that did not arrive (0505, 0503): each is re-sent when its pause has passed.
    "aussonderung-ausgang": {
        "task": "dms.aussonderung.ausgang_senden",
        "schedule": env.int("AUSSONDERUNG_AUSGANG_INTERVALL", 60),
    },
    # Structure proposals for legacy files whose OCR has finished (docs/klassifikation.md), queue altakten.
    "altakten-gliedern": {"task": "scanning.altakten.gliederungen_sweeper", "schedule": 600},
}
# Logs go through Django's LOGGING (JSON lines with the request id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
INTEGRITAET_INTERVALL_STUNDEN = env.float("INTEGRITAET_INTERVALL_STUNDEN", default=24)
INTEGRITAET_SCHRITT_SEKUNDEN = env.float("INTEGRITAET_SCHRITT_SEKUNDEN", default=20)
# The audit schedule is added after the AUDIT_* settings below.
CELERY_TIMEZONE = TIME_ZONE

OCR_LANGUAGE = env.str("OCR_LANGUAGE", default="deu")
OCR_DPI = env.int("OCR_DPI", default=300)
OCR_WORK_DIR = env.str("OCR_WORK_DIR", default="")  # per-page working files; empty: $TMPDIR/auslaenderakte-ocr
# A scanned document version longer than this is processed page-parallel: one task per block of this many pages on
# any worker, then a join (scanning/pipeline/verteilung.py); 0 turns it off.
OCR_SEITEN_JE_AUFGABE = env.int("OCR_SEITEN_JE_AUFGABE", default=10)
# Lost page blocks (scanning/pipeline/verteilung.py, beat `seitenbloecke-sweeper`): a fanned-out version without any
# finished block for this long gets its missing blocks (or the join) queued again; longer than the broker's
# visibility timeout, which brings back a dead worker's block by itself. After OCR_BLOCK_VERSUCHE re-queues the
# document's text recognition is marked failed.
OCR_BLOCK_HAENGT_SEKUNDEN = env.int(
    "OCR_BLOCK_HAENGT_SEKUNDEN", default=CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] + 900
)
OCR_BLOCK_VERSUCHE = env.int("OCR_BLOCK_VERSUCHE", default=3)
CELERY_BEAT_SCHEDULE["seitenbloecke-sweeper"] = {
    "task": "scanning.tasks.seitenbloecke_sweeper",
    "schedule": env.int("OCR_BLOCK_SWEEPER_INTERVALL", default=300),
}
HOTFOLDER_PATH = env.str("HOTFOLDER_PATH", default=str(BASE_DIR / "hotfolder"))
LIEFERUNGEN_PATH = env.str("LIEFERUNGEN_PATH", default=str(BASE_DIR / "lieferungen"))  # provider deliveries
# The trained document classifier (joblib); empty: MEDIA_ROOT/klassifikation/modell.joblib (docs/klassifikation.md).
KLASSIFIKATOR_PFAD = env.str("KLASSIFIKATOR_PFAD", default="")

# LibreOffice headless (DOCX/ODT/RTF -> PDF/A): time and memory limit per conversion.
SOFFICE_ZEITLIMIT = env.int("SOFFICE_ZEITLIMIT", default=120)
SOFFICE_BINARY = env.str("SOFFICE_BINARY", default="")  # empty: `soffice` from PATH
SOFFICE_MAX_SPEICHER = env.int("SOFFICE_MAX_SPEICHER", default=2 * 1024**3)
# Queue of the letters' PDF/A conversion (task dms.postausgang.umwandeln); a worker must listen on it. A letter still
# "wird umgewandelt" after POSTAUSGANG_UMWANDLUNG_FRIST seconds is shown as failed (retry on the letter's page).
POSTAUSGANG_UMWANDLUNG_QUEUE = env.str("POSTAUSGANG_UMWANDLUNG_QUEUE", default="default")
POSTAUSGANG_UMWANDLUNG_FRIST = env.int("POSTAUSGANG_UMWANDLUNG_FRIST", default=2 * SOFFICE_ZEITLIMIT + 120)

# Hybrid-mail provider (Postausgang, docs/postausgang.md). Empty URL: only local printing.
HYBRIDPOST_URL = env.str("HYBRIDPOST_URL", default="")
HYBRIDPOST_TOKEN = env.str("HYBRIDPOST_TOKEN", default="")
HYBRIDPOST_RUECKMELDUNG_SCHLUESSEL = env.str("HYBRIDPOST_RUECKMELDUNG_SCHLUESSEL", default="")
HYBRIDPOST_ZEITLIMIT = env.float("HYBRIDPOST_ZEITLIMIT", default=15.0)

# The state archive (Aussonderung, docs/aussonderung.md): its xdomea transfer interface and its identifier.
STAATSARCHIV_URL = env.str("STAATSARCHIV_URL", default="")
STAATSARCHIV_TOKEN = env.str("STAATSARCHIV_TOKEN", default="")
STAATSARCHIV_KENNUNG = env.str("STAATSARCHIV_KENNUNG", default="HHStAW")
STAATSARCHIV_NAME = env.str("STAATSARCHIV_NAME", default="Hessisches Hauptstaatsarchiv Wiesbaden")
STAATSARCHIV_ZEITLIMIT = env.float("STAATSARCHIV_ZEITLIMIT", default=60.0)
# Hessian archive law: no decision within this many months counts as release; a reminder this many days before.
AUSSONDERUNG_ARCHIV_FRIST_MONATE = env.int("AUSSONDERUNG_ARCHIV_FRIST_MONATE", default=6)
AUSSONDERUNG_ERINNERUNG_TAGE = env.int("AUSSONDERUNG_ERINNERUNG_TAGE", default=30)
# Sealed scans (dms/gericht/siegel.py, docs/gericht.md): the authority's seal key as PKCS#12 (empty: scans are not
# sealed), its passphrase, and the PEM/DER certificates a seal or qualified signature must chain to.
SIEGEL_PKCS12 = env.str("SIEGEL_PKCS12", default="")
SIEGEL_PASSWORT = env.str("SIEGEL_PASSWORT", default="")
SIEGEL_VERTRAUENSANKER = env.list("SIEGEL_VERTRAUENSANKER", default=[])
# Long-term validation data (docs/gericht.md, "LTV"): after the time-stamp, fetch the CRLs/OCSP responses named in
# the certificates (HTTP, ZEITSTEMPEL_ZEITLIMIT) and embed them with the seal or qualified signature.
SIEGEL_LTV = env.bool("SIEGEL_LTV", default=True)
# Qualified trust service for the responsible person's qualified signature (CSC API v2 remote signing,
# dms/gericht/csc.py): base URL ending in /csc/v2 (empty: the QES button says none is configured), the signature
# application's login there (auth/login, HTTP Basic) and the time limit of one call.
QES_DIENST_URL = env.str("QES_DIENST_URL", default="")
QES_DIENST_BENUTZER = env.str("QES_DIENST_BENUTZER", default="")
QES_DIENST_PASSWORT = env.str("QES_DIENST_PASSWORT", default="")
QES_ZEITLIMIT = env.float("QES_ZEITLIMIT", default=30.0)
# RFC 3161 time-stamping authority for seals and qualified signatures (dms/gericht/zeitstempel.py; empty: none),
# its time limit, and the certificates its tokens must chain to.
ZEITSTEMPEL_URL = env.str("ZEITSTEMPEL_URL", default="")
ZEITSTEMPEL_ZEITLIMIT = env.float("ZEITSTEMPEL_ZEITLIMIT", default=15.0)
ZEITSTEMPEL_VERTRAUENSANKER = env.list("ZEITSTEMPEL_VERTRAUENSANKER", default=[])
# Preservation of evidence (dms/gericht/archiv.py, docs/gericht.md "Archivzeitstempel"): renew a chain of archive
# time-stamps this many days before its last TSA certificate expires (not more often than every
# LANGZEIT_MINDESTABSTAND_TAGE while the TSA keeps that certificate), at once when its hash algorithm is listed as no
# longer suitable (BSI TR-02102-1 / SOG-IS); new links use LANGZEIT_HASHVERFAHREN; at most LANGZEIT_STAPEL per run.
LANGZEIT_ERNEUERN_VOR_TAGEN = env.int("LANGZEIT_ERNEUERN_VOR_TAGEN", default=180)
LANGZEIT_MINDESTABSTAND_TAGE = env.int("LANGZEIT_MINDESTABSTAND_TAGE", default=30)
LANGZEIT_HASHVERFAHREN = env.str("LANGZEIT_HASHVERFAHREN", default="sha256")
LANGZEIT_SCHWACHE_ALGORITHMEN = env.list("LANGZEIT_SCHWACHE_ALGORITHMEN", default=["md5", "sha1", "sha224"])
LANGZEIT_STAPEL = env.int("LANGZEIT_STAPEL", default=200)

# E-mail intake (scanning/eingang, docs/eingang.md): mails larger than this are not fetched (they stay in the
# mailbox, moved to the folder IMAP_ORDNER_ZU_GROSS, and a notice lands in the in-tray).
EINGANG_MAX_MAIL_BYTES = env.int("EINGANG_MAX_MAIL_BYTES", default=50 * 1024 * 1024)
IMAP_ZEITLIMIT = env.float("IMAP_ZEITLIMIT", default=30.0)
# Online applications: submissions per client address and hour; signed platform submissions' clock tolerance.
ONLINE_RATE_LIMIT = env.int("ONLINE_RATE_LIMIT", default=10)
PLATTFORM_ZEITFENSTER = env.int("PLATTFORM_ZEITFENSTER", default=300)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dms.api.anmeldung.SitzungAnmeldung",  # CSRF checked on the Django request (dms/api/anmeldung.py)
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "dms.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Elektronische Ausländerakte API",
    "DESCRIPTION": "Personen, Akten, Vorgänge, Dokumente, Posteingang und Förderung.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Schema and docs only for signed-in users; Swagger UI vendored (drf-spectacular-sidecar), never from a CDN.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Same field name, different choices: name the enums so the schema (and `check --deploy`) stays warning-free.
    "ENUM_NAME_OVERRIDES": {
        "AkteStatusEnum": "dms.models.akte.Akte.Status",
        "VorgangStatusEnum": "dms.models.akte.Vorgang.Status",
        "VersandwegEnum": "dms.postausgang.models.Ausgangsschreiben.Versandweg",
        "AbschlussgrundEnum": "dms.aussonderung.models.Abschlussgrund",
        "AbgabeGrundEnum": "dms.models.abgabe.Aktenabgabe.Grund",
        "LoeschsperreArtEnum": "dms.aussonderung.models.Loeschsperre.Art",
        "AktenschlussStatusEnum": "dms.aussonderung.models.Aktenschluss.Status",
        "AnbietungStatusEnum": "dms.aussonderung.models.Anbietung.Status",
        "LoeschungStatusEnum": "dms.aussonderung.models.Loeschung.Status",
        "PostenEntscheidungEnum": "dms.aussonderung.models.Anbietungsposten.Entscheidung",
        "AuftragStatusEnum": "dms.gericht.models.Auftrag.Status",
    },
}

# Session and transport security for home-office use over VPN.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and env.bool("HTTPS", default=False))
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE_SSL_REDIRECT)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_SSL_REDIRECT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
# Preload only makes sense (and is only accepted) with a year-long HSTS; switch off per environment if unwanted.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS >= 31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = env.str(
    "CONTENT_SECURITY_POLICY",
    default=(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
)

# django-axes: lock out after repeated failures (per user name and IP).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_TEMPLATE = "sicherheit/gesperrt.html"
# Only behind a proxy that overwrites X-Real-IP may the header be trusted (audit trail and lockout alike).
TRUST_X_REAL_IP = env.bool("TRUST_X_REAL_IP", default=False)
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR") if TRUST_X_REAL_IP else ("REMOTE_ADDR",)

# Audit entries written in their own transaction (reads, downloads, logins) wait for the WAL flush by default.
# AUDIT_SYNCHRONOUS_COMMIT=0 trades that for speed (a database crash may lose the last second of such entries).
AUDIT_SYNCHRONOUS_COMMIT = env.bool("AUDIT_SYNCHRONOUS_COMMIT", default=True)

# Audit chain keys (HMAC-SHA256, docs/protokoll.md): "id:key,id:key" from AUDIT_HMAC_KEYS or from the secret file
# AUDIT_HMAC_KEYS_FILE (same format, commas or lines). The database never holds them. The LAST listed key writes
# (append a new one to rotate) unless AUDIT_HMAC_WRITE_KEY_ID names another; older keys stay listed so their entries
# still verify. Like SECRET_KEY, start-up refuses a missing or example key when DEBUG is off.
EXAMPLE_AUDIT_HMAC_KEYS = "beispiel:unsicher-nur-fuer-entwicklung-und-tests-protokoll"


def _audit_hmac_keys(text: str) -> dict[str, str]:
    import re

    keys: dict[str, str] = {}
    for teil in re.split(r"[,\n]", text):
        if not teil.strip():
            continue
        key_id, _, key = teil.strip().partition(":")
        if not re.fullmatch(r"[A-Za-z0-9_.-]{1,16}", key_id) or len(key) < 32 or key_id in keys:
            raise ImproperlyConfigured(
                "AUDIT_HMAC_KEYS: jeder Eintrag lautet 'id:schluessel' mit einer eindeutigen id (bis 16 Zeichen "
                "A-Z a-z 0-9 _ . -) und einem Schlüssel von mindestens 32 Zeichen (siehe docs/protokoll.md)."
            )
        keys[key_id] = key
    return keys


_audit_keys_file = env.str("AUDIT_HMAC_KEYS_FILE", default="")
AUDIT_HMAC_KEYS = _audit_hmac_keys(
    Path(_audit_keys_file).read_text(encoding="utf-8") if _audit_keys_file else env.str("AUDIT_HMAC_KEYS", default="")
)
if not AUDIT_HMAC_KEYS and (DEBUG or ALLOW_EXAMPLE_SECRET_KEY):
    AUDIT_HMAC_KEYS = _audit_hmac_keys(EXAMPLE_AUDIT_HMAC_KEYS)
if (
    not DEBUG
    and not ALLOW_EXAMPLE_SECRET_KEY
    and (not AUDIT_HMAC_KEYS or EXAMPLE_AUDIT_HMAC_KEYS.partition(":")[2] in AUDIT_HMAC_KEYS.values())
):
    raise ImproperlyConfigured(
        "AUDIT_HMAC_KEYS fehlt oder ist der Beispielwert. Setzen Sie AUDIT_HMAC_KEYS oder AUDIT_HMAC_KEYS_FILE "
        "(siehe docs/operations.md)."
    )
AUDIT_HMAC_WRITE_KEY_ID = env.str("AUDIT_HMAC_WRITE_KEY_ID", default="") or next(reversed(AUDIT_HMAC_KEYS), "")
if AUDIT_HMAC_WRITE_KEY_ID not in AUDIT_HMAC_KEYS:
    raise ImproperlyConfigured("AUDIT_HMAC_WRITE_KEY_ID nennt keinen Schlüssel aus AUDIT_HMAC_KEYS.")

# Checkpoints of every chain head, written outside the database (`protokoll_verankern`, beat): "datei" appends a
# JSON line to AUDIT_ANCHOR_FILE (make it append-only: chattr +a, or ship it off the machine), "s3" writes one object
# per checkpoint with Object Lock retention (a bucket created with Object Lock; credentials that may only PutObject).
AUDIT_ANCHOR_TARGETS = env.list("AUDIT_ANCHOR_TARGETS", default=["datei"])
AUDIT_ANCHOR_FILE = env.str("AUDIT_ANCHOR_FILE", default=str(BASE_DIR / "protokoll-anker.jsonl"))
AUDIT_ANCHOR_S3_BUCKET = env.str("AUDIT_ANCHOR_S3_BUCKET", default="")
AUDIT_ANCHOR_S3_PREFIX = env.str("AUDIT_ANCHOR_S3_PREFIX", default="protokoll-anker/")
AUDIT_ANCHOR_S3_ENDPOINT_URL = env.str("AUDIT_ANCHOR_S3_ENDPOINT_URL", default="") or None
AUDIT_ANCHOR_S3_REGION_NAME = env.str("AUDIT_ANCHOR_S3_REGION_NAME", default="") or None
AUDIT_ANCHOR_S3_ACCESS_KEY_ID = env.str("AUDIT_ANCHOR_S3_ACCESS_KEY_ID", default="") or None
AUDIT_ANCHOR_S3_SECRET_ACCESS_KEY = env.str("AUDIT_ANCHOR_S3_SECRET_ACCESS_KEY", default="") or None
AUDIT_ANCHOR_S3_RETENTION_DAYS = env.int("AUDIT_ANCHOR_S3_RETENTION_DAYS", default=3650)
# Optional RFC 3161 time-stamp of each checkpoint from a time-stamping authority (empty: none).
AUDIT_TSA_URL = env.str("AUDIT_TSA_URL", default="")
AUDIT_ANCHOR_INTERVAL = env.int("AUDIT_ANCHOR_INTERVAL", default=300)
# The full check reads every entry (about 3 min per million on 2 busy cores); the quick one only the newest.
AUDIT_CHECK_INTERVAL = env.int("AUDIT_CHECK_INTERVAL", default=86400)
AUDIT_CHECK_RECENT_INTERVAL = env.int("AUDIT_CHECK_RECENT_INTERVAL", default=900)
CELERY_BEAT_SCHEDULE["protokoll-verankern"] = {"task": "dms.protokoll.verankern", "schedule": AUDIT_ANCHOR_INTERVAL}
CELERY_BEAT_SCHEDULE["protokoll-pruefen"] = {"task": "dms.protokoll.pruefen", "schedule": AUDIT_CHECK_INTERVAL}
CELERY_BEAT_SCHEDULE["protokoll-pruefen-neue"] = {
    "task": "dms.protokoll.pruefen_neue",
    "schedule": AUDIT_CHECK_RECENT_INTERVAL,
}
# Seals whose time-stamp failed (TSA down) get it later (dms/gericht/zeitstempel.py).
CELERY_BEAT_SCHEDULE["siegel-zeitstempel-nachholen"] = {
    "task": "dms.gericht.zeitstempel_nachholen",
    "schedule": env.int("ZEITSTEMPEL_NACHHOLEN_INTERVALL", default=900),
}
# Archive time-stamps: first one for new seals, renewal before TSA certificates expire (dms/gericht/archiv.py).
CELERY_BEAT_SCHEDULE["archivzeitstempel-erneuern"] = {
    "task": "dms.gericht.archivzeitstempel_erneuern",
    "schedule": env.int("LANGZEIT_ERNEUERN_INTERVALL", default=6 * 3600),
}

# Second factor (TOTP, django-otp): optional per user, mandatory for authorities with Behoerde.totp_pflicht.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Elektronische Ausländerakte")
# Admins never see another user's TOTP secret (the admin's QR-code page is switched off).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Path prefixes reachable before the second factor is verified, besides login, logout and the TOTP page itself.
ZWEITER_FAKTOR_AUSNAHMEN = (STATIC_URL,)

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# Operators' token for /metrics (`Authorization: Bearer …`); empty: only logged-in operators may read metrics.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")  # json (one object per line) or text
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "dms.betrieb.protokollierung.json_formatter"},
        "text": {"()": "dms.betrieb.protokollierung.text_formatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "text" if LOG_FORMAT == "text" else "json"}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "pikepdf": {"level": "WARNING"}},
}
