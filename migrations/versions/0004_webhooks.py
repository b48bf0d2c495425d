"""Webhooks: subscriptions, the transactional outbox of their deliveries, the attempts log;
the workspace settings served by currentWorkspace/updateWorkspace.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE core.workspace ADD COLUMN display_name text, ADD COLUMN logo text")
    op.execute(
        """
        CREATE TABLE core.webhook (
            id uuid PRIMARY KEY,
            workspace_id uuid NOT NULL REFERENCES core.workspace(id) ON DELETE CASCADE,
            target_url text NOT NULL,
            operations text[] NOT NULL DEFAULT '{*.*}',
            description text,
            secret text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            deleted_at timestamptz,
            consecutive_failures integer NOT NULL DEFAULT 0,
            failing_since timestamptz,
            last_success_at timestamptz,
            last_failure_at timestamptz
        )"""
    )
    op.execute(
        "CREATE INDEX webhook_workspace_idx ON core.webhook (workspace_id) WHERE deleted_at IS NULL"
    )
    # One row per (webhook, record event): the event as the receiver will get it, and where its
    # delivery stands. `seq` orders the events of one record (Note [delivery order] in
    # app/webhooks/deliveries.py).
    op.execute(
        """
        CREATE TABLE core.webhook_delivery (
            id uuid PRIMARY KEY,
            seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            workspace_id uuid NOT NULL REFERENCES core.workspace(id) ON DELETE CASCADE,
            webhook_id uuid NOT NULL REFERENCES core.webhook(id) ON DELETE CASCADE,
            event_name text NOT NULL,
            object_metadata_id uuid NOT NULL,
            object_name text NOT NULL,
            record_id uuid NOT NULL,
            record json NOT NULL,
            updated_fields json,
            event_date timestamptz NOT NULL DEFAULT clock_timestamp(),
            status text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'delivered', 'failed')),
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            leased_until timestamptz,
            lease_token uuid,
            last_attempt_at timestamptz,
            last_status_code integer,
            last_error text,
            delivered_at timestamptz,
            replayed_at timestamptz,
            created_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )"""
    )
    op.execute(
        "CREATE INDEX webhook_delivery_due_idx ON core.webhook_delivery (next_attempt_at, seq) "
        "WHERE status = 'pending'"
    )
    op.execute(
        "CREATE INDEX webhook_delivery_chain_idx ON core.webhook_delivery "
        "(webhook_id, record_id, seq) WHERE status = 'pending'"
    )
    op.execute(
        "CREATE INDEX webhook_delivery_queue_idx ON core.webhook_delivery (webhook_id, seq) "
        "WHERE status = 'pending'"
    )
    op.execute("CREATE INDEX webhook_delivery_log_idx ON core.webhook_delivery (webhook_id, seq)")
    # A queue: rows come and go all the time; keep the planner's statistics fresh, or the
    # claim's per-record check may walk a webhook's whole backlog (app/webhooks/deliveries.py).
    op.execute(
        "ALTER TABLE core.webhook_delivery SET (autovacuum_analyze_scale_factor = 0.02, "
        "autovacuum_vacuum_scale_factor = 0.05)"
    )
    op.execute(
        """
        CREATE TABLE core.webhook_attempt (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            delivery_id uuid NOT NULL REFERENCES core.webhook_delivery(id) ON DELETE CASCADE,
            attempt integer NOT NULL,
            attempted_at timestamptz NOT NULL,
            success boolean NOT NULL,
            status_code integer,
            latency_ms integer,
            error text
        )"""
    )
    op.execute("CREATE INDEX webhook_attempt_delivery_idx ON core.webhook_attempt (delivery_id)")


def downgrade() -> None:
    op.execute("DROP TABLE core.webhook_attempt")
    op.execute("DROP TABLE core.webhook_delivery")
    op.execute("DROP TABLE core.webhook")
    op.execute("ALTER TABLE core.workspace DROP COLUMN display_name, DROP COLUMN logo")
