"""Settings, layered: these defaults, then the environment, then explicit overrides.

Every setting a deployment changes comes from the environment, so the same
``create_app()`` serves the CLI, the development server and a WSGI server.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret


class Defaults:
    #: Public base URL used to build survey links, e.g. ``https://stegvis.example.se``.
    #: Links must work behind a reverse proxy, so they never come from the request.
    BASE_URL = "http://127.0.0.1:5000"
    #: Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust.
    #: Without it, every participant behind a proxy would share one rate-limit bucket.
    PROXY_COUNT = 0
    #: Days a survey link stays valid for resuming an unfinished questionnaire.
    LINK_LIFETIME_DAYS = 30
    #: A shared tablet left alone this long returns to "give the tablet back"; a
    #: warning with "I am still here" comes this many seconds before.
    TABLET_IDLE_SECONDS = 600
    TABLET_IDLE_WARNING_SECONDS = 120
    #: Minutes a one-time tablet code works.
    TABLET_CODE_MINUTES = 15
    #: Who runs the service and answers for its accessibility (the statement names them).
    SERVICE_OWNER = "Samordningsförbundet"
    ACCESSIBILITY_EMAIL = "tillganglighet@stegvis.invalid"
    #: Aggregated cells describing fewer participants than this are suppressed.
    SUPPRESSION_THRESHOLD = 5
    #: No statistical test or interval is computed on fewer participants than this.
    MIN_N_FOR_TESTS = 10
    #: Worker processes drawing a report's charts side by side; None: one per core
    #: this process may use. 0 or 1 draws them in the web process itself.
    CHART_PROCESSES: int | None = None

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # A participant may leave the tablet for a long while mid-questionnaire; the CSRF
    # token lives as long as the session instead of expiring after an hour.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    #: None: secure exactly when BASE_URL is https, see ``create_app``.
    SESSION_COOKIE_SECURE = None
    SESSION_COOKIE_SAMESITE = "Lax"
    # Free-text answers are short; anything larger is refused before it is parsed.
    MAX_CONTENT_LENGTH = 64 * 1024
    MAX_FORM_MEMORY_SIZE = 64 * 1024

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    #: Interface languages of staff pages, chosen by the browser.
    LANGUAGES = ("sv", "en")
    #: Interface languages of participant pages (each needs a complete catalogue).
    PARTICIPANT_LANGUAGES = ("sv", "en", "ar")

    #: argon2id parameter set, see ``services.users``.
    PASSWORD_HASH_PROFILE = "rfc_9106_low_memory"  # noqa: S105 - a parameter set's name

    #: SMTP for survey links and reminders (Flask-Mail). Sending really happens in
    #: tests too, to a local SMTP server: Flask-Mail's own default would skip it.
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Stegvis <no-reply@stegvis.invalid>"
    MAIL_SUPPRESS_SEND = False
    #: Reminders go to a participant at most this often.
    REMINDER_INTERVAL_DAYS = 7
    #: What erasing a participant who withdrew consent does: "delete" everything, or
    #: "anonymise" (keep scale answers under a random code so aggregates stay stable).
    ERASURE_POLICY = "delete"

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: How many unknown or dead survey links one client may try.
    DEAD_LINK_RATE_LIMIT = "20 per minute"
    #: How many wrong tablet codes one client may type.
    TABLET_CODE_RATE_LIMIT = "10 per minute"
    LOGIN_RATE_LIMIT = "10 per minute"
    #: Requests one API token may make.
    API_RATE_LIMIT = "60 per minute"


ENVIRONMENT_SETTINGS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "STEGVIS_BASE_URL": "BASE_URL",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "STEGVIS_PROXY_COUNT": "PROXY_COUNT",
    "STEGVIS_CHART_PROCESSES": "CHART_PROCESSES",
    "STEGVIS_SUPPRESSION_THRESHOLD": "SUPPRESSION_THRESHOLD",
    "STEGVIS_MIN_N_FOR_TESTS": "MIN_N_FOR_TESTS",
    "STEGVIS_ERASURE_POLICY": "ERASURE_POLICY",
    "STEGVIS_SERVICE_OWNER": "SERVICE_OWNER",
    "STEGVIS_ACCESSIBILITY_EMAIL": "ACCESSIBILITY_EMAIL",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USE_SSL": "MAIL_USE_SSL",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
}

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def as_bool(value: object, setting: str) -> bool:
    """A boolean setting, which the environment gives as text."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{setting} must be true or false, not {value!r}")


def settings_from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, str]:
    """Settings that the environment overrides, under their Flask config names."""
    return {
        setting: environ[variable]
        for variable, setting in ENVIRONMENT_SETTINGS.items()
        if environ.get(variable)
    }


def default_database_uri(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "stegvis.sqlite3")


def read_secret_key(instance_path: str) -> str | None:
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.is_file():
        return path.read_text(encoding="ascii").strip() or None
    return None


def ensure_secret_key_file(instance_path: str) -> Path:
    """Create ``instance/secret_key`` on first run; never overwrite an existing one."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    return path
