"""Metadata API: the object properties Twenty's inputs carry that the core schema lacked.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE core.object_metadata ADD COLUMN shortcut text, ADD COLUMN color text")


def downgrade() -> None:
    op.execute("ALTER TABLE core.object_metadata DROP COLUMN shortcut, DROP COLUMN color")
