"""toolkit results: covering indexes on toolkit_answers

Revision ID: 0012_toolkits
Revises: 0009_home
Create Date: 2026-11-21 12:00:00

The results page aggregates every submitted answer of a toolkit (100,000+ rows at 2,500
organisations × 40 questions). The old (question_id, option_id) index made each GROUP BY visit the
table for every row; these indexes cover the queries in app/toolkits/results.py:
- (question_id, option_id, response_id, rank): answered counts and option counts, rank sums;
- (question_id, number_value, response_id): number and scale distributions;
- (question_id, id): the first free-text answers of each question in answer order.
The first replaces ix_toolkit_answers_question_option (its prefix).
"""
from alembic import op


revision = "0012_toolkits"
down_revision = "0009_home"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("toolkit_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_toolkit_answers_question_option")
        batch_op.create_index(
            "ix_toolkit_answers_question_cover", ["question_id", "option_id", "response_id", "rank"], unique=False
        )
        batch_op.create_index(
            "ix_toolkit_answers_question_number", ["question_id", "number_value", "response_id"], unique=False
        )
        batch_op.create_index("ix_toolkit_answers_question_id", ["question_id", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("toolkit_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_toolkit_answers_question_id")
        batch_op.drop_index("ix_toolkit_answers_question_number")
        batch_op.drop_index("ix_toolkit_answers_question_cover")
        batch_op.create_index("ix_toolkit_answers_question_option", ["question_id", "option_id"], unique=False)
