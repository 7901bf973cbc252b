"""interactions have a kind

`interaction.kind` says what a touchpoint was (a call, a message, a demo request, a white-paper
download …) beside where it happened (`channel`): lead scoring and nurture sequences react to
it. Existing rows become NOTE, except what the channels of §9 logged: web-form submissions
(FORM_SUBMISSION) and WeChat Work / DingTalk messages (MESSAGE), which carry a message id.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 04:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

KIND = postgresql.ENUM(
    "NOTE",
    "CALL",
    "MEETING",
    "MESSAGE",
    "EMAIL",
    "FORM_SUBMISSION",
    "CONTENT_DOWNLOAD",
    "WEBINAR",
    "DEMO_REQUEST",
    "PRICING_VIEW",
    name="interaction_kind",
)


def upgrade() -> None:
    KIND.create(op.get_bind())
    op.add_column(
        "interaction",
        sa.Column("kind", KIND, nullable=False, server_default="NOTE"),
    )
    # The default fills every row without a rewrite; only the channels' rows change.
    op.execute(
        "UPDATE interaction SET kind = 'MESSAGE'"
        " WHERE channel IN ('WECHAT_WORK', 'DINGTALK') AND external_message_id IS NOT NULL"
    )
    op.execute(
        "UPDATE interaction SET kind = 'FORM_SUBMISSION'"
        " WHERE channel = 'WEB' AND lead_id IS NOT NULL AND direction = 'INBOUND'"
    )


def downgrade() -> None:
    op.drop_column("interaction", "kind")
    KIND.drop(op.get_bind())
