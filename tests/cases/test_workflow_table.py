"""The transition table, pair by pair: every action from every state is allowed exactly when the
table says so, lands in the state the table names, and writes one audit event."""

from __future__ import annotations

import pytest

from banshi.cases.enums import State
from banshi.cases.models import Case, CaseEvent, CaseUnit
from banshi.cases.workflow import (
    DEMAND,
    RULES,
    TABLE,
    Scope,
    allowed_actions,
    allowed_pairs,
    mermaid_diagram,
    transition,
)
from banshi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from banshi.orgs.enums import Role
from tests.factories import World, case_new

# The lifecycle as specified (issue 2), written out independently of the table: every
# state-changing (from, action, to). Self-loop actions are checked separately below.
EXPECTED_MOVES = {
    ("registered", "dispatch", "dispatched"),
    ("returned", "dispatch", "dispatched"),
    ("registered", "answer", "replied"),
    ("dispatched", "sign", "handling"),
    ("dispatched", "return", "returned"),
    ("handling", "return", "returned"),
    ("dispatched", "transfer", "dispatched"),
    ("handling", "transfer", "dispatched"),
    ("handling", "reply_submit", "reply_review"),
    ("reply_review", "reply_approve", "replied"),
    ("reply_review", "reply_reject", "handling"),
    ("replied", "follow_up", "followed_up"),
    ("followed_up", "reopen", "handling"),
    ("followed_up", "reopen_dispatch", "registered"),
    ("followed_up", "archive", "archived"),
    ("registered", "withdraw", "withdrawn"),
    ("returned", "withdraw", "withdrawn"),
    ("dispatched", "withdraw", "withdrawn"),
    ("handling", "withdraw", "withdrawn"),
    ("reply_review", "withdraw", "withdrawn"),
    ("registered", "merge", "merged"),
    ("returned", "merge", "merged"),
    ("dispatched", "merge", "merged"),
    ("registered", "invalidate", "invalid"),
    ("returned", "invalidate", "invalid"),
}


# The actions that leave the state as it is, and the states each may run in, written out by hand
# as well: a new action (or a changed source set) must be added here on purpose.
OPEN = {"registered", "returned", "dispatched", "handling", "reply_review"}
NOTES = OPEN | {"replied", "followed_up"}
EXPECTED_SELF_LOOPS: dict[str, set[str]] = {
    "return_request": {"dispatched", "handling"},
    "return_reject": {"dispatched", "handling"},
    "assign": {"dispatched", "handling"},
    "co_add": {"handling"},
    "co_report": {"handling", "reply_review"},
    "extend_request": {"handling"},
    "extend_approve": {"handling"},
    "extend_reject": {"handling"},
    "request_documents": {"handling"},
    "documents_received": {"handling"},
    "procedural_reply": {"dispatched", "handling"},
    "progress_reply": {"handling"},
    "supervise": OPEN,
    "escalate": OPEN,  # 升级督办: supervisors, on every open case
    "supervise_answer": OPEN,
    "mark_urgent": {"registered", "returned", "dispatched", "handling"},
    "refer": OPEN,  # 转法律援助/人民调解: opens a matter of another kind; the demand goes on
    "link": NOTES,
    "attach": NOTES,
    "comment": NOTES,
    "sla_warning": NOTES,  # the deadline sweep records through the workflow (system only)
    "sla_breach": NOTES,
}
# Who may run the supervision actions (role, scope), by hand.
EXPECTED_WHO = {
    "supervise": {("supervisor", "region")},
    "escalate": {("supervisor", "region")},
    "supervise_answer": {("leader", "lead"), ("handler", "lead"), ("dispatcher", "intake")},
}


# What each action does to the clock and which measures it counts, written out by hand.
EXPECTED_CLOCK = {
    "answer": ["完成全部时限"],  # an on-the-spot answer closes every open milestone
    "return": ["取消由dispatch开始的时限"],
    "transfer": ["重新计时"],
    "request_documents": ["暂停计时"],
    "documents_received": ["恢复计时"],
    "reopen": ["重办重新计时"],
    "reopen_dispatch": ["重办重新计时"],
}
EXPECTED_MEASURES = {
    "dispatch": {"dispatched"}, "transfer": {"dispatched"}, "answer": {"responded", "resolved"}, "sign": {"responded"},
    "return": {"returned"}, "extend_approve": {"extended"}, "supervise": {"supervised"},
    "escalate": {"escalated"}, "reply_approve": {"resolved"}, "follow_up": {"rated"},
    "reopen": {"reopened"}, "reopen_dispatch": {"reopened"}, "withdraw": {"withdrawn"}, "refer": {"referred"},
    "sla_warning": {"warned"}, "sla_breach": {"breached"},
}


