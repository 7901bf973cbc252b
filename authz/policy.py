"""The access policy: Casbin data compiled once into one frozen `RolePolicy` per role.

The policy is data (authz/casbin_model.conf plus `p` lines kept in the `casbin_rule` table).
Casbin decides each (role, object, act) cell once, when the policy loads; the rest of the app
reads the compiled `RolePolicy` objects and never calls Casbin per row or per field.

A line is `p, ROLE, OBJECT, ACT, SCOPE, EFFECT` (see authz/default_policy.csv for the format).
Pure: no database, no GraphQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import casbin
from casbin.model import Model

from authz.vocabulary import (
    ACTS as ACTS,
)
from authz.vocabulary import (
    ALLOW as ALLOW,
)
from authz.vocabulary import (
    CONSEQUENCES as CONSEQUENCES,
)
from authz.vocabulary import (
    DEFAULT_POLICY_PATH as DEFAULT_POLICY_PATH,
)
from authz.vocabulary import (
    DENY as DENY,
)
from authz.vocabulary import (
    DOMAIN_TYPES as DOMAIN_TYPES,
)

# The vocabulary lives in authz/vocabulary.py; these names stay importable from here.
from authz.vocabulary import (
    MODEL_PATH as MODEL_PATH,
)
from authz.vocabulary import (
    MUTATION_ACTIONS as MUTATION_ACTIONS,
)
from authz.vocabulary import (
    NO_SCOPE as NO_SCOPE,
)
from authz.vocabulary import (
    POLICY_TYPE as POLICY_TYPE,
)
from authz.vocabulary import (
    QUERY_ACTIONS as QUERY_ACTIONS,
)
from authz.vocabulary import (
    READ as READ,
)
from authz.vocabulary import (
    SCOPES as SCOPES,
)
from domain.enums import Role

# Finds the scope of a granted cell: with allow-override, `enforce_ex` stops at the first
# matching allow and reports it (allow-and-deny reports nothing for an allow).
_FIRST_ALLOW_EFFECT = "some(where (p.eft == allow))"


class PolicyError(ValueError):
    """A policy line that cannot be trusted; raised before anything is stored or applied."""

    def __init__(self, problem: str, *, line_no: int | None = None, line: Sequence[str] = ()):
        self.problem = problem
        self.line_no = line_no
        self.line = tuple(line)
        where = f"policy line {line_no} ({', '.join(line)}): " if line_no is not None else ""
        super().__init__(where + problem)


class AbsentTypeError(KeyError):
    """The type is not in the role's slice (and so not in its schema)."""


class Rule(NamedTuple):
    sub: str
    obj: str
    act: str
    scope: str
    eft: str

    def as_line(self) -> list[str]:
        return ["p", *self]


@dataclass(frozen=True)
class RolePolicy:
    """One role's slice, decided once when the policy loaded."""

    role: Role
    read: Mapping[str, str]  # present type -> row scope name
    actions: Mapping[tuple[str, str], str]  # (type, act) -> scope of target or parent rows
    hidden_fields: frozenset[str]  # "Type.field" of present types
    hidden_types: frozenset[str]
    fields: Mapping[str, tuple[str, ...]]  # present type -> its present fields, catalogue order

    def can(self, type_name: str, act: str) -> bool:
        if act == READ:
            return type_name in self.read
        return (type_name, act) in self.actions

    def absent_operations(self) -> frozenset[str]:
        """`Mutation.createUser`, `Query.explainAccess`, ...: operations whose cell the policy
        never allows this role, so they are not in its schema at all."""
        return frozenset(
            f"{root}.{name}"
            for root, operations in (("Mutation", MUTATION_ACTIONS), ("Query", QUERY_ACTIONS))
            for name, cell in operations.items()
            if not self.can(*cell)
        )

    def scope(self, type_name: str) -> str:
        try:
            return self.read[type_name]
        except KeyError:
            raise AbsentTypeError(type_name) from None

    def action_scope(self, type_name: str, act: str) -> str:
        try:
            return self.actions[(type_name, act)]
        except KeyError:
            raise AbsentTypeError(f"{type_name}.{act}") from None

    def field_visible(self, type_name: str, field: str) -> bool:
        return type_name in self.read and f"{type_name}.{field}" not in self.hidden_fields


# --- text -----------------------------------------------------------------------------------


def parse_csv(text: str) -> list[list[str]]:
    """Casbin CSV lines; blank lines and `#` comments are skipped, cells are stripped."""
    lines = (raw.strip() for raw in text.splitlines())
    return [[cell.strip() for cell in line.split(",")] for line in lines if line and line[0] != "#"]


def to_csv(lines: Iterable[Sequence[str]]) -> str:
    return "".join(", ".join(line) + "\n" for line in lines)


def default_lines() -> list[list[str]]:
    return parse_csv(DEFAULT_POLICY_PATH.read_text(encoding="utf-8"))


