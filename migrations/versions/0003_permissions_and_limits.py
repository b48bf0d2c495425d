"""Object and field permissions per role; key rotation; rate-limit overrides per key/workspace.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE core.object_permission (
            id uuid PRIMARY KEY,
            workspace_id uuid NOT NULL REFERENCES core.workspace(id) ON DELETE CASCADE,
            role_id uuid NOT NULL REFERENCES core.role(id) ON DELETE CASCADE,
            object_metadata_id uuid NOT NULL
                REFERENCES core.object_metadata(id) ON DELETE CASCADE,
            can_read_object_records boolean,
            can_update_object_records boolean,
            can_soft_delete_object_records boolean,
            can_destroy_object_records boolean,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (role_id, object_metadata_id)
        )"""
    )
    op.execute(
        """
        CREATE TABLE core.field_permission (
            id uuid PRIMARY KEY,
            workspace_id uuid NOT NULL REFERENCES core.workspace(id) ON DELETE CASCADE,
            role_id uuid NOT NULL REFERENCES core.role(id) ON DELETE CASCADE,
            object_metadata_id uuid NOT NULL
                REFERENCES core.object_metadata(id) ON DELETE CASCADE,
            field_metadata_id uuid NOT NULL REFERENCES core.field_metadata(id) ON DELETE CASCADE,
            can_read_field_value boolean,
            can_update_field_value boolean,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (role_id, field_metadata_id)
        )"""
    )
    op.execute(
        """
        ALTER TABLE core.api_key
            ADD COLUMN previous_token_hash text UNIQUE,
            ADD COLUMN previous_token_valid_until timestamptz,
            ADD COLUMN rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0),
            ADD COLUMN rate_limit_per_second integer CHECK (rate_limit_per_second > 0)
        """
    )
    op.execute(
        """
        ALTER TABLE core.role
            ADD COLUMN can_access_all_tools boolean NOT NULL DEFAULT false,
            ADD COLUMN can_be_assigned_to_users boolean NOT NULL DEFAULT true,
            ADD COLUMN can_be_assigned_to_agents boolean NOT NULL DEFAULT true,
            ADD COLUMN can_be_assigned_to_api_keys boolean NOT NULL DEFAULT true
        """
    )
    op.execute(
        """
        ALTER TABLE core.workspace
            ADD COLUMN rate_limit_per_minute integer CHECK (rate_limit_per_minute > 0),
            ADD COLUMN rate_limit_per_second integer CHECK (rate_limit_per_second > 0)
        """
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE core.workspace DROP COLUMN rate_limit_per_minute, "
        "DROP COLUMN rate_limit_per_second"
    )
    op.execute(
        "ALTER TABLE core.api_key DROP COLUMN previous_token_hash, "
        "DROP COLUMN previous_token_valid_until, DROP COLUMN rate_limit_per_minute, "
        "DROP COLUMN rate_limit_per_second"
    )
    op.execute(
        "ALTER TABLE core.role DROP COLUMN can_access_all_tools, "
        "DROP COLUMN can_be_assigned_to_users, DROP COLUMN can_be_assigned_to_agents, "
        "DROP COLUMN can_be_assigned_to_api_keys"
    )
    op.execute("DROP TABLE core.field_permission")
    op.execute("DROP TABLE core.object_permission")
