"""App factory and configuration."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import config
from app import create_app


def test_test_config_is_used(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret-key"


def test_production_refuses_default_or_missing_secret_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SERVER_NAME", "portal.example.org")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", config.DEFAULT_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_requires_server_name(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.delenv("SERVER_NAME", raising=False)
    with pytest.raises(RuntimeError, match="SERVER_NAME"):
        create_app()


def test_production_starts_with_proper_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("SERVER_NAME", "portal.example.org")
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
