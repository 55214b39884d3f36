"""The mailing list's staff pages, one module per area; importing them registers their routes on
the mailing blueprint."""

from app.mailing.staff import bulletins, imports, items, languages, sending, subscribers, topics  # noqa: F401
