"""Configuration, read from the environment.

`create_app()` asks `select_config()`, which fails closed: PORTAL_ENV must say exactly which
configuration to use (`development` on a laptop, `production` on a server). Anything else,
unset included, refuses to start, so a server never falls back to the development settings
and their public SECRET_KEY. Every variable is listed in README.md.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET_KEY = "dev-only-not-secret-change-me"
ENVIRONMENTS = ("development", "production")
# Production refuses to start without a mail server unless this loudly named setting says that
# mail is kept in the database on purpose (a trial server, say). Credentials stay redacted.
CAPTURE_IN_PRODUCTION = "MAIL_CAPTURE_IN_PRODUCTION_NOTHING_IS_SENT"
MIN_SECRET_KEY_LENGTH = 32
MIN_SECRET_KEY_BITS = 128  # estimated from the key's own character frequencies


class ConfigError(RuntimeError):
    """The environment does not describe a configuration the portal may run with."""


_TRUE = {"1", "true", "yes", "on"}


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'portal.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants an explicit driver.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or DEFAULT_SECRET_KEY
    SQLALCHEMY_DATABASE_URI = database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")

    # Naming shown to people; a CVS sets its own.
    SERVICE_NAME = os.environ.get("SERVICE_NAME", "Community Network Portal")
    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Example Council for Voluntary Service")
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "network@example.org")

    # Mail. With no MAIL_SERVER the worker "captures" mail: it is marked sent and readable
    # on the staff Sent mail page, so a newcomer can read every e-mail the portal sends.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_USE_SSL = _bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Community Network Portal <noreply@example.org>")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 30)
    # Messages claimed at once (one lease). Rate-limited workers claim fewer, so that a batch
    # always finishes well inside its lease (app/mail/worker.py claim_batch).
    OUTBOX_BATCH_SIZE = _int("OUTBOX_BATCH_SIZE", 200)
    # Short, and renewed every quarter lease while a batch is sent: a killed worker's batch is
    # taken over within a minute; a stopped one (SIGTERM) gives its claim back at once (issue 19).
    OUTBOX_LEASE_SECONDS = _int("OUTBOX_LEASE_SECONDS", 40)
    OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)
    WORKER_POLL_SECONDS = float(os.environ.get("WORKER_POLL_SECONDS", "2"))
    # Bulk mail (issue 4): messages per second per worker (0 = as fast as the server accepts).
    OUTBOX_RATE_PER_SECOND = float(os.environ.get("OUTBOX_RATE_PER_SECOND", "0"))
    # Deliverability (issue 19, docs/deployment.md "Bounces"). MAIL_BOUNCE_ADDRESS, e.g.
    # "bounces@example.org", turns on VERP: each message's return path is bounces+<token>@… so a
    # bounce names its message. The bounce mailbox the worker polls: pop3://user:pass@host:995 or
    # imap://… (pop3s/imaps for TLS); empty means bounces come only by `flask mail bounces FILE`.
    MAIL_BOUNCE_ADDRESS = os.environ.get("MAIL_BOUNCE_ADDRESS") or None
    BOUNCE_MAILBOX_URL = os.environ.get("BOUNCE_MAILBOX_URL") or None
    BOUNCE_POLL_SECONDS = _int("BOUNCE_POLL_SECONDS", 300)
    # Soft bounces (4.x.x, mailbox full) suppress an address after this many within this many days.
    SOFT_BOUNCE_LIMIT = _int("SOFT_BOUNCE_LIMIT", 3)
    SOFT_BOUNCE_DAYS = _int("SOFT_BOUNCE_DAYS", 30)
    # The safety valve: a bulletin pauses itself once hard bounces pass this share of
    # max(messages finished, BOUNCE_PAUSE_SAMPLE), i.e. 5 % of the first 500, then of all so far.
    BOUNCE_PAUSE_PERCENT = float(os.environ.get("BOUNCE_PAUSE_PERCENT", "5"))
    BOUNCE_PAUSE_SAMPLE = _int("BOUNCE_PAUSE_SAMPLE", 500)
    # DKIM: signs outgoing mail when both are set (the key is a PEM file path).
    DKIM_SELECTOR = os.environ.get("DKIM_SELECTOR") or None
    DKIM_PRIVATE_KEY_PATH = os.environ.get("DKIM_PRIVATE_KEY_PATH") or None
    # ESP complaint/bounce webhooks (POST /mail/webhook) are accepted only with this shared secret.
    MAIL_WEBHOOK_SECRET = os.environ.get("MAIL_WEBHOOK_SECRET") or None
    # Mailing list: manage/unsubscribe links in bulletins keep working this long; the key
    # that salts the hashes on the suppression list (set it once; changing it forgets them).
    MAILING_LINK_MAX_AGE = _int("MAILING_LINK_MAX_AGE", 3 * 365 * 24 * 3600)
    SUPPRESSION_SALT = os.environ.get("SUPPRESSION_SALT") or None
    # Click counts per link per bulletin, never per person (issue 19, app/mailing/clicks.py): links in
    # bulletin e-mails go through a signed redirect (/r/<token>). Off: e-mails carry the original links.
    BULLETIN_CLICK_COUNTS = _bool("BULLETIN_CLICK_COUNTS", True)

    # Rate limits: Redis when REDIS_URL is set (shared between processes), memory otherwise.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Retry-After is set on a refusal (app/errors.py), not on every limited response. A refused request
    # stops at the first limit it breaks, so it does not also use up a wider limit (one address
    # hammering an event must not use up the event's own ceiling for everyone else).
    RATELIMIT_HEADERS_ENABLED = False
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    RATELIMIT_SIGNUP = os.environ.get("RATELIMIT_SIGNUP", "5 per minute;30 per hour")
    # Event registration has its own limits (app/ratelimits.py): per client address and event, sized
    # for a room of people on one Wi-Fi registering within minutes, and a ceiling per event.
    RATELIMIT_EVENT_REGISTRATION = os.environ.get("RATELIMIT_EVENT_REGISTRATION", "100 per minute;500 per hour")
    RATELIMIT_EVENT_REGISTRATION_PER_EVENT = os.environ.get(
        "RATELIMIT_EVENT_REGISTRATION_PER_EVENT", "200 per minute;2000 per hour"
    )
    # Directory (issue 18): public reports of a problem with a listing, per client address; owners are
    # asked to confirm their listing this many months after it was last checked.
    RATELIMIT_LISTING_REPORT = os.environ.get("RATELIMIT_LISTING_REPORT", "5 per hour;20 per day")
    LISTING_CHECK_MONTHS = _int("LISTING_CHECK_MONTHS", 6)
    # How many reverse proxies stand in front of the app (nginx: 1). Their X-Forwarded-For entry is
    # then the client's address, and rate limits count per client, not per proxy.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # Sessions and CSRF. The CSRF token lives as long as the session, so a form left open
    # for an afternoon (common for people who are not confident online) still submits.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None
    # A sign-in ends after this long without a request, and after this long in any case
    # (app/auth/sessions.py). Four hours covers a form left open for an afternoon.
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 240)
    SESSION_MAX_HOURS = _int("SESSION_MAX_HOURS", 24)
    WTF_CSRF_SSL_STRICT = True
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    # Accounts.
    PASSWORD_HASH_METHOD = "scrypt"
    PASSWORD_MIN_LENGTH = 10
    CONFIRM_TOKEN_MAX_AGE = 7 * 24 * 3600
    RESET_TOKEN_MAX_AGE = 3600
    INVITE_TOKEN_MAX_AGE = 7 * 24 * 3600

    # Bench mode exposes a per-request SQL query counter header; never on in production.
    BENCH_MODE = _bool("BENCH_MODE")
    # The load tool cannot carry a CSRF token, so bench mode also turns the CSRF check off
    # (the register POST scenario). ProductionConfig forces both back.
    WTF_CSRF_ENABLED = not BENCH_MODE
    PAGE_SIZE = 20
    # Action plans: remind lead officers after this many weeks without a progress update (0 = never).
    ACTIONPLAN_REMINDER_WEEKS = _int("ACTIONPLAN_REMINDER_WEEKS", 6)
    # Staff dashboard (issue 9): list open actions with no progress update for this many weeks.
    STAFF_STALE_ACTION_WEEKS = _int("STAFF_STALE_ACTION_WEEKS", 6)
    # Events (issue 5): reminders go this many days before an event starts.
    EVENT_REMINDER_DAYS = _int("EVENT_REMINDER_DAYS", 2)
    # Assets (issue 21, app/assets.py): gzip HTML, CSS, JS, JSON and SVG in the app (turn off only when
    # the reverse proxy compresses instead); look for edited static files about once a second, so a
    # changed stylesheet gets a new hashed URL without a restart (development only).
    COMPRESS_RESPONSES = _bool("COMPRESS_RESPONSES", True)
    ASSETS_AUTO_REFRESH = _bool("ASSETS_AUTO_REFRESH", True)


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    BENCH_MODE = False
    WTF_CSRF_ENABLED = True
    ASSETS_AUTO_REFRESH = False  # files change only with a deployment, which restarts the app

    @classmethod
    def from_environment(cls, environ) -> type[ProductionConfig]:
        """Check the environment, then build the class from it: the values checked are the
        values used, even when the environment changed after this module was imported."""
        cls.validate(environ)
        values = {"SECRET_KEY": environ["SECRET_KEY"], "SERVER_NAME": environ["SERVER_NAME"]}
        values["MAIL_SERVER"] = environ.get("MAIL_SERVER") or None
        return type(cls.__name__, (cls,), values)

    @classmethod
    def validate(cls, environ=os.environ) -> None:
        problem = secret_key_problem(environ.get("SECRET_KEY", ""))
        if problem:
            raise ConfigError(
                f"SECRET_KEY {problem}. Production needs a long random value "
                '(for example: python -c "import secrets; print(secrets.token_hex(32))").'
            )
        if not environ.get("SERVER_NAME"):
            # Links in e-mails (password reset, confirmation) must never be built from a
            # Host header an attacker controls, so production names its own host.
            raise ConfigError("SERVER_NAME must be set in production, for example portal.example.org")
        if not environ.get("MAIL_SERVER") and environ.get(CAPTURE_IN_PRODUCTION, "").lower() not in _TRUE:
            raise ConfigError(
                "MAIL_SERVER must be set in production: without it no e-mail is sent (registration, "
                f"password reset and bulletins would silently go nowhere). To run without mail on purpose, "
                f"set {CAPTURE_IN_PRODUCTION}=yes."
            )


def secret_key_problem(key: str) -> str | None:
    """Why `key` is not fit for production, or None. Refuses the development key, short keys and
    keys with little variety (one repeated character, a short pattern repeated)."""
    if not key:
        return "is not set"
    if key == DEFAULT_SECRET_KEY or DEFAULT_SECRET_KEY in key:
        return "is the public development key"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"is shorter than {MIN_SECRET_KEY_LENGTH} characters"
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    if bits < MIN_SECRET_KEY_BITS or _repeats_a_pattern(key):
        return "looks too predictable (too few different characters, or a pattern repeated)"
    return None


def _repeats_a_pattern(key: str) -> bool:
    return any(len(key) % size == 0 and key == key[:size] * (len(key) // size) for size in range(1, len(key) // 2 + 1))


def select_config(environ=os.environ) -> type[Config]:
    """The configuration PORTAL_ENV names; refuse anything else (fail closed)."""
    name = environ.get("PORTAL_ENV")
    if name == "production":
        return ProductionConfig.from_environment(environ)
    if name == "development":
        return Config
    valid = " or ".join(f"PORTAL_ENV={value}" for value in ENVIRONMENTS)
    shown = "is not set" if name is None else f"is {name!r}, which is not a known setting"
    raise ConfigError(
        f"PORTAL_ENV {shown}. Set {valid} (exactly, in lower case): development on your own computer "
        "(`make run` does this), production on a server."
    )


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"  # conftest sets a file
    SERVER_NAME = None
    WTF_CSRF_ENABLED = False
    # Enabled, with limits no normal test reaches; rate-limit tests lower them per test.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_LOGIN = "10000 per minute"
    RATELIMIT_SIGNUP = "10000 per minute"
    RATELIMIT_EVENT_REGISTRATION = "10000 per minute"
    RATELIMIT_EVENT_REGISTRATION_PER_EVENT = "10000 per minute"
    MAIL_SERVER = None
    MAIL_SUPPRESS_SEND = False  # Flask-Mail would drop mail under TESTING; tests use a real SMTP server
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast in tests; production uses scrypt
    WORKER_POLL_SECONDS = 0.1
    BENCH_MODE = False
    ASSETS_AUTO_REFRESH = False
