"""The closed vocabularies of the domain (CONTRACT §2); GraphQL and SQL enums derive from these."""

from __future__ import annotations

from enum import StrEnum


class Region(StrEnum):
    NORTH = "NORTH"  # 华北
    NORTHEAST = "NORTHEAST"  # 东北
    EAST = "EAST"  # 华东
    CENTRAL = "CENTRAL"  # 华中
    SOUTH = "SOUTH"  # 华南
    SOUTHWEST = "SOUTHWEST"  # 西南
    NORTHWEST = "NORTHWEST"  # 西北
    OVERSEAS = "OVERSEAS"


class Role(StrEnum):
    ADMIN = "ADMIN"
    SALES_MANAGER = "SALES_MANAGER"
    SALES_REP = "SALES_REP"
    PARTNER_USER = "PARTNER_USER"
    TECHNICIAN = "TECHNICIAN"
    SERVICE_AGENT = "SERVICE_AGENT"
    ANALYST = "ANALYST"


class CustomerTier(StrEnum):
    STRATEGIC = "STRATEGIC"
    KEY = "KEY"
    STANDARD = "STANDARD"


class LifecycleStage(StrEnum):
    AWARENESS = "AWARENESS"
    CONSIDERATION = "CONSIDERATION"
    DECISION = "DECISION"
    SERVICE = "SERVICE"
    LOYALTY = "LOYALTY"


class CustomerStatus(StrEnum):
    PROSPECT = "PROSPECT"
    ACTIVE = "ACTIVE"
    CHURNED = "CHURNED"


class LeadSource(StrEnum):
    WEB_FORM = "WEB_FORM"
    EVENT = "EVENT"
    AD = "AD"
    REFERRAL = "REFERRAL"
    PARTNER = "PARTNER"
    WECHAT_WORK = "WECHAT_WORK"
    DINGTALK = "DINGTALK"
    PHONE = "PHONE"
    SERVICE = "SERVICE"  # an upsell noted on a service visit


class LeadStatus(StrEnum):
    NEW = "NEW"
    ASSIGNED = "ASSIGNED"
    CONTACTED = "CONTACTED"
    QUALIFIED = "QUALIFIED"
    CONVERTED = "CONVERTED"
    DISQUALIFIED = "DISQUALIFIED"


class OpportunityStage(StrEnum):
    QUALIFICATION = "QUALIFICATION"
    NEEDS_ANALYSIS = "NEEDS_ANALYSIS"
    PROPOSAL = "PROPOSAL"
    NEGOTIATION = "NEGOTIATION"
    CLOSED_WON = "CLOSED_WON"
    CLOSED_LOST = "CLOSED_LOST"

    @property
    def is_closed(self) -> bool:
        return self in (OpportunityStage.CLOSED_WON, OpportunityStage.CLOSED_LOST)


class RegistrationStatus(StrEnum):
    NONE = "NONE"
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


class TicketKind(StrEnum):
    QUESTION = "QUESTION"
    COMPLAINT = "COMPLAINT"
    REPAIR = "REPAIR"
    INSTALLATION = "INSTALLATION"
    MAINTENANCE = "MAINTENANCE"


class TicketPriority(StrEnum):
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    URGENT = "URGENT"


class TicketStatus(StrEnum):
    NEW = "NEW"
    ACCEPTED = "ACCEPTED"  # 受理
    ANALYZING = "ANALYZING"  # 分析
    IN_PROGRESS = "IN_PROGRESS"  # 处理
    RESOLVED = "RESOLVED"
    FOLLOW_UP = "FOLLOW_UP"  # 回访
    CLOSED = "CLOSED"


class Channel(StrEnum):
    PHONE = "PHONE"
    EMAIL = "EMAIL"
    WECHAT_WORK = "WECHAT_WORK"
    DINGTALK = "DINGTALK"
    WEB = "WEB"
    VISIT = "VISIT"
    EVENT = "EVENT"
    SMS = "SMS"


class CampaignStatus(StrEnum):
    PLANNED = "PLANNED"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"


class Direction(StrEnum):
    INBOUND = "INBOUND"
    OUTBOUND = "OUTBOUND"


class InteractionKind(StrEnum):
    """What a touchpoint was, beside where it happened: what scoring and nurturing react to."""

    NOTE = "NOTE"
    CALL = "CALL"
    MEETING = "MEETING"
    MESSAGE = "MESSAGE"
    EMAIL = "EMAIL"
    FORM_SUBMISSION = "FORM_SUBMISSION"
    CONTENT_DOWNLOAD = "CONTENT_DOWNLOAD"
    WEBINAR = "WEBINAR"
    DEMO_REQUEST = "DEMO_REQUEST"
    PRICING_VIEW = "PRICING_VIEW"


class PartnerKind(StrEnum):
    DEALER = "DEALER"
    RESELLER = "RESELLER"
    SERVICE_PARTNER = "SERVICE_PARTNER"


class PartnerTier(StrEnum):
    PLATINUM = "PLATINUM"
    GOLD = "GOLD"
    SILVER = "SILVER"
    REGISTERED = "REGISTERED"


class PartnerStatus(StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"


class ContractStatus(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    TERMINATED = "TERMINATED"


class TaskKind(StrEnum):
    FIRST_CONTACT = "FIRST_CONTACT"
    FOLLOW_UP = "FOLLOW_UP"
    RENEWAL = "RENEWAL"
    CARE = "CARE"
    ESCALATION = "ESCALATION"


class TaskStatus(StrEnum):
    OPEN = "OPEN"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class SurveyKind(StrEnum):
    CSAT = "CSAT"
    NPS = "NPS"


class TicketEventKind(StrEnum):
    CREATED = "CREATED"
    STATUS_CHANGED = "STATUS_CHANGED"
    ASSIGNED = "ASSIGNED"
    ESCALATED = "ESCALATED"


# --- leads that never wait (issue 11) -------------------------------------------------------


class AssignmentStrategy(StrEnum):
    ROUND_ROBIN = "ROUND_ROBIN"
    LEAST_OPEN_LEADS = "LEAST_OPEN_LEADS"


class CalendarName(StrEnum):
    BUSINESS = "BUSINESS"
    ALWAYS = "ALWAYS"


class LeadOfferStatus(StrEnum):
    OFFERED = "OFFERED"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
