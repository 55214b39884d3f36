from flask import Blueprint

bp = Blueprint("mailing", __name__)

from app.mailing import account, bounces, delivery, routes, staff  # noqa: E402,F401
