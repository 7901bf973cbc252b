"""Scoring rules as data (issue 11), managed by admins: every change is checked as a whole rule
(the stored one with the change applied) and has every open lead scored again by a job."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.enums import LeadSource, Region, ScoringFitField, ScoringRuleKind
from domain.errors import Refused, bad_input
from domain.fields import clean, int_range, present, require, text
from domain.lead_scoring import RESCORE_OPEN_LEADS
from domain.ports import Store

RULE_FIELDS = {
    "name": text(200),
    "points": int_range(-100, 100),
    "half_life_days": int_range(1, 3650),
}
BEHAVIOUR_ONLY = ("channel", "interaction_kind", "direction", "half_life_days")
FIT_ONLY = ("field", "value")
ENUMS = ("kind", "channel", "interaction_kind", "direction", "field")


async def create_rule(store: Store, values: dict[str, Any]) -> int:
    require(values, "name", "kind", "points")
    data = _values(values)
    data.setdefault("active", True)
    _check_whole(data)
    rule_id = await store.insert("ScoringRule", present(data))
    await _rescore_later(store, rule_id, 1)
    return rule_id


async def update_rule(store: Store, values: dict[str, Any]) -> int:
    rule = await store.target("scoring_rule_id")
    expected_version = values.pop("expected_version", None)
    data = _values(values)
    if data:
        _check_whole({**_plain(rule), **data})
        await store.update(rule["id"], data, expected_version)
        await _rescore_later(store, int(rule["id"]), int(rule["version"]) + 1)
    return int(rule["id"])


def _values(values: Mapping[str, Any]) -> dict[str, Any]:
    data = present(clean({k: v for k, v in values.items() if k in RULE_FIELDS}, RULE_FIELDS))
    for name in (*ENUMS, "active", "value"):
        if values.get(name) is not None:
            data[name] = _plain_value(values[name])
    if "value" in data:
        data["value"] = str(data["value"]).strip()
    return data


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: _plain_value(v) for k, v in row.items()}


def _plain_value(value: Any) -> Any:
    return getattr(value, "value", value)


def _check_whole(rule: Mapping[str, Any]) -> None:
    """A behaviour rule names a channel or an interaction kind and no fit field; a fit rule
    names a field and a value that field can hold, and nothing of behaviour."""
    kind = ScoringRuleKind(rule["kind"])
    if kind is ScoringRuleKind.BEHAVIOUR:
        if rule.get("channel") is None and rule.get("interaction_kind") is None:
            raise Refused(bad_input("interactionKind", "a behaviour rule names a kind or channel"))
        _none_of(rule, FIT_ONLY, "a behaviour rule")
        return
    _none_of(rule, BEHAVIOUR_ONLY, "a fit rule")
    if rule.get("field") is None:
        raise Refused(bad_input("field", "a fit rule names the lead field it scores"))
    value = rule.get("value")
    if not value:
        raise Refused(bad_input("value", "a fit rule names the value that scores"))
    field = ScoringFitField(rule["field"])
    allowed: dict[ScoringFitField, type[Region] | type[LeadSource]] = {
        ScoringFitField.REGION: Region,
        ScoringFitField.SOURCE: LeadSource,
    }
    choices = allowed.get(field)
    if choices is not None and value not in choices.__members__:
        raise Refused(bad_input("value", f"a {field.value} is one of " + ", ".join(choices)))
    if len(value) > 100:
        raise Refused(bad_input("value", "value is at most 100 characters"))


def _none_of(rule: Mapping[str, Any], names: tuple[str, ...], what: str) -> None:
    for name in names:
        if rule.get(name) is not None:
            camel = "".join(p.capitalize() if i else p for i, p in enumerate(name.split("_")))
            raise Refused(bad_input(camel, f"{what} has no {camel}"))


async def _rescore_later(store: Store, rule_id: int, version: int) -> None:
    """Every open lead is scored again under the changed rules, by a job that commits with
    the change (the request does not wait for thousands of leads); once per rule version."""
    key = f"{RESCORE_OPEN_LEADS}:rule:{rule_id}:v{version}"
    await store.schedule(RESCORE_OPEN_LEADS, key, store.now(), {"rule": rule_id})
