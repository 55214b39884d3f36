from flask import Blueprint

bp = Blueprint("mailing", __name__)

from app.mailing import account, bounces, clicks, delivery, routes, staff  # noqa: E402,F401
