"""The notary transition table, pair by pair: every action from every state is allowed exactly when
the hand-written lifecycle says so, lands where it says, and writes one event; the docs page is
the generated one."""

from __future__ import annotations

from pathlib import Path

import pytest

from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import definition_for, mermaid_diagram, transition
from banshi.cases.workflow.docs import definition_markdown
from banshi.core.errors import Conflict
from banshi.notary.enums import NtState
from banshi.orgs.enums import Role
from tests.factories import World
from tests.notary.support import NotaryUnits, at, book, slot

# 公证法 arts. 27–31 and the booking, as a lifecycle written out independently of the definition.
MOVES = {
    ("nt_booked", "nt_cancel", "nt_cancelled"),
    ("nt_booked", "nt_no_show", "nt_missed"),
    ("nt_booked", "nt_accept", "nt_review"),
    ("nt_review", "nt_docs_request", "nt_docs"),
    ("nt_docs", "nt_docs_received", "nt_review"),
    ("nt_review", "nt_issue", "nt_issued"),
    ("nt_review", "nt_refuse", "nt_refused"),
    ("nt_docs", "nt_refuse", "nt_refused"),
    ("nt_review", "nt_terminate", "nt_ended"),
    ("nt_docs", "nt_terminate", "nt_ended"),
}
OPEN = {"nt_booked", "nt_review", "nt_docs"}
DECIDED = {"nt_issued", "nt_refused", "nt_ended"}
LOOPS = {
    "supervise": OPEN, "escalate": OPEN, "supervise_answer": OPEN, "comment": OPEN | DECIDED, "attach": OPEN | DECIDED,
    "sla_warning": OPEN, "sla_breach": OPEN,
}
MEASURES = {"nt_book": {"booked"}, "nt_accept": {"applied"}, "nt_issue": {"issued"}, "nt_refuse": {"refused"},
            "supervise": {"supervised"}, "escalate": {"escalated"}, "sla_warning": {"warned"},
            "sla_breach": {"breached"}}


def test_the_table_is_the_specified_lifecycle() -> None:
    d = definition_for("notary")
    assert {(s, r.action, r.target) for r in d.rules if r.target for s in r.sources} == MOVES
    assert {r.action: set(r.sources) for r in d.rules if r.target is None} == LOOPS
    assert {r.action: set(r.measures) for r in (d.register, *d.rules) if r.measures} == MEASURES
    assert d.register.action == "nt_book" and d.initial == "nt_booked"
    assert {d.initial} | {t for _, _, t in MOVES} == set(d.states.values), "every state is reachable"
    assert all(s.startswith("nt_") for s in d.states.values)
    assert d.terminal_states == {"nt_cancelled", "nt_missed"}
    assert d.closed_states == d.terminal_states | DECIDED
    for state in d.terminal_states:
        assert [r.action for r in d.rules if state in r.sources] == []
    for state in DECIDED:  # decided: only notes and attachments
        assert {r.action for r in d.rules if state in r.sources} == {"comment", "attach"}
    diagram = mermaid_diagram("notary")
    for src, action, dst in MOVES:
        assert f"{src} --> {dst}: {action}" in diagram
    # The policy `notarization` names exactly these actions (banshi check verifies it too).
    assert {"nt_accept", "nt_issue", "nt_refuse", "nt_terminate"} <= d.actions()
    assert d.table["nt_docs_request"].clock.pauses and d.table["nt_docs_received"].clock.resumes


def test_the_docs_page_is_generated() -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "workflows" / "notary.md"
    assert page.read_text(encoding="utf-8") == definition_markdown(definition_for("notary")), "run `banshi workflow docs`"


def _actor(nt: NotaryUnits, world: World, role: str):  # type: ignore[no-untyped-def]
    return {Role.HANDLER: nt.handler, Role.LEADER: nt.leader, Role.OPERATOR: nt.operator,
            Role.SUPERVISOR: world.supervisor}.get(role)


PAIRS = [(state, rule.action) for state in NtState.values for rule in definition_for("notary").rules]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_each_state_action_pair(world: World, nt: NotaryUnits, state: str, action: str) -> None:
    s = slot(nt, at(2026, 11, 2, 9))
    case = Case.objects.get(pk=book(s).case_id)
    Case.objects.filter(pk=case.pk).update(state=state)  # set-up only: the engine is what is tested
    rule = definition_for("notary").table[action]
    actors = [a for a in (_actor(nt, world, role) for role, _ in rule.who) if a is not None]
    actor = actors[0] if actors else None
    before = CaseEvent.objects.filter(case=case).count()
    if state in rule.sources:
        done = transition(case.pk, action, actor=actor, reason="测试理由")
        assert done.state == (rule.target or state)
        ev = CaseEvent.objects.filter(case=case).order_by("-id").first()
        assert ev is not None and (ev.action, ev.from_state, ev.to_state) == (action, state, done.state)
        assert ev.unit_id == nt.office.pk
    else:
        with pytest.raises(Conflict):
            transition(case.pk, action, actor=actor, reason="测试理由")
        assert CaseEvent.objects.filter(case=case).count() == before
