"""CHURN_RATE: customers that became CHURNED in a period ÷ customers ACTIVE at its start.

Each customer's status history (`customer_status_change`, written by a trigger) becomes spans
`[from, until)` with one status each, the first from the customer's creation; a customer was
ACTIVE at an instant when one of its ACTIVE spans holds it. Grouped by MONTH, each month of the
period is a period of its own. Only the customers the viewer may read are counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.metrics import BUSINESS_ZONE, Dimension, Kpi
from persistence.metrics_sql import CUSTOMERS, Definition

if TYPE_CHECKING:
    from persistence.metrics import _Statement


def _periods(statement: _Statement, by_month: bool) -> str:
    ask = statement.ask
    start, end = statement.bound(ask.start), statement.bound(ask.end)
    if not by_month:
        return f"SELECT NULL::text AS month, {start}::timestamptz AS p_start, {end}::timestamptz" \
            " AS p_end"  # fmt: skip
    # Months before the first customer or after today hold no figure: a period of centuries
    # costs no more than the data's own.
    earliest = f"(SELECT min(x.created_at) FROM {statement.rows('Customer')} x)"
    first = f"greatest({start}, {earliest})" if ask.start is not None else earliest
    last = f"least({end}, now())" if ask.end is not None else "now()"
    lower = start if ask.start is not None else "'-infinity'::timestamptz"
    upper = end if ask.end is not None else "'infinity'::timestamptz"
    zone = f"'{BUSINESS_ZONE}'"
    return (
        f"SELECT to_char(m, 'YYYY-MM') AS month, greatest(m AT TIME ZONE {zone}, {lower})"
        f" AS p_start, least((m + interval '1 month') AT TIME ZONE {zone}, {upper}) AS p_end"
        f" FROM generate_series(date_trunc('month', {first} AT TIME ZONE {zone}),"
        f" {last} AT TIME ZONE {zone}, interval '1 month') AS m"
    )


def churn_rate(statement: _Statement) -> str:
    group_by = statement.ask.group_by
    by_month = Dimension.MONTH in group_by
    plain = Definition(CUSTOMERS, "true", None, "", "")
    keys = [
        f"NULL::text AS k{i}" if d is Dimension.MONTH else  # the period gives the month
        f"({statement.key(plain, d)})::text AS k{i}"
        for i, d in enumerate(group_by)
    ]  # fmt: skip
    filters = " AND ".join(["true", *statement.filters(plain)])
    customers = (
        f"SELECT r.id, r.created_at, r.status{''.join(', ' + k for k in keys)}"
        f" FROM {statement.rows('Customer')} r WHERE {filters}"
    )
    outer = ["b.month" if d is Dimension.MONTH else f"c.k{i}" for i, d in enumerate(group_by)]
    sql = f"""WITH cust AS MATERIALIZED ({customers}),
hist AS MATERIALIZED (
  SELECT h.customer_id, h.from_status, h.to_status, h.occurred_at,
    row_number() OVER w AS rn, lead(h.occurred_at) OVER w AS next_at
  FROM customer_status_change h JOIN cust ON cust.id = h.customer_id
  WINDOW w AS (PARTITION BY h.customer_id ORDER BY h.occurred_at, h.id)),
spans AS (
  SELECT c.id, c.created_at AS since, coalesce(f.occurred_at, 'infinity') AS until,
    coalesce(f.from_status, c.status) AS status
  FROM cust c LEFT JOIN hist f ON f.customer_id = c.id AND f.rn = 1
  UNION ALL
  SELECT customer_id, occurred_at, coalesce(next_at, 'infinity'), to_status FROM hist),
periods AS MATERIALIZED ({_periods(statement, by_month)}),
marks AS (
  SELECT p.month, s.id, 1 AS active, 0 AS churned FROM periods p
    JOIN spans s ON s.status = 'ACTIVE' AND s.since <= p.p_start AND p.p_start < s.until
  UNION ALL
  SELECT DISTINCT p.month, h.customer_id, 0, 1 FROM periods p
    JOIN hist h ON h.to_status = 'CHURNED' AND h.occurred_at >= coalesce(p.p_start, '-infinity')
      AND h.occurred_at < coalesce(p.p_end, 'infinity'))
SELECT '{Kpi.CHURN_RATE.value}'::text AS kpi{"".join(f", ({k})::text" for k in outer)},
  (sum(b.churned)::numeric / nullif(sum(b.active), 0))::numeric AS value,
  (coalesce(sum(b.active), 0))::bigint AS count
FROM marks b JOIN cust c ON c.id = b.id"""
    if outer:
        sql += " GROUP BY " + ", ".join(str(i + 2) for i in range(len(outer)))
        sql += " HAVING sum(b.active) + sum(b.churned) > 0"
    return sql
