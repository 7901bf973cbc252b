"""Assemble the full strawberry schema; per-role schemas are cut from it (`schema/roles.py`)."""

from __future__ import annotations

from functools import cache

import strawberry

from schema.engagement import Contact, Interaction, Task
from schema.people import Partner, User
from schema.query import Query
from schema.sales import Lead, Opportunity, OpportunityStageChange
from schema.service import Asset, Contract, ServiceVisit, SurveyResponse, Ticket, TicketEvent


@cache
def build_full_schema() -> strawberry.Schema:
    from schema.mutation import Mutation

    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
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
        ],
    )
