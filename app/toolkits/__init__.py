from flask import Blueprint

bp = Blueprint("toolkits", __name__)

from app.toolkits import account, bulletin_source, question_types, routes, staff  # noqa: E402,F401
