"""CONTRACT §3 and §10 as plain Python over a KPI world: each KPI, over what each viewer sees
(`tests/slices/metrics_seen.py`).

Written from the contract's words (and the choices the SDL descriptions of `metrics` state:
a record's region, owner, partner are its own, else its customer's when the viewer can read
that customer; MONTH in Asia/Shanghai), not from the SQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tests.slices.metrics_seen import seen
from tests.slices.metrics_world import T0, World, at

ZONE = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Ask:
    kpi: str
    group_by: tuple[str, ...]
    start: datetime | None
    end: datetime | None
    regions: tuple[str, ...] | None = None


Rows = dict[tuple[str | None, ...], tuple[Decimal | None, int]]


def _month(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(ZONE).strftime("%Y-%m")


class Oracle:
    def __init__(self, w: World, viewer: int, ids: dict[str, list[int]]) -> None:
        self.w, self.s, self.ids = w, seen(w, viewer), ids

    # --- a record's keys ----------------------------------------------------------------

    def _customer(self, index: int | None) -> Any:
        return self.w.customers[index] if index is not None and index in self.s.customers else None

    def _id(self, kind: str, index: int | None) -> str | None:
        visible = {"User": self.s.users, "Partner": self.s.partners, "Campaign": self.s.campaigns}
        return str(self.ids[kind][index]) if index is not None and index in visible[kind] else None

    def keys(self, kind: str, row: Any, when: datetime | None, dim: str) -> str | None:
        c = row if kind == "Customer" else self._customer(getattr(row, "customer", None))
        if kind == "Lead":
            c = self._customer(row.converted)
        own: dict[str, Any] = {}
        if kind == "Lead":
            own = {
                "REGION": row.region,
                "INDUSTRY": row.industry,
                "OWNER": row.assignee,
                "PARTNER": row.partner,
                "SOURCE": row.source,
                "CAMPAIGN": row.campaign,
            }
        elif kind == "Opportunity":
            own = {"OWNER": row.owner, "PARTNER": row.partner}
        elif kind == "Ticket":
            own = {"CHANNEL": row.channel, "PRIORITY": row.priority}
        elif kind == "Campaign":
            own = {"CHANNEL": self.w.campaigns[row].channel}
        if dim == "MONTH":
            return _month(when)
        if dim == "CAMPAIGN":
            index = own.get("CAMPAIGN") if kind != "Campaign" else row
            return self._id("Campaign", index)
        theirs = None
        if c is not None and dim in ("REGION", "INDUSTRY", "OWNER", "PARTNER", "TIER"):
            theirs = getattr(c, dim.lower())
        value = own.get(dim)
        value = value if value is not None else theirs
        if dim == "OWNER":
            return self._id("User", value)
        if dim == "PARTNER":
            return self._id("Partner", value)
        return value

    # --- helpers ------------------------------------------------------------------------------

    def _in(self, ask: Ask, when: datetime | None) -> bool:
        if ask.start is not None and (when is None or when < ask.start):
            return False
        return not (ask.end is not None and (when is None or when >= ask.end))

    def _group(self, ask: Ask, kind: str, records: Iterable[tuple[Any, datetime | None, Any]]):
        """records: (row, when, payload) -> {group keys: [payload]} after the filters."""
        groups: dict[tuple[str | None, ...], list[Any]] = defaultdict(list)
        for row, when, payload in records:
            if ask.regions is not None and self.keys(kind, row, when, "REGION") not in ask.regions:
                continue
            key = tuple(self.keys(kind, row, when, d) for d in ask.group_by)
            groups[key].append(payload)
        if not ask.group_by and not groups:
            groups[()] = []
        return groups

    # --- KPIs ---------------------------------------------------------------------------------

    def rows(self, ask: Ask) -> Rows:
        w, s, k = self.w, self.s, ask.kpi
        if k == "CHURN_RATE":
            return self._churn(ask)
        if k in ("COST_PER_LEAD", "CAMPAIGN_ROI"):
            return self._campaigns(ask)
        mean = _mean
        if k in ("LEAD_COUNT", "LEAD_CONVERSION_RATE"):
            recs = [(w.leads[i], at(w.leads[i].created)) for i in s.leads]
            kind = "Lead"
            value = (
                (lambda xs: Decimal(len(xs)))
                if k == "LEAD_COUNT"
                else (lambda xs: mean([x.status == "CONVERTED" for x in xs]))
            )
            period = True
        elif k in ("WIN_RATE", "AVERAGE_ORDER_VALUE", "SALES_CYCLE_DAYS", "PIPELINE_VALUE"):
            kind, period = "Opportunity", k != "PIPELINE_VALUE"
            deals = [w.deals[i] for i in s.deals]
            if k == "WIN_RATE":
                chosen = [d for d in deals if d.stage in ("CLOSED_WON", "CLOSED_LOST")]
                value = lambda xs: mean([x.stage == "CLOSED_WON" for x in xs])  # noqa: E731
            elif k == "AVERAGE_ORDER_VALUE":
                chosen = [d for d in deals if d.stage == "CLOSED_WON"]
                value = lambda xs: mean([x.amount for x in xs])  # noqa: E731
            elif k == "SALES_CYCLE_DAYS":
                chosen = [d for d in deals if d.stage == "CLOSED_WON" and d.closed is not None]
                value = lambda xs: mean([Decimal(x.closed - x.created) / 24 for x in xs])  # noqa: E731
            else:
                chosen = [d for d in deals if not d.stage.startswith("CLOSED")]
                value = lambda xs: Decimal(sum(x.amount for x in xs))  # noqa: E731
            recs = [(d, at(d.closed) if d.closed is not None else None) for d in chosen]
            if k == "PIPELINE_VALUE":
                recs = [(d, None) for d in chosen]
        elif k in (
            "FIRST_RESPONSE_MINUTES",
            "RESOLUTION_HOURS",
            "FIRST_CONTACT_RESOLUTION_RATE",
            "SLA_ATTAINMENT_RATE",
        ):
            kind, period = "Ticket", True
            tickets = [(i, w.tickets[i]) for i in s.tickets]
            if k == "FIRST_RESPONSE_MINUTES":
                recs = [(t, at(t.created)) for _, t in tickets if t.responded is not None]
                value = lambda xs: mean([Decimal(x.responded - x.created) * 60 for x in xs])  # noqa: E731
            else:
                resolved = [(i, t) for i, t in tickets if t.resolved is not None]
                if k == "SLA_ATTAINMENT_RATE":
                    resolved = [(i, t) for i, t in resolved if t.due is not None]
                recs = [((t, i), at(t.resolved)) for i, t in resolved]
                recs = (
                    [(pair[0], when) for pair, when in recs]
                    if k != "FIRST_CONTACT_RESOLUTION_RATE"
                    else recs
                )  # noqa: E501
                if k == "RESOLUTION_HOURS":
                    value = lambda xs: mean([Decimal(x.resolved - x.created) for x in xs])  # noqa: E731
                elif k == "SLA_ATTAINMENT_RATE":
                    value = lambda xs: mean([x.resolved <= x.due for x in xs])  # noqa: E731
                else:
                    value = lambda xs: mean([self._first_contact(i) for _, i in xs])  # noqa: E731
        elif k in ("CSAT", "NPS"):
            kind, period = "SurveyResponse", True
            recs = [
                (w.surveys[i], at(w.surveys[i].at)) for i in s.surveys if w.surveys[i].kind == k
            ]
            if k == "CSAT":
                value = lambda xs: mean([x.score >= 4 for x in xs])  # noqa: E731
            else:
                value = lambda xs: (  # noqa: E731
                    100
                    * (
                        mean([x.score >= 9 for x in xs])  # noqa: E731
                        - mean([x.score <= 6 for x in xs])
                    )
                )
        elif k == "LIFETIME_VALUE":
            kind, period = "Customer", False
            won = defaultdict(Decimal)
            has = set()
            for i in s.deals:
                d = w.deals[i]
                if d.stage == "CLOSED_WON":
                    won[d.customer] += d.amount
                    has.add(d.customer)
            recs = [((w.customers[c], c), None) for c in s.customers if c in has]
            value = lambda xs: mean([won[c] for _, c in xs])  # noqa: E731
        else:
            raise AssertionError(k)
        out: Rows = {}
        ticket_pairs = k == "FIRST_CONTACT_RESOLUTION_RATE"
        for key, xs in self._group(
            ask,
            kind,
            (
                ((r[0] if (ticket_pairs or kind == "Customer") else r), when, r)
                for r, when in recs
                if not period or self._in(ask, when)
            ),
        ).items():
            out[key] = (value(xs) if xs else None, len(xs))
        return out

    def _first_contact(self, ticket: int) -> bool:
        visits = sum(1 for i in self.s.visits if self.w.visits[i].ticket == ticket)
        return visits <= 1 and not self.w.tickets[ticket].reopened

    def _campaigns(self, ask: Ask) -> Rows:
        w, s = self.w, self.s
        out_groups = self._group(
            ask,
            "Campaign",
            (
                (i, when, i)
                for i in s.campaigns
                if self._in(ask, when := _day_start(w.campaigns[i].starts_day))
            ),
        )
        out: Rows = {}
        for key, xs in out_groups.items():
            cost = Decimal(sum(w.campaigns[i].cost for i in xs))
            if ask.kpi == "COST_PER_LEAD":
                leads = sum(1 for j in s.leads if w.leads[j].campaign in xs)
                out[key] = (cost / leads if leads else None, leads)
            else:
                won = Decimal(0)
                for i in xs:
                    customers = {
                        w.leads[j].converted
                        for j in s.leads
                        if w.leads[j].campaign == i and w.leads[j].converted is not None
                    }
                    won += sum(
                        w.deals[d].amount
                        for d in s.deals
                        if w.deals[d].stage == "CLOSED_WON" and w.deals[d].customer in customers
                    )
                out[key] = ((won - cost) / cost if cost and xs else None, len(xs))
        return out

    def _churn(self, ask: Ask) -> Rows:
        w = self.w
        periods: list[tuple[datetime | None, datetime | None, str | None]]
        if "MONTH" in ask.group_by:
            earliest = min((at(w.customers[c].created) for c in self.s.customers), default=None)
            first = max(ask.start, earliest) if ask.start and earliest else earliest
            last = min(ask.end, datetime.now(ZONE)) if ask.end else datetime.now(ZONE)
            periods = []
            if first is not None:
                m = first.astimezone(ZONE).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
                while m <= last.astimezone(ZONE).replace(tzinfo=ZONE):
                    nxt = (m + timedelta(days=32)).replace(day=1)
                    lo = max(m, ask.start) if ask.start else m
                    hi = min(nxt, ask.end) if ask.end else nxt
                    periods.append((lo, hi, m.strftime("%Y-%m")))
                    m = nxt
        else:
            periods = [(ask.start, ask.end, None)]
        groups: dict[tuple[str | None, ...], list[int]] = defaultdict(lambda: [0, 0])
        for lo, hi, month in periods:
            for c in self.s.customers:
                row = w.customers[c]
                if ask.regions is not None and row.region not in ask.regions:
                    continue
                active = lo is not None and _status_at(row, lo) == "ACTIVE"
                churned = any(
                    b == "CHURNED" and (lo is None or at(h) >= lo) and (hi is None or at(h) < hi)
                    for h, _, b in row.changes
                )
                if not ask.group_by or active or churned:
                    key = tuple(
                        month if d == "MONTH" else self.keys("Customer", row, None, d)
                        for d in ask.group_by
                    )
                    g = groups[key]
                    g[0] += active
                    g[1] += churned
        if not ask.group_by and not groups:
            groups[()] = [0, 0]
        return {key: (Decimal(ch) / act if act else None, act) for key, (act, ch) in groups.items()}


def _day_start(day: int) -> datetime:
    local = (T0 + timedelta(days=day)).date()
    return datetime(local.year, local.month, local.day, tzinfo=ZONE)


def _status_at(row: Any, moment: datetime) -> str | None:
    if at(row.created) > moment:
        return None
    before = [b for h, _, b in row.changes if at(h) <= moment]
    if before:
        return before[-1]
    after = [a for h, a, _ in row.changes if at(h) > moment]
    return after[0] if after else row.status


def _mean(values: list[Any]) -> Decimal:
    return Decimal(sum(Decimal(v) for v in values)) / len(values)
