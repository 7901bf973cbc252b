"""Lead scoring with an explanation (issue 11): points from behaviour (the lead's interactions
by channel, kind and direction, decayed by age) and from fit (region, industry, source), with
the weights as data (scoring rules an admin edits).

`score_lead` is pure: rules, the lead, its touchpoints and the scoring instant in; the score
(0–100) and the contributions that explain it out. `rescore` and `rescore_open_leads` run it
over a `ScoringDesk` in the caller's transaction, so a request (a new lead, a logged
interaction, a channel message) and a timer (a rule change, the daily decay) score alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from domain.enums import LeadStatus, ScoringFitField, ScoringRuleKind

#: How many contributions a lead keeps as its explanation.
TOP_CONTRIBUTIONS = 5
#: Leads past these are no longer scored: their last score stays as it was when they closed.
CLOSED = (LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED)
#: Job kinds: every open lead scored again after a rule change, and daily for the decay.
RESCORE_OPEN_LEADS = "lead.rescore_open"
SCORE_DECAY_SWEEP = "lead.score_decay"
SECONDS_PER_DAY = 86_400.0


FIT_COLUMN = {
    ScoringFitField.REGION: "region",
    ScoringFitField.INDUSTRY: "industry",
    ScoringFitField.SOURCE: "source",
}


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    kind: ScoringRuleKind
    points: int
    channel: str | None = None
    interaction_kind: str | None = None
    direction: str | None = None
    half_life_days: float | None = None
    field: ScoringFitField | None = None
    value: str | None = None


@dataclass(frozen=True)
class Touch:
    """One interaction logged on the lead."""

    channel: str
    kind: str
    direction: str
    occurred_at: datetime


@dataclass(frozen=True)
class Contribution:
    rule_id: int
    rule_name: str
    kind: ScoringRuleKind
    points: float
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "ruleId": self.rule_id,
            "ruleName": self.rule_name,
            "kind": self.kind.value,
            "points": self.points,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Scored:
    score: int
    contributions: tuple[Contribution, ...]
    scored_at: datetime


def rule_of(row: Mapping[str, Any]) -> Rule:
    """A stored rule (a `lead_scoring_rule` row) as the scoring function takes it."""
    half_life = row.get("half_life_days")
    field = row.get("field")
    return Rule(
        id=int(row["id"]),
        name=str(row["name"]),
        kind=ScoringRuleKind(str(_text(row["kind"]))),
        points=int(row["points"]),
        channel=_text(row.get("channel")),
        interaction_kind=_text(row.get("interaction_kind")),
        direction=_text(row.get("direction")),
        half_life_days=float(half_life) if half_life is not None else None,
        field=ScoringFitField(str(_text(field))) if field is not None else None,
        value=row.get("value"),
    )


def touch_of(row: Mapping[str, Any]) -> Touch:
    return Touch(
        channel=_text(row["channel"]) or "",
        kind=_text(row.get("kind")) or "NOTE",
        direction=_text(row["direction"]) or "",
        occurred_at=row["occurred_at"],
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


# --- the scoring function ------------------------------------------------------------------


def decayed(points: float, age_days: float, half_life_days: float | None) -> float:
    """`points` halved every `half_life_days` of age; no half-life, no decay."""
    if not half_life_days or half_life_days <= 0:
        return points
    return points * 0.5 ** (max(0.0, age_days) / half_life_days)


def score_lead(
    rules: Iterable[Rule], lead: Mapping[str, Any], touches: Iterable[Touch], now: datetime
) -> Scored:
    """clamp(round(sum of contributions), 0, 100) and the largest contributions, in order."""
    touches = list(touches)
    found: list[Contribution] = []
    for rule in rules:
        if rule.kind is ScoringRuleKind.FIT:
            if _fits(rule, lead):
                found.append(Contribution(rule.id, rule.name, rule.kind, rule.points, _fit(rule)))
            continue
        for touch in touches:
            if _matches(rule, touch):
                age = (now - touch.occurred_at).total_seconds() / SECONDS_PER_DAY
                points = decayed(rule.points, age, rule.half_life_days)
                reason = _behaviour(touch, age)
                found.append(Contribution(rule.id, rule.name, rule.kind, points, reason))
    total = sum(c.points for c in found)
    score = min(100, max(0, math.floor(total + 0.5)))
    found.sort(key=lambda c: (-abs(c.points), c.rule_id, c.reason))
    top = tuple(
        Contribution(c.rule_id, c.rule_name, c.kind, round(float(c.points), 1), c.reason)
        for c in found[:TOP_CONTRIBUTIONS]
    )
    return Scored(score, top, now)


def _fits(rule: Rule, lead: Mapping[str, Any]) -> bool:
    if rule.field is None or rule.value is None:
        return False
    value = _text(lead.get(FIT_COLUMN[rule.field]))
    if value is None:
        return False
    if rule.field is ScoringFitField.INDUSTRY:
        return value.strip().casefold() == rule.value.strip().casefold()
    return value == rule.value


def _matches(rule: Rule, touch: Touch) -> bool:
    if rule.channel is None and rule.interaction_kind is None:
        return False  # a behaviour rule names a channel or a kind (checked on input too)
    return (
        (rule.channel is None or rule.channel == touch.channel)
        and (rule.interaction_kind is None or rule.interaction_kind == touch.kind)
        and (rule.direction is None or rule.direction == touch.direction)
    )


# --- reasons a person reads ------------------------------------------------------------------

CHANNEL_NAMES = {
    "PHONE": "phone",
    "EMAIL": "e-mail",
    "WECHAT_WORK": "WeChat Work",
    "DINGTALK": "DingTalk",
    "WEB": "the web",
    "VISIT": "a visit",
    "EVENT": "an event",
    "SMS": "SMS",
}
KIND_PHRASES = {
    "DEMO_REQUEST": "Demo requested",
    "PRICING_VIEW": "Pricing viewed",
    "CONTENT_DOWNLOAD": "Content downloaded",
    "WEBINAR": "Webinar attended",
    "FORM_SUBMISSION": "Form submitted",
    "MEETING": "Meeting",
    "NOTE": "Note",
}
FIT_NAMES = {
    ScoringFitField.REGION: "Region",
    ScoringFitField.INDUSTRY: "Industry",
    ScoringFitField.SOURCE: "Source",
}


def _behaviour(touch: Touch, age_days: float) -> str:
    """ "Demo requested via WeChat Work, 3 days ago"."""
    phrase = KIND_PHRASES.get(touch.kind)
    if phrase is None:  # CALL, MESSAGE, EMAIL: which way it went matters
        way = "Inbound" if touch.direction == "INBOUND" else "Outbound"
        phrase = f"{way} {touch.kind.lower().replace('_', ' ')}"
    channel = CHANNEL_NAMES.get(touch.channel, touch.channel.lower())
    return f"{phrase} via {channel}, {_ago(age_days)}"


def _ago(age_days: float) -> str:
    days = math.floor(max(0.0, age_days))
    if days == 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def _fit(rule: Rule) -> str:
    assert rule.field is not None
    return f"{FIT_NAMES[rule.field]} is {rule.value}"


# --- the use cases -------------------------------------------------------------------------


class ScoringDesk(Protocol):
    """What scoring needs from storage, in the caller's transaction."""

    def now(self) -> datetime: ...

    async def scoring_rules(self) -> Sequence[Mapping[str, Any]]:
        """The active scoring rules."""
        ...

    async def scoring_facts(
        self, lead_id: int
    ) -> tuple[Mapping[str, Any] | None, Sequence[Mapping[str, Any]]]:
        """The lead's row and its interactions (channel, kind, direction, occurred_at)."""
        ...

    async def open_leads_after(
        self, after_id: int, limit: int
    ) -> Sequence[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]]]]:
        """Up to `limit` open leads with id > `after_id`, by id, each with its interactions."""
        ...

    async def save_scores(self, scored: Mapping[int, Scored]) -> None:
        """Store each lead's score, explanation and scoring instant."""
        ...


async def rescore(desk: ScoringDesk, lead_id: int) -> Scored | None:
    """Score one lead now; a closed lead keeps the score it closed with."""
    lead, touches = await desk.scoring_facts(lead_id)
    if lead is None or lead["status"] in CLOSED:
        return None
    rules = [rule_of(r) for r in await desk.scoring_rules()]
    scored = score_lead(rules, lead, (touch_of(t) for t in touches), desk.now())
    await desk.save_scores({lead_id: scored})
    return scored


async def rescore_open_leads(desk: ScoringDesk, after: int, batch: int) -> int | None:
    """Score the next `batch` open leads by id after `after` again (the rules changed, or time
    decayed the behaviour points); the last id scored when more may follow, else None."""
    leads = await desk.open_leads_after(after, batch)
    if not leads:
        return None
    rules = [rule_of(r) for r in await desk.scoring_rules()]
    now = desk.now()
    await desk.save_scores(
        {
            int(lead["id"]): score_lead(rules, lead, (touch_of(t) for t in touches), now)
            for lead, touches in leads
        }
    )
    return int(leads[-1][0]["id"]) if len(leads) == batch else None
