"""outbox claim index: (status, next_attempt_at, id); no index on status alone or on kind

Revision ID: 0014_outbox_claim
Revises: 0013_directory
Create Date: 2026-11-21 14:44:36

Every row of a bulletin falls due at the same moment, so with (status, next_attempt_at) the worker's
claim (ORDER BY next_attempt_at, id LIMIT batch) fetched and sorted every queued row of the send for
each batch. With id in the index the walk is already in that order and stops at the batch size.
The index on status alone was a prefix of this one, and no query looks rows up by kind. A status
change (claimed, then sent: twice per message of a bulk send) writes an entry into every index of the
table, so each index dropped is one write fewer per change.
"""

from alembic import op


revision = "0014_outbox_claim"
down_revision = "0013_directory"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_outbox_messages_kind", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_status", table_name="outbox_messages")
    op.drop_index("ix_outbox_messages_due", table_name="outbox_messages")
    op.create_index("ix_outbox_messages_due", "outbox_messages", ["status", "next_attempt_at", "id"])


def downgrade():
    op.drop_index("ix_outbox_messages_due", table_name="outbox_messages")
    op.create_index("ix_outbox_messages_due", "outbox_messages", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_messages_status", "outbox_messages", ["status"])
    op.create_index("ix_outbox_messages_kind", "outbox_messages", ["kind"])
