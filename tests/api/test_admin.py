"""Admins explain slices and change the policy over the API; nobody else sees those fields."""

from __future__ import annotations

from schema.ids import encode_id
from tests import factories as f
from tests.conftest import Api

EXPLAIN = """query($user: ID, $record: ID) {
  explainAccess(userId: $user, typeName: "Customer", recordId: $record) {
    role text rule recordVisible } }"""


async def test_admin_explains_one_users_access_to_one_record(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    rep = await f.user(api.engine, "SALES_REP", external_id="rep")
    mine = await f.customer(api.engine, owner_id=rep)
    other = await f.customer(api.engine)
    seen = await api.query(
        EXPLAIN,
        {"user": encode_id("User", rep), "record": encode_id("Customer", mine)},
        sub="admin",
    )
    explanation = seen["data"]["explainAccess"]  # type: ignore[index]
    assert explanation["role"] == "SALES_REP"
    assert explanation["rule"] == "p, SALES_REP, Customer, read, own, allow"
    assert explanation["recordVisible"] is True
    assert "creditLimit" in explanation["text"]
    unseen = await api.query(
        EXPLAIN,
        {"user": encode_id("User", rep), "record": encode_id("Customer", other)},
        sub="admin",
    )
    assert unseen["data"]["explainAccess"]["recordVisible"] is False  # type: ignore[index]


async def test_only_admins_have_policy_administration(api: Api) -> None:
    await f.user(api.engine, "SALES_MANAGER", external_id="manager")
    body = await api.query("{ explainAccess(role: ADMIN) { text } }", sub="manager")
    assert body["errors"][0]["message"] == (  # type: ignore[index]
        "Cannot query field 'explainAccess' on type 'Query'."
    )


async def test_bad_policy_is_refused_and_changes_nothing(api: Api) -> None:
    await f.user(api.engine, "ADMIN", external_id="admin")
    body = await api.query(
        """mutation($csv: String!) { updatePolicy(input: {csv: $csv}) {
            lineCount userErrors { field message code } } }""",
        {"csv": "p, SALES_REP, Customer, read, onw, allow"},
        sub="admin",
    )
    result = body["data"]["updatePolicy"]  # type: ignore[index]
    assert result["lineCount"] is None
    assert result["userErrors"][0]["code"] == "BAD_USER_INPUT"
    assert "unknown scope 'onw'" in result["userErrors"][0]["message"]
