"""The one mail path: every e-mail is an OutboxMessage row before it is a message (DESIGN §8)."""

from app.mail.models import OutboxMessage
from app.mail.service import enqueue

__all__ = ["OutboxMessage", "enqueue"]
