"""One declarative catalogue of types: each type of the API described once, as plain data.

An `Entry` says, for one type: its table; its columns, each with its Python/SQL name (the
GraphQL name is its camelCase), value type, nullability and description, or `private` for a
column read with the row but not shown (data behind a computed field, a key no field shows);
its references to one row of another type (`to_one`: name, target, description, joined by
`<name>_id`); its connections to many rows of another type (`to_many`: name, target,
description, joined by the target's column `via`, by default `<this type's snake name>_id`,
and whether they take the target's `filter` and `orderBy`); its filters (`Match`: ANY of a
list, EQUALS, EQUALS_CI, ID of a type, SEARCH, SINCE, BEFORE); its orderings (enum value ->
column, the default, whether the schema shows them); its search columns; its computed fields,
each defined in SQL (`Aggregate`: a sum or count over a to-many relation; `Feed`: rows of
several types merged newest first) or by a resolver method; and its policy object.

Generated from it, and declared nowhere else:

* `persistence.listing.SPECS`: each type's `ListSpec` (table, orderings, search, filters);
* `schema.generated`: each `<Type>Filter` input, `<Type>Order` input and `<Type>OrderField`
  enum; and, through `entity_type`, each object type's column, reference and connection
  fields and its aggregates;
* `schema.read_planner`: the column fields the read compiler builds straight from the row, the
  column each reference and each connection joins by, and which fields are aggregates or feeds;
* `persistence.computed`: each aggregate's and feed's tables and joins, which both the
  resolvers' loaders and the read compiler (`persistence.read_sql`) compute them from.

Only computed fields without SQL stay resolver methods of the class `entity_type` decorates
(`@computed("Lead", "score_explanation") def score_contributions(self) -> …`), and a feed's
field is declared there too, for its union type (`Customer.timeline`), resolving through
`schema.timeline.feed`.

To add a field: add a `Column` (or a `to_one`) to the entry, and the column to the table (with
a migration). It is then a field of the type, read by the compiled reads too; a role sees it
once the policy lets it (`authz/default_policy.csv`). To filter or sort by it, add a `Filter`
or an `Ordering` pair.

To add a relation to many rows: add a `to_many` (or a `ToMany`, to name its `via` column or
put `orderBy` first) to the entry of the "one" side. Its connection field, with its
arguments, and its join in the compiled reads follow from it; the target's table must hold
the `via` column (a foreign key, indexed).

To add a computed field defined in SQL: add a `Computed` with an `Aggregate` over one of the
entry's `to_many` relations (`sum` of a column or `count`, rows limited by `where`, `zero`
when none, whose Python type is the field's), and it is a field of the type on both read
paths, over the rows the viewer may see. A `Feed` also needs its field on the class, typed
with the union of its sources' types. A computed field without SQL is a resolver method of
the class, decorated with `@computed(type)`.

To add a type: write its `Entry` in the module of its area, list it in `CATALOGUE` below, add
its table and its policy lines, and declare `@entity_type("Name") class Name(Node)` holding
only its resolver-computed fields. Then run `scripts/export-sdl.sh`; `tests/catalogue` checks
each entry against its table.

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
