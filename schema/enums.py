"""The domain's enumerations exposed as GraphQL enums (same values, same names).

`strawberry.enum` registers the GraphQL definition on the class itself and returns it, so the
names re-exported here are the domain classes: type checkers see real enum types.
"""

from __future__ import annotations

import strawberry

from domain.enums import (
    CampaignStatus,
    Channel,
    ContractStatus,
    CustomerStatus,
    CustomerTier,
    Direction,
    InteractionKind,
    LeadSource,
    LeadStatus,
    LifecycleStage,
    OpportunityStage,
    PartnerKind,
    PartnerStatus,
    PartnerTier,
    Region,
    RegistrationStatus,
    Role,
    SurveyKind,
    TaskKind,
    TaskStatus,
    TicketEventKind,
    TicketKind,
    TicketPriority,
    TicketStatus,
)
from domain.webhooks import DeliveryStatus

__all__ = [
    "CampaignStatus",
    "Channel",
    "ContractStatus",
    "CustomerStatus",
    "CustomerTier",
    "Direction",
    "InteractionKind",
    "LeadSource",
    "LeadStatus",
    "LifecycleStage",
    "OpportunityStage",
    "PartnerKind",
    "PartnerStatus",
    "PartnerTier",
    "Region",
    "RegistrationStatus",
    "Role",
    "SurveyKind",
    "TaskKind",
    "TaskStatus",
    "TicketEventKind",
    "TicketKind",
    "TicketPriority",
    "TicketStatus",
]

strawberry.enum(Region, description="Sales region: 华北 NORTH … 西北 NORTHWEST, or OVERSEAS.")
strawberry.enum(Role, description="What a user does, and so which slice they see.")
strawberry.enum(CustomerTier, description="Account importance.")
strawberry.enum(LifecycleStage, description="Where the customer is in its journey.")
strawberry.enum(CustomerStatus, description="Commercial status of a customer.")
strawberry.enum(LeadSource, description="Where a lead came from.")
strawberry.enum(LeadStatus, description="Qualification state of a lead.")
strawberry.enum(OpportunityStage, description="Sales stage of a deal.")
strawberry.enum(RegistrationStatus, description="Deal registration by a partner.")
strawberry.enum(TicketKind, description="What a ticket is about.")
strawberry.enum(TicketPriority, description="How urgent a ticket is.")
strawberry.enum(
    TicketStatus,
    description="Ticket flow: 受理 ACCEPTED → 分析 ANALYZING → 处理 IN_PROGRESS → 回访 FOLLOW_UP.",
)
strawberry.enum(Channel, description="Where a touchpoint happened.")
strawberry.enum(Direction, description="Who reached out.")
strawberry.enum(
    InteractionKind,
    description="What a touchpoint was: a call, a demo request, a download (CONTENT_DOWNLOAD)…",
)
strawberry.enum(PartnerKind, description="What a channel partner does.")
strawberry.enum(PartnerTier, description="Partner programme level.")
strawberry.enum(PartnerStatus, description="Whether a partner is active.")
strawberry.enum(ContractStatus, description="State of a contract.")
strawberry.enum(TaskStatus, description="State of a follow-up task.")
strawberry.enum(TaskKind, description="Why a task exists: the process or person that made it.")
strawberry.enum(SurveyKind, description="CSAT (1–5) or NPS (0–10).")
strawberry.enum(TicketEventKind, description="What happened to a ticket.")
strawberry.enum(CampaignStatus, description="Where a marketing campaign is in its life.")
strawberry.enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="Where a delivery stands: PENDING (not yet delivered; see `nextAttemptAt`), "
    "DELIVERED (answered 2xx), FAILED (every attempt failed), CANCELLED (endpoint deleted).",
)
