"""An absent field must not leak through the filters either.

If a role may not read `Contact.phone`, a `search` that matches phone numbers would hand it the
numbers one guess at a time; if it may not read `User.manager`, a `managerId` filter would tell
it who manages whom. Either the filter is absent too (a validation error, like any unknown
input field), or it must not match on the hidden value.
"""

from __future__ import annotations

from typing import Any

import pytest

from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api


def refused_or_empty(body: dict[str, Any], field: str) -> bool:
    assert "did you mean" not in str(body).lower()
    if "errors" in body:
        return all(e["extensions"]["code"] == "BAD_USER_INPUT" for e in body["errors"])
    return body["data"][field]["totalCount"] == 0


@pytest.mark.parametrize("hidden_value", ["13900139000", "0139", "secret-mail@example.cn"])
async def test_an_analyst_cannot_search_contacts_by_phone_or_email(
    api: Api, hidden_value: str
) -> None:
    await f.user(api.engine, "ANALYST", external_id="analyst")
    customer = await f.customer(api.engine)
    await f.contact(
        api.engine, customer, name="张伟", phone="13900139000", email="secret-mail@example.cn"
    )
    query = "query($q: String) { contacts(filter: {search: $q}) { totalCount } }"
    body = await api.query(query, {"q": hidden_value}, sub="analyst")
    assert refused_or_empty(body, "contacts"), body


async def test_an_analyst_cannot_search_leads_by_contact_name(api: Api) -> None:
    await f.user(api.engine, "ANALYST", external_id="analyst")
    await f.lead(api.engine, company_name="远景能源", contact_name="李秘书")
    query = "query($q: String) { leads(filter: {search: $q}) { totalCount } }"
    body = await api.query(query, {"q": "李秘书"}, sub="analyst")
    assert refused_or_empty(body, "leads"), body


async def test_a_partner_user_cannot_filter_users_by_their_hidden_manager(api: Api) -> None:
    partner = await f.partner(api.engine)
    manager = await f.user(api.engine, "SALES_MANAGER")
    await f.user(api.engine, "PARTNER_USER", external_id="pu", partner_id=partner)
    await f.user(api.engine, "TECHNICIAN", partner_id=partner, manager_id=manager)
    query = "query($m: ID) { users(filter: {managerId: $m}) { totalCount } }"
    body = await api.query(query, {"m": encode_id("User", manager)}, sub="pu")
    assert refused_or_empty(body, "users"), body


async def test_roles_that_see_the_field_keep_the_filter(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    customer = await f.customer(api.engine)
    await f.contact(api.engine, customer, phone="13900139000")
    query = '{ contacts(filter: {search: "13900139000"}) { totalCount } }'
    assert await api.query(query, sub="admin") == {"data": {"contacts": {"totalCount": 1}}}


async def test_an_analyst_still_searches_contacts_by_name(api: Api) -> None:
    await f.user(api.engine, "ANALYST", external_id="analyst")
    customer = await f.customer(api.engine)
    await f.contact(api.engine, customer, name="张伟", phone="13900139000")
    query = '{ contacts(filter: {search: "张伟"}) { totalCount } }'
    assert await api.query(query, sub="analyst") == {"data": {"contacts": {"totalCount": 1}}}
