"""Staff pages for events under /staff/events, one module per sub-area; every endpoint is `events.staff_*`."""

from app.events.staff import agenda, events, messages, minutes, registrations, reports, series  # noqa: F401
