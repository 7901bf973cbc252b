"""The lead score as a pure function: behaviour points decayed by age, fit points, clamped to
0–100, explained by its largest contributions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.lead_scoring import (
    TOP_CONTRIBUTIONS,
    Rule,
    ScoringFitField,
    ScoringRuleKind,
    Touch,
    decayed,
    score_lead,
)

NOW = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
B, F = ScoringRuleKind.BEHAVIOUR, ScoringRuleKind.FIT
DEMO = Rule(1, "Demo requested", B, 25, interaction_kind="DEMO_REQUEST", half_life_days=14)
PAPER = Rule(2, "Content downloaded", B, 10, interaction_kind="CONTENT_DOWNLOAD", half_life_days=14)
INBOUND = Rule(3, "Inbound message", B, 5, interaction_kind="MESSAGE", direction="INBOUND")
MAKERS = Rule(4, "Manufacturing", F, 15, field=ScoringFitField.INDUSTRY, value="制造业")
OVERSEAS = Rule(5, "Overseas", F, -20, field=ScoringFitField.REGION, value="OVERSEAS")
RULES = (DEMO, PAPER, INBOUND, MAKERS, OVERSEAS)
LEAD = {"region": "EAST", "industry": "制造业", "source": "WEB_FORM"}


def touch(kind: str, days_ago: float, channel: str = "WEB", direction: str = "INBOUND") -> Touch:
    return Touch(channel, kind, direction, NOW - timedelta(days=days_ago))


def test_a_demo_request_outranks_a_white_paper() -> None:
    demo = score_lead(RULES, {}, [touch("DEMO_REQUEST", 0)], NOW)
    paper = score_lead(RULES, {}, [touch("CONTENT_DOWNLOAD", 0)], NOW)
    assert (demo.score, paper.score) == (25, 10)
    assert demo.contributions[0].reason == "Demo requested via the web, today"


def test_behaviour_points_halve_every_half_life_and_fit_points_do_not() -> None:
    fresh = score_lead(RULES, LEAD, [touch("DEMO_REQUEST", 0)], NOW)
    later = score_lead(RULES, LEAD, [touch("DEMO_REQUEST", 14)], NOW)
    much_later = score_lead(RULES, LEAD, [touch("DEMO_REQUEST", 28)], NOW)
    assert (fresh.score, later.score, much_later.score) == (40, 28, 21)  # 15 + 25, 12.5, 6.25
    assert later.contributions[1].points == 12.5
    assert later.contributions[1].reason == "Demo requested via the web, 14 days ago"
    assert decayed(25, 3, None) == 25  # no half-life: no decay


def test_direction_channel_and_industry_match_as_written() -> None:
    outbound = score_lead(RULES, {}, [touch("MESSAGE", 1, "WECHAT_WORK", "OUTBOUND")], NOW)
    inbound = score_lead(RULES, {}, [touch("MESSAGE", 1, "WECHAT_WORK", "INBOUND")], NOW)
    assert (outbound.score, inbound.score) == (0, 5)
    assert inbound.contributions[0].reason == "Inbound message via WeChat Work, 1 day ago"
    english = Rule(6, "Manufacturing", F, 15, field=ScoringFitField.INDUSTRY, value="Manufacturing")
    assert score_lead([english], {"industry": " manufacturing "}, [], NOW).score == 15
    assert score_lead([english], {"industry": None}, [], NOW).score == 0


def test_the_score_is_clamped_and_a_penalty_explains_too() -> None:
    many = [touch("DEMO_REQUEST", 0)] * 6
    assert score_lead(RULES, LEAD, many, NOW).score == 100
    abroad = score_lead(RULES, {"region": "OVERSEAS"}, [touch("CONTENT_DOWNLOAD", 0)], NOW)
    assert abroad.score == 0
    assert [c.points for c in abroad.contributions] == [-20.0, 10.0]
    assert abroad.contributions[0].reason == "Region is OVERSEAS"


def test_the_explanation_is_the_top_five_largest_first() -> None:
    touches = [touch("DEMO_REQUEST", d) for d in (0, 3, 30, 60)] + [
        touch("CONTENT_DOWNLOAD", 1),
        touch("MESSAGE", 2),
    ]
    scored = score_lead(RULES, LEAD, touches, NOW)
    points = [c.points for c in scored.contributions]
    assert len(points) == TOP_CONTRIBUTIONS
    assert points == sorted(points, reverse=True)
    assert points[0] == 25.0
    assert points[1] == round(25 * 0.5 ** (3 / 14), 1)
    assert scored.scored_at == NOW


touches = st.lists(
    st.builds(
        touch,
        st.sampled_from(["DEMO_REQUEST", "CONTENT_DOWNLOAD", "MESSAGE", "NOTE"]),
        st.floats(min_value=0, max_value=400),
        st.sampled_from(["WEB", "WECHAT_WORK"]),
        st.sampled_from(["INBOUND", "OUTBOUND"]),
    ),
    max_size=12,
)
leads = st.fixed_dictionaries(
    {
        "region": st.sampled_from(["EAST", "OVERSEAS", None]),
        "industry": st.sampled_from(["制造业", None]),
    }
)


@given(lead=leads, seen=touches)
def test_any_score_is_0_to_100_with_at_most_five_reasons_in_order(
    lead: dict[str, str | None], seen: list[Touch]
) -> None:
    scored = score_lead(RULES, lead, seen, NOW)
    assert 0 <= scored.score <= 100
    sizes = [abs(c.points) for c in scored.contributions]
    assert len(sizes) <= TOP_CONTRIBUTIONS
    assert sizes == sorted(sizes, reverse=True)


@given(lead=leads, seen=touches, days=st.floats(min_value=0, max_value=400))
def test_a_new_demo_request_never_lowers_the_score(
    lead: dict[str, str | None], seen: list[Touch], days: float
) -> None:
    before = score_lead(RULES, lead, seen, NOW).score
    after = score_lead(RULES, lead, [*seen, touch("DEMO_REQUEST", days)], NOW).score
    assert after >= before