# --- validation -----------------------------------------------------------------------------


def validate_lines(
    lines: Sequence[Sequence[str]], catalogue: Mapping[str, Iterable[str]] | None = None
) -> list[Rule]:
    """Every line checked against the vocabulary; a typo raises instead of widening access."""
    catalogue = catalogue or {}
    types = frozenset(DOMAIN_TYPES) | frozenset(catalogue) | {POLICY_TYPE}
    fields = {name: frozenset(names) for name, names in catalogue.items()}
    rules: list[Rule] = []
    seen: set[Rule] = set()
    for line_no, line in enumerate(lines, start=1):
        try:
            rule = _parse_rule(line, types, fields)
        except PolicyError as error:
            raise PolicyError(error.problem, line_no=line_no, line=line) from None
        if rule in seen:
            raise PolicyError("duplicate line", line_no=line_no, line=line)
        seen.add(rule)
        rules.append(rule)
    return rules


def _parse_rule(
    line: Sequence[str], types: frozenset[str], fields: Mapping[str, frozenset[str]]
) -> Rule:
    if len(line) != 6:
        raise PolicyError("expected 6 cells: p, role, object, act, scope, effect")
    if line[0] != "p":
        raise PolicyError(f"unknown line type {line[0]!r}; only `p` lines exist")
    rule = Rule(*line[1:])
    if rule.sub not in Role.__members__:
        raise PolicyError(f"unknown role {rule.sub!r}")
    if rule.act not in ACTS:
        raise PolicyError(f"unknown act {rule.act!r}")
    if rule.eft not in (ALLOW, DENY):
        raise PolicyError(f"unknown effect {rule.eft!r}; use allow or deny")
    _check_object(rule, types, fields)
    _check_scope(rule)
    return rule


def _check_object(rule: Rule, types: frozenset[str], fields: Mapping[str, frozenset[str]]) -> None:
    obj = rule.obj
    if "*" in obj:
        if obj.index("*") != len(obj) - 1:
            raise PolicyError(f"pattern {obj!r} may only end in `*`")
        return
    type_name, _, field = obj.partition(".")
    if type_name not in types:
        raise PolicyError(f"unknown type {type_name!r}")
    if "." in obj and rule.act != READ:
        raise PolicyError("field lines only take the act `read`")
    if field and type_name in fields and field not in fields[type_name]:
        raise PolicyError(f"unknown field {obj!r}")


def _check_scope(rule: Rule) -> None:
    names_field = "." in rule.obj
    if rule.scope == NO_SCOPE:
        if rule.eft == ALLOW and not names_field:
            raise PolicyError("an allow line on a type needs a scope")
        return
    if rule.scope not in SCOPES:
        raise PolicyError(f"unknown scope {rule.scope!r}")
    if rule.eft == DENY or names_field:
        raise PolicyError("deny lines and field lines take the scope `-`")


# --- Casbin ---------------------------------------------------------------------------------


def build_enforcer(lines: Sequence[Sequence[str]]) -> casbin.Enforcer:
    """An enforcer over the model file and in-memory `p` lines (no policy file, no adapter)."""
    return _decide_enforcer(validate_lines(lines))


def _decide_enforcer(rules: Sequence[Rule]) -> casbin.Enforcer:
    enforcer = casbin.Enforcer(str(MODEL_PATH))
    _add_rules(enforcer, rules)
    return enforcer


def _first_allow_enforcer(rules: Iterable[Rule]) -> casbin.Enforcer:
    """Allow lines most specific first, so the first match Casbin reports is the one to use."""
    model = Model()
    model.load_model(str(MODEL_PATH))
    model.add_def("e", "e", _FIRST_ALLOW_EFFECT)
    enforcer = casbin.Enforcer(model)
    _add_rules(enforcer, sorted((r for r in rules if r.eft == ALLOW), key=_specificity))
    return enforcer


def _add_rules(enforcer: casbin.Enforcer, rules: Sequence[Rule]) -> None:
    # add_policies adds nothing (and returns False) when any line is already there.
    if rules and not enforcer.add_policies([list(rule) for rule in rules]):
        raise PolicyError("duplicate policy lines")


def _specificity(rule: Rule) -> tuple[bool, int]:
    """Exact objects first, then patterns by the length of their literal prefix."""
    return ("*" in rule.obj, -len(rule.obj))


