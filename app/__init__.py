"""Application factory (DESIGN §2)."""

from __future__ import annotations

import logging
import os
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from flask import Flask, g, request
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

# Module imports, not names: the app.db and app.mail subpackages would shadow `db`/`mail` here.
from app import assets, i18n
from app import extensions as ext
from app.db import query_counter
from app.ratelimits import trust_proxies
from app.security import BoundedIntegerConverter, PortalRequest

# The feature packages, in dependency order (demo data: accounts, then the groups that events and
# toolkits name). Adding a feature is one line here: its package's `bp` is registered, and its
# `models`, `jobs` and `demo` modules, where it has them, are loaded from this list.
FEATURES = ("auth", "groups", "events", "actionplan", "mailing", "toolkits", "main", "staff", "reports")


def feature_modules(name: str) -> list[ModuleType]:
    """Each feature's `app.<feature>.<name>` module that exists, imported, in FEATURES order."""
    return [import_module(f"app.{f}.{name}") for f in FEATURES if find_spec(f"app.{f}.{name}") is not None]


def _config_class():
    from config import select_config

    return select_config()


def create_app(config_class=None) -> Flask:
    config_class = config_class or _config_class()
    app = Flask(__name__, template_folder="../templates", static_folder="../static", instance_relative_config=True)
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any blueprint adds a rule
    app.request_class = PortalRequest
    app.config.from_object(config_class)
    os.makedirs(app.instance_path, exist_ok=True)

    _init_templates(app)
    i18n.init_app(app)
    assets.init_app(app)  # first, so that its gzip runs after every other after_request hook
    _init_extensions(app)
    trust_proxies(app)
    _register_features(app)
    _register_hooks(app)
    _register_error_handlers(app)
    _register_cli(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _init_templates(app: Flask) -> None:
    from app.i18n.templates import LocalisedEnvironment

    # Each template compiled once per language, fixed words translated (app/i18n/templates.py): room
    # in the cache for every template in each of the four languages.
    app.jinja_environment = LocalisedEnvironment
    app.jinja_options = {**app.jinja_options, "cache_size": 2000}
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(os.path.join(app.root_path, "..", "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    WTFormsHelpers(app)

    from app import template_helpers

    template_helpers.register(app)


def _init_extensions(app: Flask) -> None:
    ext.db.init_app(app)
    ext.migrate.init_app(app, ext.db, directory=os.path.join(app.root_path, "..", "migrations"), render_as_batch=True)
    ext.csrf.init_app(app)
    ext.mail.init_app(app)
    ext.limiter.init_app(app)

    ext.login_manager.init_app(app)
    ext.login_manager.login_view = "auth.login"
    ext.login_manager.login_message = i18n._l("Sign in to see this page.")
    ext.login_manager.login_message_category = "important"
    ext.login_manager.session_protection = "basic"

    from app.auth import sessions

    ext.login_manager.user_loader(sessions.load)


def _register_features(app: Flask) -> None:
    """Every feature's blueprint, models and periodic jobs (with its retention rules), from FEATURES."""
    from app import audit, retention  # noqa: F401  (core models; the hourly job that runs every retention rule)
    from app.mail import models  # noqa: F401

    for feature in FEATURES:
        app.register_blueprint(import_module(f"app.{feature}").bp)
    feature_modules("models")  # every model registered before anything uses metadata
    feature_modules("jobs")  # each registers its @periodic jobs and @retention_rule rules


def _register_hooks(app: Flask) -> None:
    from app.security import enforce_declared_access, refuse_hostile_input, set_security_headers

    app.before_request(refuse_hostile_input)
    app.before_request(enforce_declared_access)

    @app.before_request
    def _fresh_request_state():
        query_counter.reset()
        # A request inside an already-pushed app context (tests, CLI) shares its `g`;
        # never let one request's signed-in user leak into the next.
        g.pop("_login_user", None)

    @app.after_request
    def _headers(response):
        response = set_security_headers(response)
        if app.config.get("BENCH_MODE"):
            response.headers["X-Query-Count"] = str(query_counter.count)
        if request.path.startswith(("/staff", "/account", "/my-group")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response


def _register_error_handlers(app: Flask) -> None:
    from app.errors import register_error_handlers

    register_error_handlers(app)


def _register_cli(app: Flask) -> None:
    from app.cli import register_cli
    from app.jobs import worker_command

    register_cli(app)
    app.cli.add_command(worker_command)
