"""Assemble the full strawberry schema; per-role schemas are cut from it (`schema/roles.py`)."""

from __future__ import annotations

from functools import cache, lru_cache

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.name_converter import NameConverter

from schema.campaign import Campaign
from schema.engagement import Contact, Interaction, Task
from schema.lead_routing import AssignmentRule, WebForm
from schema.lead_scoring import ScoringRule
from schema.nurture import NurtureEnrollment, NurtureSequence
from schema.people import Partner, User
from schema.query import Query
from schema.sales import Lead, Opportunity, OpportunityStageChange
from schema.service import Asset, Contract, ServiceVisit, SurveyResponse, Ticket, TicketEvent
from schema.webhooks import WebhookDelivery, WebhookEndpoint


class CachedNameConverter(NameConverter):
    """Strawberry converts input field names to camelCase on every argument of every call;
    the names are few and fixed, so remember them."""

    @lru_cache(maxsize=4096)  # noqa: B019 - one converter per process, names are few
    def apply_naming_config(self, name: str) -> str:
        return super().apply_naming_config(name)


@cache
def build_full_schema() -> strawberry.Schema:
    from schema.mutation import Mutation

    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        config=StrawberryConfig(name_converter=CachedNameConverter()),
        types=[
            Contact,
            Interaction,
            Task,
            Partner,
            User,
            Lead,
            Opportunity,
            OpportunityStageChange,
            Asset,
            Contract,
            ServiceVisit,
            SurveyResponse,
            Ticket,
            TicketEvent,
            WebhookEndpoint,
            WebhookDelivery,
            AssignmentRule,
            WebForm,
            Campaign,
            NurtureSequence,
            NurtureEnrollment,
            ScoringRule,
        ],
    )
