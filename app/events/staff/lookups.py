"""Loaders shared by the staff pages: a 404 for a missing (or another event's) row, a 400 for a bad form."""

from __future__ import annotations

from flask import abort

from app.events.models import Event, Registration
from app.extensions import db
from app.forms import ConfirmForm


def event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def registration_or_404(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    return registration


def csrf_or_400() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)
