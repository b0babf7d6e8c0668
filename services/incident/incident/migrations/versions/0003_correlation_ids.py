"""correlation ids on outbox rows and incidents

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00

The correlation id in force when a row was written (servicekit.correlation): the outbox relay sends
it on in the event's headers; the reminder loop reminds under the incident's id.
"""
from alembic import op

from servicekit.migrate import add_correlation_ids, drop_correlation_ids

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_correlation_ids(op, ('outbox', 'incidents'))


def downgrade() -> None:
    drop_correlation_ids(op, ('outbox', 'incidents'))
