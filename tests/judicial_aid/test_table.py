"""The 国家司法救助 transition table, pair by pair: every action from every state is allowed exactly
when the hand-written lifecycle says so, lands where it says, and writes one event; the docs page
is the generated one; the deadline policy names this definition's actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from banshi.cases.domain.matters import referral_kinds
from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import all_actions, definition_for, mermaid_diagram, transition
from banshi.cases.workflow.docs import definition_markdown
from banshi.core.errors import Conflict
from banshi.judicial_aid.domain import ja_open
from banshi.judicial_aid.enums import JaState
from banshi.judicial_aid.inputs import JaApplyIn
from banshi.orgs.enums import Role
from banshi.sla.policies import DEFAULT_POLICIES
from tests.factories import World
from tests.judicial_aid.conftest import JaUnits

# The lifecycle, written out independently of the definition.
MOVES = {
    ("ja_review", "ja_docs_request", "ja_docs"),
    ("ja_docs", "ja_docs_received", "ja_review"),
    ("ja_review", "ja_grant", "ja_granted"),
    ("ja_review", "ja_refuse", "ja_refused"),
    ("ja_review", "ja_withdraw", "ja_withdrawn"),
    ("ja_docs", "ja_withdraw", "ja_withdrawn"),
    ("ja_granted", "ja_complete", "ja_paid"),
    ("ja_paid", "ja_close", "ja_closed"),
    ("ja_refused", "ja_close", "ja_closed"),
}
OPEN = {"ja_review", "ja_docs", "ja_granted"}
LOOPS = {
    "ja_pay": {"ja_granted"},
    "supervise": OPEN, "escalate": OPEN, "supervise_answer": OPEN,
    "comment": OPEN | {"ja_paid", "ja_refused"}, "attach": OPEN | {"ja_paid", "ja_refused"},
    "sla_warning": OPEN, "sla_breach": OPEN,
}
MEASURES = {"ja_apply": {"applied"}, "ja_grant": {"granted"}, "ja_refuse": {"refused"}, "ja_pay": {"paid"},
            "supervise": {"supervised"}, "escalate": {"escalated"}, "sla_warning": {"warned"},
            "sla_breach": {"breached"}}


def test_the_table_is_the_specified_lifecycle() -> None:
    d = definition_for("judicial_aid")
    assert {(s, r.action, r.target) for r in d.rules if r.target for s in r.sources} == MOVES
    assert {r.action: set(r.sources) for r in d.rules if r.target is None} == LOOPS
    assert {r.action: set(r.measures) for r in (d.register, *d.rules) if r.measures} == MEASURES
    assert d.initial == "ja_review" and d.register.action == "ja_apply"
    assert {d.initial} | {t for _, _, t in MOVES} == set(d.states.values), "every state is reachable"
    for state in d.terminal_states:
        assert [r.action for r in d.rules if state in r.sources] == []
    diagram = mermaid_diagram("judicial_aid")
    for src, action, dst in MOVES:
        assert f"{src} --> {dst}: {action}" in diagram
    assert d.table["ja_complete"].who == () and d.table["ja_complete"].system  # only ja_pay runs it
    assert d.state_label("ja_docs") == "待补充材料" and d.state_label("ja_paid") == "已发放完毕"


def test_the_policy_names_this_definitions_actions() -> None:
    policy = next(p for p in DEFAULT_POLICIES if p["code"] == "judicial_aid")
    named = {a for m in policy["milestones"] for key in ("start", "met_by") for a in m[key]}
    assert named <= all_actions() and named <= definition_for("judicial_aid").actions()
    assert "judicial_aid" in referral_kinds()


def test_the_docs_page_is_generated() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "workflows" / "judicial_aid.md"
    assert page.read_text(encoding="utf-8") == definition_markdown(definition_for("judicial_aid")), \
        "run `banshi workflow docs`"


def _actor(ja: JaUnits, world: World, role: str):  # type: ignore[no-untyped-def]
    return {Role.HANDLER: ja.court_handler, Role.LEADER: ja.court_leader, Role.SUPERVISOR: world.supervisor,
            Role.OPERATOR: None}.get(role)


PAIRS = [(state, rule.action) for state in JaState.values for rule in definition_for("judicial_aid").rules]


@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_each_state_action_pair(world: World, ja: JaUnits, state: str, action: str) -> None:
    case = ja_open(JaApplyIn(unit_id=ja.court.pk, applicant_name="王五", applicant_phone="13900001111",
                             situation="victim_injury", circumstances="被打致重伤，无法获得赔偿，生活困难。"),
                   actor=ja.court_handler)
    Case.objects.filter(pk=case.pk).update(state=state)  # set-up only: the engine is what is tested
    rule = definition_for("judicial_aid").table[action]
    actors = [a for a in (_actor(ja, world, role) for role, _ in rule.who) if a is not None]
    actor = actors[0] if actors else None
    before = CaseEvent.objects.filter(case=case).count()
    if state in rule.sources:
        done = transition(case.pk, action, actor=actor, reason="测试理由")
        assert done.state == (rule.target or state)
        ev = CaseEvent.objects.filter(case=case).order_by("-id").first()
        assert ev is not None and (ev.action, ev.from_state, ev.to_state) == (action, state, done.state)
        assert ev.unit_id == ja.court.pk  # counted toward the deciding unit
    else:
        with pytest.raises(Conflict):
            transition(case.pk, action, actor=actor, reason="测试理由")
        assert CaseEvent.objects.filter(case=case).count() == before
