"""Imports every model so metadata (migrations, table clean-up in tests) sees them all.
Each feature adds its models module here."""

from app.actionplan.models import Action, ActionPlan, ImportBatch, ProgressUpdate, StatusChange, Theme  # noqa: F401
from app.audit import AuditEvent  # noqa: F401
from app.auth.models import Invitation, User  # noqa: F401
from app.events.models import ActionArising, AgendaItem, Event, EventSeries, Minutes, Registration  # noqa: F401
from app.groups.models import GroupImportBatch, Membership, Organisation, Tag  # noqa: F401
from app.mail.models import OutboxMessage  # noqa: F401
from app.mailing.models import Bulletin, BulletinItem, Subscriber, Subscription, SuppressedAddress, Topic  # noqa: F401
from app.main.models import SiteContent  # noqa: F401
from app.toolkits.models import Answer, Question, Response, Section, Toolkit  # noqa: F401
