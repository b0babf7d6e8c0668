"""Alembic environment: the URL comes from the caller (incident.migrate), never from a file."""
from alembic import context

from incident.models import Base
from servicekit.migrate import run_env

run_env(context, Base.metadata)
