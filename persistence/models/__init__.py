"""Tables of the 360° view. Constraints live here so the database refuses what the domain refuses.

Reads and writes go through SQLAlchemy Core over these tables, so no relationship() is declared:
nothing can lazy-load and hide an N+1. The tables are declared by area (`accounts`, `service`,
`processes`) on one `Base`; everything is importable from `persistence.models`.
"""

from __future__ import annotations

from persistence.models.accounts import (
    Campaign as Campaign,
)
from persistence.models.accounts import (
    Contact as Contact,
)
from persistence.models.accounts import (
    Customer as Customer,
)
from persistence.models.accounts import (
    CustomerStatusChange as CustomerStatusChange,
)
from persistence.models.accounts import (
    Lead as Lead,
)
from persistence.models.accounts import (
    Opportunity as Opportunity,
)
from persistence.models.accounts import (
    OpportunityStageChange as OpportunityStageChange,
)
from persistence.models.accounts import (
    Partner as Partner,
)
from persistence.models.accounts import (
    User as User,
)
from persistence.models.base import (
    CHANNEL as CHANNEL,
)
from persistence.models.base import (
    NAMING as NAMING,
)
from persistence.models.base import (
    REGION as REGION,
)
from persistence.models.base import (
    ROLE as ROLE,
)
from persistence.models.base import (
    Base as Base,
)
from persistence.models.base import (
    created as created,
)
from persistence.models.base import (
    fk as fk,
)
from persistence.models.base import (
    pg_enum as pg_enum,
)
from persistence.models.base import (
    pk as pk,
)
from persistence.models.base import (
    updated as updated,
)
from persistence.models.base import (
    version as version,
)
from persistence.models.nurture import (
    NurtureEnrollment as NurtureEnrollment,
)
from persistence.models.nurture import (
    NurtureSequence as NurtureSequence,
)
from persistence.models.processes import (
    AssignmentRule as AssignmentRule,
)
from persistence.models.processes import (
    BusinessDay as BusinessDay,
)
from persistence.models.processes import (
    CalendarYear as CalendarYear,
)
from persistence.models.processes import (
    CasbinRule as CasbinRule,
)
from persistence.models.processes import (
    IdempotencyKey as IdempotencyKey,
)
from persistence.models.processes import (
    Job as Job,
)
from persistence.models.processes import (
    OutboxEvent as OutboxEvent,
)
from persistence.models.processes import (
    RateLimitWindow as RateLimitWindow,
)
from persistence.models.processes import (
    SlaPolicy as SlaPolicy,
)
from persistence.models.processes import (
    SurveyToken as SurveyToken,
)
from persistence.models.processes import (
    TicketEscalation as TicketEscalation,
)
from persistence.models.processes import (
    WebForm as WebForm,
)
from persistence.models.processes import (
    WebhookDelivery as WebhookDelivery,
)
from persistence.models.processes import (
    WebhookEndpoint as WebhookEndpoint,
)
from persistence.models.scoring import (
    ScoringRule as ScoringRule,
)
from persistence.models.service import (
    Asset as Asset,
)
from persistence.models.service import (
    Contract as Contract,
)
from persistence.models.service import (
    Interaction as Interaction,
)
from persistence.models.service import (
    ServiceVisit as ServiceVisit,
)
from persistence.models.service import (
    SurveyResponse as SurveyResponse,
)
from persistence.models.service import (
    Task as Task,
)
from persistence.models.service import (
    Ticket as Ticket,
)
from persistence.models.service import (
    TicketEvent as TicketEvent,
)

TABLES_IN_DELETE_ORDER = [t.name for t in reversed(Base.metadata.sorted_tables)]
