"""Core schema: workspaces, object and field metadata, roles, API keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIMESTAMPS = """
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
"""


def upgrade() -> None:
    op.execute(
        f"""
        CREATE TABLE core.workspace (
            id uuid PRIMARY KEY,
            name text NOT NULL UNIQUE,
            schema_name text NOT NULL UNIQUE,
            metadata_version bigint NOT NULL DEFAULT 1,
            {TIMESTAMPS}
        )"""
    )
    op.execute(
        f"""
        CREATE TABLE core.object_metadata (
            id uuid PRIMARY KEY,
            workspace_id uuid NOT NULL REFERENCES core.workspace(id) ON DELETE CASCADE,
            name_singular text NOT NULL,
            name_plural text NOT NULL,
            label_singular text NOT NULL,
            label_plural text NOT NULL,
            description text,
            icon text,
            is_custom boolean NOT NULL DEFAULT false,
            is_active boolean NOT NULL DEFAULT true,
            is_system boolean NOT NULL DEFAULT false,
            is_searchable boolean NOT NULL DEFAULT false,
            is_label_synced_with_name boolean NOT NULL DEFAULT false,
            label_identifier_field_metadata_id uuid,
            image_identifier_field_metadata_id uuid,
            duplicate_criteria jsonb NOT NULL DEFAULT '[]'::jsonb,
            {TIMESTAMPS},
            UNIQUE (workspace_id, name_singular),
            UNIQUE (workspace_id, name_plural)
        )"""
    )
    op.execute(
        f"""
        CREATE TABLE core.field_metadata (
            id uuid PRIMARY KEY,
            workspace_id uuid NOT NULL REFERENCES core.workspace(id) ON DELETE CASCADE,
            object_metadata_id uuid NOT NULL
                REFERENCES core.object_metadata(id) ON DELETE CASCADE,
            position integer NOT NULL DEFAULT 0,
            name text NOT NULL,
            label text NOT NULL,
            type text NOT NULL,
            description text,
            icon text,
            is_custom boolean NOT NULL DEFAULT false,
            is_active boolean NOT NULL DEFAULT true,
            is_system boolean NOT NULL DEFAULT false,
            is_nullable boolean NOT NULL DEFAULT true,
            is_unique boolean NOT NULL DEFAULT false,
            is_ui_read_only boolean NOT NULL DEFAULT false,
            is_label_synced_with_name boolean NOT NULL DEFAULT false,
            default_value jsonb,
            options jsonb,
            settings jsonb NOT NULL DEFAULT '{{}}'::jsonb,
            relation_target_object_metadata_id uuid
                REFERENCES core.object_metadata(id) ON DELETE CASCADE,
            relation_target_field_metadata_id uuid
                REFERENCES core.field_metadata(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            {TIMESTAMPS},
            UNIQUE (object_metadata_id, name)
        )"""
    )
    op.execute("CREATE INDEX field_metadata_workspace_idx ON core.field_metadata (workspace_id)")
    op.execute(
        f"""
        CREATE TABLE core.role (
            id uuid PRIMARY KEY,
            workspace_id uuid NOT NULL REFERENCES core.workspace(id) ON DELETE CASCADE,
            label text NOT NULL,
            description text,
            icon text,
            is_editable boolean NOT NULL DEFAULT true,
            can_update_all_settings boolean NOT NULL DEFAULT false,
            can_read_all_object_records boolean NOT NULL DEFAULT false,
            can_update_all_object_records boolean NOT NULL DEFAULT false,
            can_soft_delete_all_object_records boolean NOT NULL DEFAULT false,
            can_destroy_all_object_records boolean NOT NULL DEFAULT false,
            {TIMESTAMPS},
            UNIQUE (workspace_id, label)
        )"""
    )
    op.execute(
        f"""
        CREATE TABLE core.api_key (
            id uuid PRIMARY KEY,
            workspace_id uuid NOT NULL REFERENCES core.workspace(id) ON DELETE CASCADE,
            name text NOT NULL,
            token_hash text UNIQUE,
            token_hint text,
            role_id uuid REFERENCES core.role(id) ON DELETE SET NULL,
            expires_at timestamptz,
            revoked_at timestamptz,
            last_used_at timestamptz,
            {TIMESTAMPS}
        )"""
    )
    op.execute("CREATE INDEX api_key_workspace_idx ON core.api_key (workspace_id)")


def downgrade() -> None:
    for table in ("api_key", "role", "field_metadata", "object_metadata", "workspace"):
        op.execute(f"DROP TABLE IF EXISTS core.{table} CASCADE")
