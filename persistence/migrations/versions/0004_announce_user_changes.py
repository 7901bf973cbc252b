"""announce user changes: NOTIFY prism_user on every change to app_user

Each process keeps the signed-in users it has seen in memory (`prism.viewer_cache`); a trigger,
rather than the code paths that change users, announces every change (API, CLI or SQL by hand),
so a role change or a deactivation reaches every process at once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 23:50:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION prism_announce_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('prism_user', '');
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER app_user_announce_change
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON app_user
        FOR EACH STATEMENT EXECUTE FUNCTION prism_announce_user_change()
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER app_user_announce_change ON app_user")
    op.execute("DROP FUNCTION prism_announce_user_change()")
