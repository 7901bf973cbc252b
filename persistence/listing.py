"""One `ListSpec` per type: the table, the filters and the orderings its connections offer.

Every list of a type — root list, nested connection, `totalCount` — is built from its spec and
the viewer's `RowScope`, here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Table, false, func

from domain.fields import camel
from persistence import models as m
from persistence.pagination import Direction, Ordering

# Filter keys with a fixed meaning on every type that has the column.
_RANGE_FILTERS = {"updated_since": ("updated_at", ">="), "due_before": ("due_at", "<")}


@dataclass(frozen=True)
class ListSpec:
    type_name: str
    table: Table
    orders: Mapping[str, str]  # order field (GraphQL enum value) -> column name
    default_order: tuple[str, Direction]
    search: tuple[str, ...] = ()
    extra_filters: Mapping[str, str] = field(default_factory=dict)  # filter key -> column name

    def ordering(self, order_field: str | None, direction: Direction | None) -> Ordering:
        name = order_field or self.default_order[0]
        column = self.table.c[self.orders[name]]
        keys = (column, self.table.c.id) if column.name != "id" else (self.table.c.id,)
        return Ordering(keys=keys, direction=direction or self.default_order[1])

    def key_kinds(self, ordering: Ordering) -> tuple[type, ...]:
        return tuple(_python_kind(k) for k in ordering.keys)

    def where(self, filters: Mapping[str, Any]) -> list[ColumnElement[bool]]:
        """SQL predicates for the non-empty filter values; unknown keys are a programming error."""
        c = self.table.c
        clauses: list[ColumnElement[bool]] = []
        for key, value in filters.items():
            if value is None:
                continue
            if key == "search":
                search = value if isinstance(value, Search) else Search(str(value), self.search)
                clauses.append(self._search(search))
            elif key in _RANGE_FILTERS:
                column_name, op = _RANGE_FILTERS[key]
                bound = c[column_name]
                clauses.append(bound >= value if op == ">=" else bound < value)
            else:
                column = c[self.extra_filters.get(key, key)]
                if isinstance(value, list | tuple | set | frozenset):
                    clauses.append(column.in_(list(value)))
                elif key == "industry":
                    clauses.append(func.lower(column) == str(value).lower())
                else:
                    clauses.append(column == value)
        return clauses

    def search_visible(self, text: str, hidden_fields: frozenset[str]) -> Search:
        """A search over the columns the role may read: an analyst who may not see phone
        numbers must not find contacts by them either."""
        columns = tuple(
            c for c in self.search if f"{self.type_name}.{camel(c)}" not in hidden_fields
        )
        return Search(text, columns)

    def _search(self, search: Search) -> ColumnElement[bool]:
        """Substring match (华为 finds 华为技术有限公司); LIKE wildcards in the text are literal."""
        text = search.text
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = [self.table.c[n] for n in search.columns]
        if not columns:
            return false()
        clause: ColumnElement[bool] = columns[0].ilike(pattern, escape="\\")
        for column in columns[1:]:
            clause = clause | column.ilike(pattern, escape="\\")
        return clause


@dataclass(frozen=True)
class Search:
    """A substring search and the columns it may look in."""

    text: str
    columns: tuple[str, ...]


def _python_kind(column: ColumnElement[Any]) -> type:
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return str
    if kind in (datetime, date, Decimal, int):
        return kind
    return str


_TIMES = {"CREATED_AT": "created_at", "UPDATED_AT": "updated_at", "ID": "id"}

SPECS: dict[str, ListSpec] = {
    s.type_name: s
    for s in (
        ListSpec(
            "Customer",
            m.Customer.__table__,
            {**_TIMES, "NAME": "name"},
            ("UPDATED_AT", Direction.DESC),
            search=("name",),
        ),
        ListSpec(
            "Contact",
            m.Contact.__table__,
            {**_TIMES, "NAME": "name"},
            ("NAME", Direction.ASC),
            search=("name", "email", "phone"),
        ),
        ListSpec(
            "Lead",
            m.Lead.__table__,
            {**_TIMES, "COMPANY_NAME": "company_name", "SCORE": "score"},
            ("CREATED_AT", Direction.DESC),
            search=("company_name", "contact_name"),
        ),
        ListSpec(
            "Opportunity",
            m.Opportunity.__table__,
            {**_TIMES, "NAME": "name", "AMOUNT": "amount"},
            ("UPDATED_AT", Direction.DESC),
            search=("name",),
        ),
        ListSpec(
            "Ticket",
            m.Ticket.__table__,
            {**_TIMES, "NUMBER": "number"},
            ("CREATED_AT", Direction.DESC),
            search=("subject", "number"),
        ),
        ListSpec(
            "ServiceVisit",
            m.ServiceVisit.__table__,
            {**_TIMES, "SCHEDULED_START": "scheduled_start"},
            ("SCHEDULED_START", Direction.DESC),
        ),
        ListSpec(
            "Asset",
            m.Asset.__table__,
            {**_TIMES, "SERIAL_NUMBER": "serial_number"},
            ("SERIAL_NUMBER", Direction.ASC),
            search=("model", "serial_number"),
        ),
        ListSpec(
            "Contract",
            m.Contract.__table__,
            {**_TIMES, "ENDS_ON": "ends_on", "NUMBER": "number"},
            ("ENDS_ON", Direction.ASC),
            search=("number",),
        ),
        ListSpec(
            "Interaction",
            m.Interaction.__table__,
            {**_TIMES, "OCCURRED_AT": "occurred_at"},
            ("OCCURRED_AT", Direction.DESC),
            search=("summary",),
        ),
        ListSpec(
            "Partner",
            m.Partner.__table__,
            {**_TIMES, "NAME": "name"},
            ("NAME", Direction.ASC),
            search=("name",),
        ),
        ListSpec(
            "User",
            m.User.__table__,
            {**_TIMES, "DISPLAY_NAME": "display_name"},
            ("DISPLAY_NAME", Direction.ASC),
            search=("display_name", "external_id"),
        ),
        ListSpec(
            "Task",
            m.Task.__table__,
            {**_TIMES, "DUE_AT": "due_at"},
            ("DUE_AT", Direction.ASC),
            search=("subject",),
        ),
        ListSpec(
            "TicketEvent",
            m.TicketEvent.__table__,
            {"OCCURRED_AT": "occurred_at", "ID": "id"},
            ("OCCURRED_AT", Direction.DESC),
        ),
        ListSpec(
            "OpportunityStageChange",
            m.OpportunityStageChange.__table__,
            {"OCCURRED_AT": "occurred_at", "ID": "id"},
            ("OCCURRED_AT", Direction.DESC),
        ),
        ListSpec(
            "Campaign",
            m.Campaign.__table__,
            {**_TIMES, "NAME": "name", "STARTS_ON": "starts_on"},
            ("STARTS_ON", Direction.DESC),
            search=("name",),
        ),
        ListSpec(
            "SurveyResponse",
            m.SurveyResponse.__table__,
            {"RESPONDED_AT": "responded_at", "ID": "id"},
            ("RESPONDED_AT", Direction.DESC),
        ),
        ListSpec(
            "WebhookEndpoint",
            m.WebhookEndpoint.__table__,
            _TIMES,
            ("CREATED_AT", Direction.DESC),
            search=("url", "description"),
        ),
        ListSpec(
            "WebhookDelivery",
            m.WebhookDelivery.__table__,
            {"CREATED_AT": "created_at", "ID": "id"},
            ("CREATED_AT", Direction.DESC),
            extra_filters={"event_type": "event_type"},
        ),
        ListSpec(
            "AssignmentRule",
            m.AssignmentRule.__table__,
            {**_TIMES, "PRIORITY": "priority", "NAME": "name"},
            ("PRIORITY", Direction.ASC),
            search=("name",),
        ),
        ListSpec(
            "NurtureSequence",
            m.NurtureSequence.__table__,
            {**_TIMES, "NAME": "name"},
            ("NAME", Direction.ASC),
            search=("name",),
        ),
        ListSpec(
            "NurtureEnrollment",
            m.NurtureEnrollment.__table__,
            {"ENROLLED_AT": "enrolled_at", "ID": "id"},
            ("ENROLLED_AT", Direction.DESC),
        ),
        ListSpec(
            "WebForm",
            m.WebForm.__table__,
            {**_TIMES, "NAME": "name"},
            ("NAME", Direction.ASC),
            search=("name",),
        ),
    )
}
