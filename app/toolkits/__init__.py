from flask import Blueprint

bp = Blueprint("toolkits", __name__)

from app.toolkits import bulletin_source, routes, staff  # noqa: E402,F401
