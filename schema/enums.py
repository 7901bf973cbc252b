"""The domain's enumerations exposed as GraphQL enums (same values, same names)."""

from __future__ import annotations

import strawberry

from domain import enums as d

Region = strawberry.enum(
    d.Region, description="Sales region: 华北 NORTH … 西北 NORTHWEST, or OVERSEAS."
)
Role = strawberry.enum(d.Role, description="What a user does, and so which slice they see.")
CustomerTier = strawberry.enum(d.CustomerTier, description="Account importance.")
LifecycleStage = strawberry.enum(
    d.LifecycleStage, description="Where the customer is in its journey."
)
CustomerStatus = strawberry.enum(d.CustomerStatus, description="Commercial status of a customer.")
LeadSource = strawberry.enum(d.LeadSource, description="Where a lead came from.")
LeadStatus = strawberry.enum(d.LeadStatus, description="Qualification state of a lead.")
OpportunityStage = strawberry.enum(d.OpportunityStage, description="Sales stage of a deal.")
RegistrationStatus = strawberry.enum(
    d.RegistrationStatus, description="Deal registration by a partner."
)
TicketKind = strawberry.enum(d.TicketKind, description="What a ticket is about.")
TicketPriority = strawberry.enum(d.TicketPriority, description="How urgent a ticket is.")
TicketStatus = strawberry.enum(
    d.TicketStatus,
    description="Ticket flow: 受理 ACCEPTED → 分析 ANALYZING → 处理 IN_PROGRESS → 回访 FOLLOW_UP.",
)
Channel = strawberry.enum(d.Channel, description="Where a touchpoint happened.")
Direction = strawberry.enum(d.Direction, description="Who reached out.")
PartnerKind = strawberry.enum(d.PartnerKind, description="What a channel partner does.")
PartnerTier = strawberry.enum(d.PartnerTier, description="Partner programme level.")
PartnerStatus = strawberry.enum(d.PartnerStatus, description="Whether a partner is active.")
ContractStatus = strawberry.enum(d.ContractStatus, description="State of a contract.")
TaskStatus = strawberry.enum(d.TaskStatus, description="State of a follow-up task.")
SurveyKind = strawberry.enum(d.SurveyKind, description="CSAT (1–5) or NPS (0–10).")
TicketEventKind = strawberry.enum(d.TicketEventKind, description="What happened to a ticket.")