def test_clock_effects_match_the_specification() -> None:
    assert {r.action: r.clock.describe() for r in RULES if r.clock.describe()} == EXPECTED_CLOCK
    assert DEMAND.register.clock.from_receipt


def test_measures_match_the_specification() -> None:
    assert {r.action: set(r.measures) for r in RULES if r.measures} == EXPECTED_MEASURES
    assert DEMAND.register.measures == {"received"}


def test_a_broken_definition_is_refused() -> None:
    from banshi.cases.workflow import Definition
    from banshi.cases.workflow.engine import rule_make

    bad = rule_make("x", "某操作", {"nowhere"}, State.REGISTERED, (Role.OPERATOR, Scope.INTAKE), measures={"nonsense"})
    with pytest.raises(ValueError, match=r"unknown measures"):
        Definition(kind="bad", label="坏", states=State, initial=State.REGISTERED, rules=(bad,),
                   open_states=frozenset(), terminal_states=frozenset(), closed_states=frozenset(),
                   answered_states=frozenset(), register=DEMAND.register)


def test_table_self_loops_match_the_specification() -> None:
    loops = {r.action: set(r.sources) for r in RULES if r.target is None}
    assert loops == EXPECTED_SELF_LOOPS


def test_supervision_actions_belong_to_the_specified_roles() -> None:
    for action, who in EXPECTED_WHO.items():
        assert {(role, str(scope)) for role, scope in TABLE[action].who} == who
    # The sweep escalates a notice whose deadline passed without a staff actor; issuing one needs a person.
    assert TABLE["escalate"].system and not TABLE["supervise"].system
    assert TABLE["escalate"].needs_reason


def test_table_moves_match_the_specified_lifecycle() -> None:
    moves = {(src, r.action, r.target) for r in RULES if r.target for src in r.sources}
    assert moves == EXPECTED_MOVES


def test_terminal_states_have_no_way_out() -> None:
    for state in (State.ARCHIVED, State.WITHDRAWN, State.MERGED, State.INVALID):
        assert [r.action for r in RULES if state in r.sources] == []


def test_every_state_is_reachable() -> None:
    reached = {State.REGISTERED.value} | {t for _, t in allowed_pairs()}
    assert reached == set(State.values)


def test_diagram_is_generated_from_the_table() -> None:
    diagram = mermaid_diagram()
    for src, action, dst in EXPECTED_MOVES:
        assert f"{src} --> {dst}: {action}" in diagram


def _actor_for(world: World, role: str, scope: Scope):
    if scope is Scope.CO:
        return world.justice_handler if role == Role.HANDLER else None
    return {
        Role.OPERATOR: world.operator, Role.DISPATCHER: world.dispatcher, Role.HANDLER: world.handler,
        Role.LEADER: world.leader, Role.SUPERVISOR: world.supervisor,
    }[role]


CASES = [(state, rule.action) for state in State.values for rule in RULES]


@pytest.mark.parametrize(("state", "action"), CASES)
def test_each_state_action_pair(world: World, state: str, action: str) -> None:
    case = case_new(world)
    # Test set-up only: place the case in the state under test (the workflow is what is tested).
    Case.objects.filter(pk=case.pk).update(state=state, lead_unit=world.station)
    CaseUnit.objects.create(case=case, unit=world.justice_office)
    rule = TABLE[action]
    actor = _actor_for(world, *rule.who[0]) if rule.who else None  # system-only rules run without a person
    before = CaseEvent.objects.filter(case=case).count()
    if state in rule.sources:
        done = transition(case.pk, action, actor=actor, reason="测试理由")
        assert done.state == (rule.target or state)
        ev = CaseEvent.objects.filter(case=case).order_by("-id").first()
        assert ev is not None and (ev.action, ev.from_state, ev.to_state) == (action, state, done.state)
        assert ev.actor_id == (actor.pk if actor else None)
        assert done.version == (1 if rule.passive else 2)  # the sweep's notes keep a client's version valid
    else:
        with pytest.raises(Conflict):
            transition(case.pk, action, actor=actor, reason="测试理由")
        assert Case.objects.get(pk=case.pk).state == state
        assert CaseEvent.objects.filter(case=case).count() == before


