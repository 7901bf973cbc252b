"""One declarative catalogue of types: each type of the API described once, as plain data.

An `Entry` says, for one type: its table; its columns, each with its Python/SQL name (the
GraphQL name is its camelCase), value type, nullability and description, or `private` for a
column read with the row but not shown (foreign keys, data behind a computed field); its
filters (`Match`: ANY of a list, EQUALS, EQUALS_CI, ID of a type, SEARCH, SINCE, BEFORE); its
orderings (enum value -> column, the default, whether the schema shows them); its search
columns; its computed fields by name; and its policy object.

Generated from it, and declared nowhere else:

* `persistence.listing.SPECS`: each type's `ListSpec` (table, orderings, search, filters);
* `schema.generated`: each `<Type>Filter` input, `<Type>Order` input and `<Type>OrderField`
  enum; `schema.generated.entity_type` gives each object type its column fields;
* `schema.read_planner`: the column fields the read compiler builds straight from the row.

Relations and computed fields stay resolver methods on the class that `entity_type` decorates
(`@entity_type("Customer") class Customer(Node): async def owner(...)`); their SQL stays in
persistence, named here under `computed`.

To add a field: add a `Column` to the entry (and the column to the table, with a migration).
It is then a field of the type, readable by the compiled reads; a role sees it once the policy
lets it (`authz/default_policy.csv`). To make it filterable or sortable, add a `Filter` or an
`Ordering` pair. To add a type: write its `Entry` in the module of its area, list it in
`CATALOGUE` below, add its table, its policy lines, and a class
`@entity_type("Name") class Name(Node)` holding its relations (nothing else). Then run
`scripts/export-sdl.sh`.

This package imports only the standard library and the domain's enumerations.
"""

from __future__ import annotations

from catalogue import accounts, admin, engagement, sales, service
from catalogue.model import Column, Computed, Entry, Filter, Match, Ordering, catalogue_of

CATALOGUE: dict[str, Entry] = catalogue_of(
    accounts.CUSTOMER,
    accounts.CONTACT,
    sales.LEAD,
    sales.OPPORTUNITY,
    service.TICKET,
    service.SERVICE_VISIT,
    service.ASSET,
    service.CONTRACT,
    engagement.INTERACTION,
    accounts.PARTNER,
    accounts.USER,
    engagement.TASK,
    service.TICKET_EVENT,
    sales.OPPORTUNITY_STAGE_CHANGE,
    sales.CAMPAIGN,
    service.SURVEY_RESPONSE,
    admin.WEBHOOK_ENDPOINT,
    admin.WEBHOOK_DELIVERY,
    admin.ASSIGNMENT_RULE,
    admin.WEB_FORM,
)

__all__ = ["CATALOGUE", "Column", "Computed", "Entry", "Filter", "Match", "Ordering"]
