"""Campaigns with their costs, which leads each brought, and the customers' status history.

Drawn from their own random stream (derived from the world's seed), so adding them leaves
every other generated row as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from random import Random

from domain.enums import CampaignStatus, Channel, CustomerStatus, LeadSource
from persistence.seed.world import DAY, Row, World, at, day_of

CAMPAIGN_COLUMNS = (
    "id", "name", "channel", "starts_on", "ends_on", "cost", "status", "version", "created_at",
    "updated_at",
)  # fmt: skip
STATUS_CHANGE_COLUMNS = ("id", "customer_id", "from_status", "to_status", "occurred_at")
CAMPAIGN_NAMES = ("春季新品发布会", "华东工业展", "企业微信直播", "钉钉行业沙龙", "搜索广告",
                  "老客户推荐季", "秋季技术研讨会", "年终促销")  # fmt: skip
CAMPAIGN_CHANNELS = (Channel.EVENT, Channel.WEB, Channel.WECHAT_WORK, Channel.DINGTALK,
                     Channel.SMS, Channel.EMAIL)  # fmt: skip
#: Sources that a campaign brings; other leads came without one.
CAMPAIGN_SOURCES = frozenset({LeadSource.WEB_FORM, LeadSource.EVENT, LeadSource.AD,
                              LeadSource.WECHAT_WORK, LeadSource.DINGTALK})  # fmt: skip
SPAN_DAYS = 540


def campaign_count(w: World) -> int:
    return max(8, w.plan.leads // 250)


def _rng(w: World, salt: int) -> Random:
    return Random(hash((w.plan.customers, w.plan.leads, salt)) & 0xFFFFFFFF)


def campaigns(w: World) -> Iterator[Row]:
    rng = _rng(w, 1)
    for cid in range(1, campaign_count(w) + 1):
        start = w.now - rng.uniform(0, SPAN_DAYS) * DAY
        days = int(rng.uniform(7, 60))
        ends = day_of(start) + timedelta(days=days)
        status = CampaignStatus.COMPLETED if at(start + days * DAY) < at(w.now) else (
            CampaignStatus.ACTIVE)  # fmt: skip
        cost = Decimal(int(rng.uniform(20, 800))) * 1000
        name = f"{CAMPAIGN_NAMES[cid % len(CAMPAIGN_NAMES)]} {day_of(start):%Y-%m}"
        channel = CAMPAIGN_CHANNELS[cid % len(CAMPAIGN_CHANNELS)]
        yield (cid, name, channel, day_of(start), ends, cost, status, 1, at(start), at(start))


def campaign_of(w: World, lead_id: int, source: LeadSource) -> int | None:
    """About two in three leads of a marketing source came from a campaign."""
    if source not in CAMPAIGN_SOURCES or lead_id % 3 == 0:
        return None
    return 1 + (lead_id * 7919) % campaign_count(w)


def status_changes(w: World) -> Iterator[Row]:
    """Customers start as prospects; active ones became active, churned ones then churned."""
    rng = _rng(w, 2)
    hid = 0
    for index, status in enumerate(w.cust_status):
        if status is CustomerStatus.PROSPECT:
            continue
        created = w.cust_created[index]
        active = created + rng.uniform(0.05, 0.5) * (w.now - created)
        hid += 1
        yield (hid, index + 1, CustomerStatus.PROSPECT, CustomerStatus.ACTIVE, at(active))
        if status is CustomerStatus.CHURNED:
            hid += 1
            churned = active + rng.uniform(0.1, 1) * (w.now - active)
            yield (hid, index + 1, CustomerStatus.ACTIVE, CustomerStatus.CHURNED, at(churned))
