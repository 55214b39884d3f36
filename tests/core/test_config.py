"""App factory and configuration."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import config
from app import create_app


def test_test_config_is_used(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret-key"


GOOD_KEY = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def production_env(monkeypatch):
    """A complete production environment; each test takes one piece away."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("SERVER_NAME", "portal.example.org")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.delenv(config.CAPTURE_IN_PRODUCTION, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "key",
    [
        None,
        config.DEFAULT_SECRET_KEY,
        "short",
        "x" * 64,  # one repeated character
        "ab" * 32,  # a short pattern repeated
        "0123456789" * 4,
        "passwordpasswordpasswordpassword1",
    ],
)
def test_production_refuses_a_missing_public_short_or_predictable_secret_key(production_env, key):
    if key is None:
        production_env.delenv("SECRET_KEY")
    else:
        production_env.setenv("SECRET_KEY", key)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize(
    "key", [GOOD_KEY, "kT3vQ9zL-mW2xR7pB_4nY8cF6hJ1sD5g", "correct horse battery staple orbit lantern 42"]
)
def test_production_accepts_random_keys_and_long_passphrases(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    assert create_app().config["SECRET_KEY"] == key


def test_production_requires_server_name(production_env):
    production_env.delenv("SERVER_NAME")
    with pytest.raises(config.ConfigError, match="SERVER_NAME"):
        create_app()


def test_production_refuses_to_start_without_a_mail_server(production_env):
    production_env.delenv("MAIL_SERVER")
    with pytest.raises(config.ConfigError, match=config.CAPTURE_IN_PRODUCTION):
        create_app()
    production_env.setenv(config.CAPTURE_IN_PRODUCTION, "yes")
    assert create_app().config["MAIL_SERVER"] is None


@pytest.mark.parametrize("value", [None, "", "prod", "Production", "PRODUCTION", "production ", "dev", "staging"])
def test_an_unknown_or_missing_portal_env_refuses_to_start_and_lists_the_valid_values(monkeypatch, value):
    """Fail closed: anything but the exact names never falls back to the development key."""
    if value is None:
        monkeypatch.delenv("PORTAL_ENV", raising=False)
    else:
        monkeypatch.setenv("PORTAL_ENV", value)
    with pytest.raises(config.ConfigError) as refused:
        create_app()
    assert "PORTAL_ENV=development" in str(refused.value) and "PORTAL_ENV=production" in str(refused.value)


def test_development_is_chosen_only_explicitly(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    assert config.select_config() is config.Config
    assert issubclass(
        config.select_config(
            {"PORTAL_ENV": "production", "SECRET_KEY": GOOD_KEY, "SERVER_NAME": "p.example.org", "MAIL_SERVER": "m"}
        ),
        config.ProductionConfig,
    )


def test_wsgi_refuses_to_start_on_a_server_with_no_portal_env(tmp_path):
    """The real entry point (gunicorn wsgi:app) in a fresh process, as a server would run it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("PORTAL_ENV", "SECRET_KEY")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.db"
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "PORTAL_ENV is not set" in result.stderr


def test_production_starts_with_proper_settings(production_env):
    application = create_app()
    assert application.config["SESSION_COOKIE_SECURE"] is True
    assert application.config["SESSION_COOKIE_HTTPONLY"] is True
    assert application.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert application.config["PREFERRED_URL_SCHEME"] == "https"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_gets_the_psycopg_driver(monkeypatch, given, expected):
    monkeypatch.setenv("DATABASE_URL", given)
    assert config.database_url() == expected


def test_default_database_is_instance_sqlite(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert config.database_url().endswith("instance/portal.db")


def test_engine_settings(app, db):
    """SQLite: WAL, foreign keys, busy timeout. PostgreSQL: UTF-8 and UTC round trips."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            assert conn.execute(text("SHOW server_encoding")).scalar() == "UTF8"
        return
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000


def test_healthz_reports_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok"
    assert response.json["database"] == "ok"
    assert response.json["engine"] == db.engine.dialect.name


def test_mail_capture_mode_by_default(monkeypatch):
    monkeypatch.delenv("MAIL_SERVER", raising=False)
    assert config.Config.MAIL_SERVER is None or isinstance(config.Config.MAIL_SERVER, str)


def test_rate_limits_use_redis_when_redis_url_is_set(monkeypatch):
    import importlib

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        reloaded = importlib.reload(config)
        assert reloaded.Config.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/0"
        monkeypatch.delenv("REDIS_URL")
        assert importlib.reload(config).Config.RATELIMIT_STORAGE_URI == "memory://"
    finally:
        importlib.reload(config)


def test_redis_storage_counts_hits(monkeypatch):
    """The storage the limiter is given with REDIS_URL really counts in Redis (this machine runs it)."""
    from limits import RateLimitItemPerMinute
    from limits.storage import storage_from_string
    from limits.strategies import FixedWindowRateLimiter

    storage = storage_from_string("redis://127.0.0.1:6379/0")
    assert storage.check(), "Redis must answer on 127.0.0.1:6379"
    limiter = FixedWindowRateLimiter(storage)
    item = RateLimitItemPerMinute(2)
    key = f"portal-test-{id(item)}"
    assert limiter.hit(item, key) and limiter.hit(item, key)
    assert not limiter.hit(item, key)
    storage.clear(item.key_for(key))


def test_unexpected_error_shows_the_500_page(app, client):
    app.config["PROPAGATE_TEST_ERRORS"] = False

    def boom():
        raise RuntimeError("kaboom")

    boom.access = "public"
    app.view_functions["main.privacy"], original = boom, app.view_functions["main.privacy"]
    try:
        response = client.get("/privacy")
    finally:
        app.view_functions["main.privacy"] = original
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in html
    assert "kaboom" not in html


@pytest.mark.parametrize(("path", "code", "text"), [("/nope", 404, "Page not found"), ("/logout", 405, "problem")])
def test_error_pages_in_house_style(client, path, code, text):
    response = client.get(path)
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert text in html and "govuk-template" in html and "Skip to main content" in html
