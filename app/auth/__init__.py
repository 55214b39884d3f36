from flask import Blueprint

bp = Blueprint("auth", __name__)

from app.auth import data_rights, routes  # noqa: E402,F401
