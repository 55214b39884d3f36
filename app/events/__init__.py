from flask import Blueprint

bp = Blueprint("events", __name__)

from app.events import account, bulletin_source, routes, staff  # noqa: E402,F401