@pytest.mark.parametrize("action", [r.action for r in RULES])
def test_roles_outside_the_rule_are_refused(world: World, action: str) -> None:
    rule = TABLE[action]
    state = sorted(rule.sources)[0]
    case = case_new(world)
    Case.objects.filter(pk=case.pk).update(state=state, lead_unit=world.station)
    allowed_roles = {r for r, _ in rule.who}
    outsiders = [p for p in (world.operator, world.dispatcher, world.handler, world.leader, world.supervisor)
                 if p.role not in allowed_roles]
    for person in outsiders:
        with pytest.raises(PermissionDenied):
            transition(case.pk, action, actor=person, reason="测试理由")
    assert Case.objects.get(pk=case.pk).state == state


def test_reason_is_required_where_the_table_says(world: World) -> None:
    case = case_new(world)
    Case.objects.filter(pk=case.pk).update(state=State.DISPATCHED, lead_unit=world.station)
    with pytest.raises(InvalidInput):
        transition(case.pk, "return", actor=world.leader, reason="  ")


def test_invisible_case_is_not_found(world: World) -> None:
    case = case_new(world)
    Case.objects.filter(pk=case.pk).update(state=State.DISPATCHED, lead_unit=world.station)
    with pytest.raises(NotFound):
        transition(case.pk, "sign", actor=world.other_handler)
    with pytest.raises(NotFound):
        transition(case.pk, "sign", actor=world.admin)


def test_staff_only_actions_need_an_actor(world: World) -> None:
    case = case_new(world)
    Case.objects.filter(pk=case.pk).update(state=State.DISPATCHED, lead_unit=world.station)
    with pytest.raises(PermissionDenied):
        transition(case.pk, "sign", actor=None)


def test_allowed_actions_follow_state_and_person(world: World) -> None:
    case = case_new(world)
    Case.objects.filter(pk=case.pk).update(state=State.DISPATCHED, lead_unit=world.station)
    case.refresh_from_db()
    assert {r.action for r in allowed_actions(case, world.handler)} == {
        "sign", "return_request", "procedural_reply", "supervise_answer", "link", "attach", "comment", "refer",
    }
    assert "sign" not in {r.action for r in allowed_actions(case, world.handler2)}
    assert "return" in {r.action for r in allowed_actions(case, world.leader)}


def test_the_docs_page_is_generated_from_the_definition() -> None:
    from pathlib import Path

    from banshi.cases.workflow.docs import definition_markdown

    page = Path(__file__).resolve().parents[2] / "docs" / "workflows" / "demand.md"
    assert page.read_text(encoding="utf-8") == definition_markdown(DEMAND), "run `banshi workflow docs`"


def test_every_rule_a_person_runs_has_one_registry_entry() -> None:
    from banshi.cases.actions import actions_for, api_endpoints
    from banshi.cases.workflow.demand import ACTIONS, SYSTEM_RULES

    assert {r.action for r in RULES if r.who} == {a.name for a in actions_for("demand")}
    assert all(not r.who for r in SYSTEM_RULES)
    assert [a.rule for a in ACTIONS] + list(SYSTEM_RULES) == list(RULES)
    # Entries sharing an API path share their function and input (the body decides).
    by_path: dict[str, set[object]] = {}
    for a in ACTIONS:
        if a.path:
            by_path.setdefault(a.path, set()).add((a.run, a.input))
    assert all(len(v) == 1 for v in by_path.values())
    assert len(api_endpoints("demand")) == len(by_path) == 30


def test_entries_sharing_a_path_with_other_functions_are_refused() -> None:
    from banshi.cases import actions as reg
    from banshi.cases.domain import lifecycle as life
    from banshi.cases.inputs import TextIn

    one = reg.act("x1", "甲", {State.HANDLING}, None, (Role.HANDLER, Scope.LEAD), run=life.case_comment, input=TextIn,
                  api=("same", "s"))
    two = reg.act("x2", "乙", {State.HANDLING}, None, (Role.HANDLER, Scope.LEAD), run=life.case_co_report,
                  input=TextIn, api=("same", "s"))
    with pytest.raises(ValueError, match="share the API path"):
        reg.actions_register("test_kind", [one, two])
