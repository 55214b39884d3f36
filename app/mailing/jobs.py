"""Periodic work for the mailing list: start scheduled bulletins, mark finished sends."""

from app.jobs import periodic
from app.mailing.services import send_due_bulletins


@periodic("mailing.bulletins", every_seconds=15)
def bulletin_job() -> None:
    send_due_bulletins()
