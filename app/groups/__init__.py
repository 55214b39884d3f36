"""Community-group directory: applications, review, membership, search, taxonomy, HSDS API."""

from flask import Blueprint

bp = Blueprint("groups", __name__)

from app.groups import descriptions, freshness_routes, hsds, routes, staff_routes, venues  # noqa: E402, F401
