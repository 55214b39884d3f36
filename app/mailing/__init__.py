from flask import Blueprint

bp = Blueprint("mailing", __name__)

from app.mailing import bounces, delivery, routes, staff  # noqa: E402,F401
