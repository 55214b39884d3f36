"""Public pages that belong to no single feature: home, statements, health check."""

from __future__ import annotations

from flask import jsonify, render_template
from sqlalchemy import text

from app.extensions import db
from app.main import bp
from app.security import public


@bp.route("/")
@public
def index():
    return render_template("main/index.html")


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html")


@bp.route("/healthz")
@public
def healthz():
    """Liveness and database check for load balancers and the benchmark floor."""
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # report, never raise: a health check must answer
        db.session.rollback()
        return jsonify(status="error", database="error", detail=type(exc).__name__), 503
    return jsonify(status="ok", database=database, engine=db.engine.dialect.name)
