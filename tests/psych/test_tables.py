"""The psych and crisis transition tables, pair by pair: every action from every state is allowed
exactly when the lifecycle written out here says so, lands where it says, and writes one event;
the docs pages are the generated ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import definition_for, mermaid_diagram, transition
from banshi.cases.workflow.docs import definition_markdown
from banshi.core.errors import Conflict
from banshi.orgs.enums import Role
from banshi.psych.appointments import psych_request
from banshi.psych.crisis import crisis_open
from banshi.psych.enums import CrState, PsState
from banshi.psych.inputs import PsRequestIn
from tests.factories import World
from tests.psych.conftest import PsychWorld

PS_MOVES = {
    ("ps_requested", "ps_schedule", "ps_scheduled"),
    ("ps_scheduled", "ps_session", "ps_counselling"),
    ("ps_counselling", "ps_session", "ps_counselling"),
    ("ps_requested", "ps_refer", "ps_referred"),
    ("ps_scheduled", "ps_refer", "ps_referred"),
    ("ps_counselling", "ps_refer", "ps_referred"),
    ("ps_requested", "ps_cancel", "ps_cancelled"),
    ("ps_scheduled", "ps_cancel", "ps_cancelled"),
    ("ps_counselling", "ps_close", "ps_closed"),
}
PS_OPEN = {"ps_requested", "ps_scheduled", "ps_counselling"}
PS_LOOPS = {
    "ps_reschedule": {"ps_scheduled", "ps_counselling"}, "ps_crisis": {"ps_scheduled", "ps_counselling"},
    "supervise": PS_OPEN, "escalate": PS_OPEN, "supervise_answer": PS_OPEN, "comment": PS_OPEN, "attach": PS_OPEN,
    "sla_warning": PS_OPEN, "sla_breach": PS_OPEN,
}
CR_MOVES = {
    ("cr_new", "cr_contact", "cr_contacted"),
    ("cr_new", "cr_handover", "cr_handed_over"),
    ("cr_contacted", "cr_handover", "cr_handed_over"),
    ("cr_contacted", "cr_close", "cr_closed"),
    ("cr_handed_over", "cr_close", "cr_closed"),
    ("cr_new", "cr_dismiss", "cr_dismissed"),
    ("cr_contacted", "cr_dismiss", "cr_dismissed"),
}
CR_OPEN = {"cr_new", "cr_contacted", "cr_handed_over"}
CR_LOOPS = {
    "cr_intervene": {"cr_contacted", "cr_handed_over"},
    "supervise": CR_OPEN, "escalate": CR_OPEN, "supervise_answer": CR_OPEN, "comment": CR_OPEN, "attach": CR_OPEN,
    "sla_warning": CR_OPEN, "sla_breach": CR_OPEN,
}
MEASURES = {
    "psych": {"ps_request": {"applied"}, "ps_schedule": {"booked"}, "ps_session": {"counselled"},
              "ps_refer": {"referred"}, "supervise": {"supervised"}, "escalate": {"escalated"},
              "sla_warning": {"warned"}, "sla_breach": {"breached"}},
    "crisis": {"cr_contact": {"intervened"}, "supervise": {"supervised"}, "escalate": {"escalated"},
               "sla_warning": {"warned"}, "sla_breach": {"breached"}},
}
SPEC = {"psych": (PS_MOVES, PS_LOOPS), "crisis": (CR_MOVES, CR_LOOPS)}


@pytest.mark.parametrize("kind", ["psych", "crisis"])
def test_the_table_is_the_specified_lifecycle(kind: str) -> None:
    moves, loops = SPEC[kind]
    d = definition_for(kind)
    assert {(s, r.action, r.target) for r in d.rules if r.target for s in r.sources} == moves
    assert {r.action: set(r.sources) for r in d.rules if r.target is None} == loops
    assert {r.action: set(r.measures) for r in (d.register, *d.rules) if r.measures} == MEASURES[kind]
    assert {d.initial} | {t for _, _, t in moves} == set(d.states.values), "every state is reachable"
    for state in d.terminal_states:
        assert [r.action for r in d.rules if state in r.sources] == []
    diagram = mermaid_diagram(kind)
    for src, action, dst in moves:
        assert f"{src} --> {dst}: {action}" in diagram
    assert all(s.startswith("ps_" if kind == "psych" else "cr_") for s in d.states.values)
    assert all(len(s) <= 16 for s in d.states.values), "fits Case.state"


def test_the_deadline_policies_name_these_actions() -> None:
    assert definition_for("psych").register.action == "ps_request"
    assert definition_for("crisis").register.action == "cr_open"
    assert {"ps_schedule", "ps_refer", "ps_cancel"} <= definition_for("psych").actions()
    assert {"cr_contact", "cr_handover"} <= definition_for("crisis").actions()
    assert not any(r.notice for r in (definition_for("crisis").register, *definition_for("crisis").rules)), \
        "no SMS to a person in crisis"
    assert not any(r.citizen_label for r in definition_for("crisis").rules)


@pytest.mark.parametrize("kind", ["psych", "crisis"])
def test_the_docs_page_is_generated(kind: str) -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "workflows" / f"{kind}.md"
    assert page.read_text(encoding="utf-8") == definition_markdown(definition_for(kind)), "run `banshi workflow docs`"


def _matter(kind: str, pw: PsychWorld) -> Case:
    if kind == "psych":
        return psych_request(PsRequestIn(station_id=pw.town_station.pk, citizen_name="小林", citizen_phone="13900001111"),
                             actor=pw.counsellor)
    return crisis_open(pw.town_station, actor=pw.counsellor, source="manual", content="来电称情绪低落。")


def _actor(world: World, pw: PsychWorld, role: str):  # type: ignore[no-untyped-def]
    return {Role.HANDLER: pw.counsellor, Role.LEADER: pw.head, Role.SUPERVISOR: world.supervisor,
            Role.DISPATCHER: world.dispatcher, Role.OPERATOR: world.operator}.get(role)


PAIRS = [(kind, state, rule.action) for kind, states in (("psych", PsState), ("crisis", CrState))
         for state in states.values for rule in definition_for(kind).rules]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "state", "action"), PAIRS)
def test_each_state_action_pair(world: World, pw: PsychWorld, kind: str, state: str, action: str) -> None:
    case = _matter(kind, pw)
    Case.objects.filter(pk=case.pk).update(state=state)  # set-up only: the engine is what is tested
    rule = definition_for(kind).table[action]
    actors = [a for a in (_actor(world, pw, role) for role, _ in rule.who) if a is not None]
    actor = actors[0] if actors else None
    before = CaseEvent.objects.filter(case=case).count()
    if state in rule.sources:
        done = transition(case.pk, action, actor=actor, reason="测试理由")
        assert done.state == (rule.target or state)
        ev = CaseEvent.objects.filter(case=case).order_by("-id").first()
        assert ev is not None and (ev.action, ev.from_state, ev.to_state) == (action, state, done.state)
        assert ev.unit_id == pw.centre.pk
    else:
        with pytest.raises(Conflict):
            transition(case.pk, action, actor=actor, reason="测试理由")
        assert CaseEvent.objects.filter(case=case).count() == before
