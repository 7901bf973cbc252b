"""A small hand-made world for the role scenarios: every record has a short name (`c1`, `o2`).

Two dealers (P1, P2); a sales manager `mgr` with reps `rep1` and `rep2`, and `rep9` outside the
team; a partner user per dealer; technicians `tech1` (no partner) and `tech2` (of P1); a service
agent, an analyst and an admin. The comments on each record say who should see it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from persistence import models as m
from schema.ids import encode_id
from tests import factories as f

NOW = f.NOW

SUBS = ("admin", "mgr", "rep1", "rep2", "rep9", "pu1", "pu2", "tech1", "tech2", "agent", "analyst")


def hours_ago(n: int) -> Any:
    return NOW - timedelta(hours=n)


@dataclass
class Scenario:
    """Names of the records and of the users (users are named by their token `sub`)."""

    refs: dict[str, tuple[str, int]] = field(default_factory=dict)

    def add(self, name: str, type_name: str, pk: int) -> int:
        self.refs[name] = (type_name, pk)
        return pk

    def pk(self, name: str) -> int:
        return self.refs[name][1]

    def gid(self, name: str) -> str:
        type_name, pk = self.refs[name]
        return encode_id(type_name, pk)

    def gids(self, names: set[str]) -> set[str]:
        return {self.gid(n) for n in names}

    def names_of(self, type_name: str) -> set[str]:
        return {n for n, (t, _) in self.refs.items() if t == type_name}

    def all_records(self) -> set[str]:
        return set(self.refs)


async def _insert(conn: AsyncConnection, model: Any, **values: Any) -> int:
    table = model.__table__
    stmt = insert(table).values(**values).returning(table.c.id)
    return int((await conn.execute(stmt)).scalar_one())


async def _task(conn: AsyncConnection, **values: Any) -> int:
    return await _insert(conn, m.Task, subject="跟进", due_at=NOW, **values)


async def build(engine: AsyncEngine) -> Scenario:
    async with engine.begin() as conn:
        return await _build(conn)


async def _build(db: AsyncConnection) -> Scenario:
    w = Scenario()
    p1 = w.add("P1", "Partner", await f.partner(db, name="华东经销商"))
    p2 = w.add("P2", "Partner", await f.partner(db, name="华南经销商"))

    async def user(sub: str, role: str, **kw: Any) -> int:
        return w.add(sub, "User", await f.user(db, role, external_id=sub, **kw))

    await user("admin", "ADMIN")
    mgr = await user("mgr", "SALES_MANAGER")
    rep1 = await user("rep1", "SALES_REP", manager_id=mgr)
    rep2 = await user("rep2", "SALES_REP", manager_id=mgr)
    rep9 = await user("rep9", "SALES_REP")  # outside mgr's team
    pu1 = await user("pu1", "PARTNER_USER", partner_id=p1)
    await user("pu2", "PARTNER_USER", partner_id=p2)
    tech1 = await user("tech1", "TECHNICIAN")
    tech2 = await user("tech2", "TECHNICIAN", partner_id=p1)  # a service partner's technician
    agent = await user("agent", "SERVICE_AGENT")
    await user("analyst", "ANALYST")

    async def customer(name: str, owner: int, partner: int | None) -> int:
        return w.add(name, "Customer", await f.customer(db, owner_id=owner, partner_id=partner))

    c1 = await customer("c1", rep1, p1)
    c2 = await customer("c2", rep1, None)
    c3 = await customer("c3", rep2, p2)
    c4 = await customer("c4", mgr, None)
    c5 = await customer("c5", rep9, p1)
    c6 = await customer("c6", rep9, None)

    for name, cid in (("k1", c1), ("k1b", c1), ("k2", c2), ("k3", c3), ("k4", c4), ("k5", c5)):
        w.add(name, "Contact", await f.contact(db, cid))
    w.add("k6", "Contact", await f.contact(db, c6))
    for name, cid in (("a1", c1), ("a3", c3), ("a5", c5), ("a6", c6)):
        w.add(name, "Asset", await f.asset(db, cid))
    for name, cid in (("ct1", c1), ("ct3", c3), ("ct6", c6)):
        w.add(name, "Contract", await f.contract(db, cid))

    async def deal(name: str, cid: int, owner: int, stage: str, amount: str, **kw: Any) -> None:
        oid = w.add(
            name,
            "Opportunity",
            await f.opportunity(db, cid, owner_id=owner, stage=stage, amount=Decimal(amount), **kw),
        )
        at = hours_ago(4 + int(name[1:]))  # s1 at -5h, s2 at -6h, ...
        sid = await f.stage_change(db, oid, cid, to_stage=stage, occurred_at=at)
        w.add("s" + name[1:], "OpportunityStageChange", sid)

    await deal("o1", c1, rep1, "CLOSED_WON", "1000.00", partner_id=p1)
    await deal("o2", c1, rep2, "CLOSED_WON", "500.00")  # rep2's deal on rep1's customer
    await deal("o3", c3, rep2, "PROPOSAL", "300.00", partner_id=p2)
    await deal("o4", c5, rep9, "CLOSED_WON", "700.00", partner_id=p1)
    await deal("o5", c6, rep9, "NEGOTIATION", "900.00")

    w.add("l1", "Lead", await f.lead(db, assignee_id=rep1))
    w.add("l2", "Lead", await f.lead(db, assignee_id=rep2, partner_id=p1))
    w.add("l3", "Lead", await f.lead(db, partner_id=p2))
    w.add("l4", "Lead", await f.lead(db, assignee_id=rep9))
    w.add("l5", "Lead", await f.lead(db, assignee_id=mgr))

    async def ticket(name: str, cid: int, hours: int, **kw: Any) -> int:
        tid = w.add(name, "Ticket", await f.ticket(db, cid, **kw))
        eid = await f.ticket_event(db, tid, cid, occurred_at=hours_ago(hours))
        w.add("e" + name[1:], "TicketEvent", eid)
        return tid

    pk = w.pk
    t1 = await ticket("t1", c1, 3, contact_id=pk("k1"), asset_id=pk("a1"), assignee_id=tech1)
    t2 = await ticket("t2", c3, 3, contact_id=pk("k3"), asset_id=pk("a3"), assignee_id=tech2)
    t3 = await ticket("t3", c5, 3, contact_id=pk("k5"), asset_id=pk("a5"), assignee_id=tech1)
    await ticket("t4", c6, 3)
    t5 = await ticket("t5", c1, 4, contact_id=pk("k1b"), assignee_id=tech2)

    async def visit(name: str, tid: int, cid: int, tech: int, hours: int) -> None:
        start = hours_ago(hours)
        vid = await f.service_visit(
            db, tid, cid, technician_id=tech, scheduled_start=start, scheduled_end=start
        )
        w.add(name, "ServiceVisit", vid)

    await visit("v1", t1, c1, tech1, 7)
    await visit("v2", t2, c3, tech2, 7)
    await visit("v3", t3, c5, tech1, 7)
    await visit("v4", t5, c1, tech2, 8)
    await visit("v5", t1, c1, tech2, 9)  # tech2 helps on tech1's ticket

    async def interaction(
        name: str, cid: int | None, internal: bool, hours: int, **kw: Any
    ) -> None:
        values = {"is_internal": internal, "occurred_at": hours_ago(hours), **kw}
        if cid is not None:
            iid = await f.interaction(db, cid, **values)
        else:  # about a lead only, which the factory does not make
            iid = await _insert(
                db, m.Interaction, channel="PHONE", direction="INBOUND", summary="来电", **values
            )
        w.add(name, "Interaction", iid)

    await interaction("i1", c1, False, 1)
    await interaction("i2", c1, True, 2)
    await interaction("i3", c3, False, 1)
    await interaction("i4", c5, True, 1)
    await interaction("i5", c6, False, 1)
    await interaction("i6", None, False, 1, lead_id=w.pk("l1"))  # about a lead only

    w.add("task1", "Task", await _task(db, assignee_id=rep1, customer_id=c1))
    w.add("task2", "Task", await _task(db, assignee_id=rep2, opportunity_id=w.pk("o3")))
    w.add("task3", "Task", await _task(db, assignee_id=tech1, ticket_id=t1))
    w.add("task4", "Task", await _task(db, assignee_id=pu1, customer_id=c1))
    w.add("task5", "Task", await _task(db, assignee_id=agent))
    w.add("task6", "Task", await _task(db, assignee_id=rep9, customer_id=c5))
    return w