class _RoleDecider:
    """Casbin asked about one role; only that role's lines, since the matcher needs sub == role."""

    def __init__(self, role: Role, rules: Sequence[Rule]):
        mine = [r for r in rules if r.sub == role.value]
        self.role = role
        self.decide = _decide_enforcer(mine)
        self.first_allow = _first_allow_enforcer(mine)

    def allowed(self, obj: str, act: str) -> bool:
        return bool(self.decide.enforce(self.role.value, obj, act))

    def denied_by_line(self, obj: str, act: str) -> list[str]:
        """The deny line that matched, or [] (allow-and-deny stops at and reports a deny)."""
        allowed, rule = self.decide.enforce_ex(self.role.value, obj, act)
        return [] if allowed else list(rule)

    def granting_line(self, obj: str, act: str) -> list[str]:
        _, rule = self.first_allow.enforce_ex(self.role.value, obj, act)
        return list(rule)

    def scope(self, obj: str, act: str) -> str:
        return self.granting_line(obj, act)[3]


# --- compile --------------------------------------------------------------------------------


def compile_policies(
    lines: Sequence[Sequence[str]], catalogue: Mapping[str, Iterable[str]]
) -> dict[Role, RolePolicy]:
    """Validate the lines and decide every (role, type, act) and (role, field) cell once.

    `catalogue` maps each policy-governed GraphQL type to its field names (camelCase). Types of
    DOMAIN_TYPES are always decided, listed in the catalogue or not; a field of a present type
    is present unless a deny line covers it; writes on an absent type are dropped.
    """
    rules = validate_lines(lines, catalogue)
    fields = {name: tuple(names) for name, names in catalogue.items()}
    types = tuple(dict.fromkeys([*DOMAIN_TYPES, *fields]))
    cells = set(MUTATION_ACTIONS.values())
    cells |= {(r.obj, r.act) for r in rules if r.act != READ and "*" not in r.obj}
    return {
        role: _compile_role(_RoleDecider(role, rules), types, fields, sorted(cells))
        for role in Role
    }


def _compile_role(
    decider: _RoleDecider,
    types: Sequence[str],
    fields: Mapping[str, tuple[str, ...]],
    cells: Sequence[tuple[str, str]],
) -> RolePolicy:
    read = {t: decider.scope(t, READ) for t in types if decider.allowed(t, READ)}
    hidden = {
        f"{t}.{f}"
        for t in read
        for f in fields.get(t, ())
        if decider.denied_by_line(f"{t}.{f}", READ)
    }
    hidden_types = frozenset(types) - frozenset(read)
    actions = {
        (t, act): decider.scope(t, act)
        for t, act in cells
        if t not in hidden_types and decider.allowed(t, act)
    }
    present = {t: tuple(f for f in fields.get(t, ()) if f"{t}.{f}" not in hidden) for t in read}
    return RolePolicy(
        role=decider.role,
        read=MappingProxyType(read),
        actions=MappingProxyType(actions),
        hidden_fields=frozenset(hidden),
        hidden_types=hidden_types,
        fields=MappingProxyType(present),
    )


# --- explain --------------------------------------------------------------------------------


def explain(
    policies: Mapping[Role, RolePolicy], role: Role | str, type_name: str | None = None
) -> str:
    """The role's slice as text: per type its rows, present and absent fields, and actions."""
    policy = policies[Role(role)]
    written = {t for t, _ in policy.actions}
    names = [type_name] if type_name else [*policy.read, *sorted(written - set(policy.read))]
    body = [_explain_type(policy, name) for name in names]
    if type_name is None and policy.hidden_types:
        body.append(f"absent types: {', '.join(sorted(policy.hidden_types))}")
    return "\n".join([f"{policy.role.value}", *body]) + "\n"


def _explain_type(policy: RolePolicy, type_name: str) -> str:
    if type_name in policy.hidden_types:
        return f"{type_name}: absent"
    acts = [f"{act} ({scope})" for (t, act), scope in policy.actions.items() if t == type_name]
    text = [f"{type_name}:"]
    if type_name in policy.read:
        text.append(f"  rows: {policy.read[type_name]}")
        text.append(f"  fields: {', '.join(policy.fields[type_name]) or '-'}")
        absent = sorted(f.partition(".")[2] for f in policy.hidden_fields if _of(f, type_name))
        text.append(f"  absent fields: {', '.join(absent) or '-'}")
    elif not acts:
        return f"{type_name}: no access"
    text.append(f"  actions: {', '.join(acts) or 'none (read-only)'}")
    return "\n".join(text)


def _of(field: str, type_name: str) -> bool:
    return field.partition(".")[0] == type_name


def explain_record_rule(
    lines: Sequence[Sequence[str]], role: Role | str, type_name: str, act: str
) -> str | None:
    """The policy line that decides the cell: the deny that refuses it, else the allow that
    grants it (a field with no line of its own follows its type), else None (nothing grants)."""
    decider = _RoleDecider(Role(role), validate_lines(lines))
    deny = decider.denied_by_line(type_name, act)
    if deny:
        return to_csv([["p", *deny]]).strip()
    grant = decider.granting_line(type_name, act)
    if grant:
        return to_csv([["p", *grant]]).strip()
    owner, dot, _ = type_name.partition(".")
    if dot and act == READ:
        return explain_record_rule(lines, role, owner, act)
    return None
