"""The marks of a contract's term, as the workflows fire them: RENEWAL and CARE tasks for the
customer's owner, the renewal opportunity, and the `contract.renewal_due` event."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.calendar import SHANGHAI
from domain.enums import ContractStatus, OpportunityStage, TaskKind
from domain.global_ids import global_id
from persistence.models import Contract, Customer, Opportunity, OpportunityStageChange
from persistence.outbox import emit
from persistence.tasks import create_task

contract = Contract.__table__
customer = Customer.__table__
LIVE = (ContractStatus.ACTIVE, ContractStatus.DRAFT)


async def _contract(conn: AsyncConnection, contract_id: int) -> dict | None:  # type: ignore[type-arg]
    row = (
        await conn.execute(
            select(
                contract,
                customer.c.owner_id,
                customer.c.partner_id,
                customer.c.name.label("customer_name"),
            )
            .join(customer, customer.c.id == contract.c.customer_id)
            .where(contract.c.id == contract_id)
        )
    ).first()
    return dict(row._mapping) if row is not None else None


async def renewal_due(
    conn: AsyncConnection, contract_id: int, label: str, with_opportunity: bool, now: datetime
) -> bool:
    """A renewal mark: the owner's RENEWAL task (and the renewal opportunity at the first)."""
    row = await _contract(conn, contract_id)
    if row is None or row["status"] not in LIVE:
        return False
    ends = datetime.combine(row["ends_on"], time(0), SHANGHAI)
    opportunity_id = None
    if with_opportunity:
        opportunity_id = await conn.scalar(
            insert(Opportunity.__table__)
            .values(
                customer_id=row["customer_id"],
                name=f"Renewal of {row['number']}"[:200],
                amount=row["value"],
                currency=row["currency"],
                stage=OpportunityStage.QUALIFICATION,
                probability=10,
                expected_close_date=row["ends_on"],
                owner_id=row["owner_id"],
                partner_id=row["partner_id"],
                created_at=now,
                updated_at=now,
            )
            .returning(Opportunity.__table__.c.id)
        )
        await conn.execute(
            insert(OpportunityStageChange.__table__).values(
                opportunity_id=opportunity_id,
                customer_id=row["customer_id"],
                from_stage=None,
                to_stage=OpportunityStage.QUALIFICATION,
                actor_id=None,
                occurred_at=now,
            )
        )
    await create_task(
        conn,
        subject=f"Renew contract {row['number']} of {row['customer_name']} (ends {row['ends_on']})",
        kind=TaskKind.RENEWAL,
        due_at=max(ends, now),
        assignee_id=row["owner_id"],
        now=now,
        customer_id=row["customer_id"],
        rule=f"contract.renewal.{label}",
    )
    await emit(
        conn,
        "contract.renewal_due",
        {
            "id": global_id("Contract", contract_id),
            "endsOn": row["ends_on"].isoformat(),
            "mark": label,
            "opportunityId": global_id("Opportunity", opportunity_id) if opportunity_id else None,
        },
        now,
    )
    return True


async def care_due(conn: AsyncConnection, contract_id: int, label: str, now: datetime) -> bool:
    """A care mark: a CARE task for the customer's owner, due within a week."""
    row = await _contract(conn, contract_id)
    if row is None or row["status"] not in LIVE:
        return False
    await create_task(
        conn,
        subject=f"Care call ({label}) for {row['customer_name']}, contract {row['number']}",
        kind=TaskKind.CARE,
        due_at=now + timedelta(days=7),
        assignee_id=row["owner_id"],
        now=now,
        customer_id=row["customer_id"],
        rule=f"contract.care.{label}",
    )
    return True
