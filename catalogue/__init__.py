"""One declarative catalogue of types: each type of the API described once, as plain data.

An `Entry` says, for one type: its table; its columns, each with its Python/SQL name (the
GraphQL name is its camelCase), value type, nullability and description, or `private` for a
column read with the row but not shown (data behind a computed field, a key no field shows);
its references to one row of another type (`to_one`: name, target, description, joined by
`<name>_id`); its filters (`Match`: ANY of a list, EQUALS, EQUALS_CI, ID of a type, SEARCH,
SINCE, BEFORE); its orderings (enum value -> column, the default, whether the schema shows
them); its search columns; its computed fields by name; and its policy object.

Generated from it, and declared nowhere else:

* `persistence.listing.SPECS`: each type's `ListSpec` (table, orderings, search, filters);
* `schema.generated`: each `<Type>Filter` input, `<Type>Order` input and `<Type>OrderField`
  enum; and, through `entity_type`, each object type's column and reference fields;
* `schema.read_planner`: the column fields the read compiler builds straight from the row, and
  the column each reference joins by.

Connections to many rows and computed fields stay resolver methods of the class `entity_type`
decorates (`@entity_type("Customer") class Customer(Node): async def contacts(...)`); the SQL
of computed fields stays in persistence, named here under `computed`.

To add a field: add a `Column` (or a `to_one`) to the entry, and the column to the table (with
a migration). It is then a field of the type, read by the compiled reads too; a role sees it
once the policy lets it (`authz/default_policy.csv`). To filter or sort by it, add a `Filter`
or an `Ordering` pair. To add a type: write its `Entry` in the module of its area, list it in
`CATALOGUE` below, add its table and its policy lines, and declare
`@entity_type("Name") class Name(Node)` holding only its connections and computed fields.
Then run `scripts/export-sdl.sh`; `tests/catalogue` checks each entry against its table.

This package imports only the standard library and the domain's enumerations.
"""

from __future__ import annotations

from catalogue import accounts, admin, engagement, nurture, sales, service
from catalogue.model import (
    Aggregate,
    Column,
    Computed,
    Entry,
    Feed,
    Filter,
    Match,
    Ordering,
    Source,
    ToMany,
    ToOne,
    catalogue_of,
)

#: In the order the policy lists its objects (`authz.vocabulary.DOMAIN_TYPES`).
CATALOGUE: dict[str, Entry] = catalogue_of(
    accounts.CUSTOMER,
    accounts.CONTACT,
    sales.LEAD,
    sales.OPPORTUNITY,
    sales.OPPORTUNITY_STAGE_CHANGE,
    service.TICKET,
    service.TICKET_EVENT,
    service.SERVICE_VISIT,
    service.ASSET,
    service.CONTRACT,
    engagement.INTERACTION,
    accounts.PARTNER,
    accounts.USER,
    engagement.TASK,
    service.SURVEY_RESPONSE,
    admin.WEBHOOK_ENDPOINT,
    admin.WEBHOOK_DELIVERY,
    admin.ASSIGNMENT_RULE,
    admin.WEB_FORM,
    sales.CAMPAIGN,
    nurture.NURTURE_SEQUENCE,
    nurture.NURTURE_ENROLLMENT,
    admin.SCORING_RULE,
)

__all__ = [
    "CATALOGUE",
    "Aggregate",
    "Column",
    "Computed",
    "Entry",
    "Feed",
    "Filter",
    "Match",
    "Ordering",
    "Source",
    "ToMany",
    "ToOne",
]
