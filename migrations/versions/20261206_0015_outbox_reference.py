"""outbox reference: ref_id, what a message is for in its campaign's terms (a bulletin's row: the subscriber)

Revision ID: 0015_outbox_reference
Revises: 0014_outbox_claim
Create Date: 2026-12-06 20:05:12

The bulletin renderer parsed the subscriber's id back out of dedupe_key
("bulletin:<bulletin>:subscriber:<subscriber>"); it now reads ref_id. Existing rows are filled in
from their key. Not indexed: nothing looks rows up by it, and every index of this table costs each
status change of a bulk send a write (see 0014).
"""

from alembic import op
import sqlalchemy as sa


revision = "0015_outbox_reference"
down_revision = "0014_outbox_claim"
branch_labels = None
depends_on = None

_MARKER = ":subscriber:"


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref_id", sa.Integer(), nullable=True))

    if op.get_bind().dialect.name == "postgresql":
        tail = f"split_part(dedupe_key, '{_MARKER}', 2)"
        digits_only = f"{tail} ~ '^[0-9]+$'"
    else:
        tail = f"substr(dedupe_key, instr(dedupe_key, '{_MARKER}') + {len(_MARKER)})"
        digits_only = f"{tail} <> '' AND {tail} NOT GLOB '*[^0-9]*'"
    op.execute(
        f"UPDATE outbox_messages SET ref_id = CAST({tail} AS INTEGER) "
        f"WHERE dedupe_key LIKE 'bulletin:%{_MARKER}%' AND {digits_only}"
    )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("ref_id")
