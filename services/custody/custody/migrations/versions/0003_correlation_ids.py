"""correlation ids on outbox rows and custody records

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00

The correlation id in force when a row was written (servicekit.correlation): the outbox relay sends
it on in the event's headers; the sweeper flags a checkout overdue under the checkout's id.
"""
from alembic import op

from servicekit.migrate import add_correlation_ids, drop_correlation_ids

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_correlation_ids(op, ('outbox', 'custody_records'))


def downgrade() -> None:
    drop_correlation_ids(op, ('outbox', 'custody_records'))
