"""Fixed sign-in identities for demos and tests: one user per role with a known token `sub`.

The seed guarantees each persona owns a believable slice (the rep owns customers, the manager's
team owns customers, the partner user's dealer has customers, the technician has visits today),
so `prism token --sub demo-rep` gives a demo that shows something.
"""

from __future__ import annotations

from domain.enums import Role

DEMO_PERSONAS: dict[Role, str] = {
    Role.ADMIN: "demo-admin",
    Role.SALES_MANAGER: "demo-manager",
    Role.SALES_REP: "demo-rep",
    Role.PARTNER_USER: "demo-partner",
    Role.TECHNICIAN: "demo-technician",
    Role.SERVICE_AGENT: "demo-agent",
    Role.ANALYST: "demo-analyst",
}

PERSONA_NAMES: dict[Role, str] = {
    Role.ADMIN: "Demo Admin 管理员",
    Role.SALES_MANAGER: "王磊 (Demo Manager)",
    Role.SALES_REP: "李娜 (Demo Rep)",
    Role.PARTNER_USER: "陈杰 (Demo Partner)",
    Role.TECHNICIAN: "赵强 (Demo Technician)",
    Role.SERVICE_AGENT: "刘芳 (Demo Agent)",
    Role.ANALYST: "周敏 (Demo Analyst)",
}
