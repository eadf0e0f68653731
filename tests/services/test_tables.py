"""The legal-aid and mediation transition tables, pair by pair: every action from every state is
allowed exactly when the hand-written lifecycle says so, lands where it says, and writes one event."""

from __future__ import annotations

from pathlib import Path

import pytest

from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import definition_for, mermaid_diagram, transition
from banshi.cases.workflow.docs import definition_markdown
from banshi.core.errors import Conflict
from banshi.orgs.enums import Role
from banshi.services.enums import AidState, MedState
from banshi.services.inputs import AidApplyIn, MedOpenIn
from banshi.services.legal_aid import aid_open
from banshi.services.mediation import mediation_open
from tests.factories import ServiceUnits, World

# 法律援助法 arts. 41–49 as a lifecycle, written out independently of the definition.
AID_MOVES = {
    ("aid_review", "aid_docs_request", "aid_docs"),
    ("aid_docs", "aid_docs_received", "aid_review"),
    ("aid_docs", "aid_lapse", "aid_withdrawn"),
    ("aid_review", "aid_grant", "aid_granted"),
    ("aid_review", "aid_refuse", "aid_refused"),
    ("aid_review", "aid_advance", "aid_serving"),
    ("aid_docs", "aid_advance", "aid_serving"),
    ("aid_granted", "aid_assign", "aid_serving"),
    ("aid_refused", "aid_object", "aid_objection"),
    ("aid_ended", "aid_object", "aid_objection"),
    ("aid_objection", "aid_objection_uphold", "aid_granted"),
    ("aid_objection", "aid_objection_dismiss", "aid_closed"),
    ("aid_serving", "aid_terminate", "aid_ended"),
    ("aid_serving", "aid_close", "aid_closed"),
    ("aid_review", "aid_withdraw", "aid_withdrawn"),
    ("aid_docs", "aid_withdraw", "aid_withdrawn"),
}
AID_OPEN = {"aid_review", "aid_docs", "aid_granted", "aid_objection", "aid_serving"}
AID_LOOPS = {
    "supervise": AID_OPEN, "escalate": AID_OPEN, "supervise_answer": AID_OPEN,
    "comment": AID_OPEN | {"aid_refused", "aid_ended"}, "attach": AID_OPEN | {"aid_refused", "aid_ended"},
    "sla_warning": AID_OPEN, "sla_breach": AID_OPEN,
}
MED_MOVES = {
    ("med_received", "med_accept", "med_mediating"),
    ("med_received", "med_decline", "med_declined"),
    ("med_mediating", "med_agree", "med_agreed"),
    ("med_mediating", "med_fail", "med_failed"),
    ("med_mediating", "med_terminate", "med_ended"),
    ("med_agreed", "med_close", "med_closed"),
}
MED_OPEN = {"med_received", "med_mediating", "med_agreed"}
MED_LOOPS = {
    "med_session": {"med_mediating"}, "med_extend": {"med_mediating"},
    "med_performance": {"med_agreed"}, "med_confirm": {"med_agreed"},
    "supervise": MED_OPEN, "escalate": MED_OPEN, "supervise_answer": MED_OPEN, "comment": MED_OPEN,
    "attach": MED_OPEN, "sla_warning": MED_OPEN, "sla_breach": MED_OPEN,
}
MEASURES = {
    "legal_aid": {"aid_apply": {"applied"}, "aid_grant": {"granted"}, "aid_advance": {"granted"},
                  "aid_objection_uphold": {"granted"}, "aid_refuse": {"refused"}, "supervise": {"supervised"},
                  "escalate": {"escalated"}, "sla_warning": {"warned"}, "sla_breach": {"breached"}},
    "mediation": {"med_apply": {"applied"}, "med_agree": {"mediated", "agreed"}, "med_fail": {"mediated"},
                  "med_terminate": {"mediated"}, "med_extend": {"extended"}, "supervise": {"supervised"},
                  "escalate": {"escalated"}, "sla_warning": {"warned"}, "sla_breach": {"breached"}},
}


@pytest.mark.parametrize(("kind", "moves", "loops"), [("legal_aid", AID_MOVES, AID_LOOPS),
                                                      ("mediation", MED_MOVES, MED_LOOPS)])
def test_the_table_is_the_specified_lifecycle(kind: str, moves: set, loops: dict) -> None:  # type: ignore[type-arg]
    d = definition_for(kind)
    assert {(s, r.action, r.target) for r in d.rules if r.target for s in r.sources} == moves
    assert {r.action: set(r.sources) for r in d.rules if r.target is None} == loops
    measured = {r.action: set(r.measures) for r in (d.register, *d.rules) if r.measures}
    assert measured == MEASURES[kind]
    reached = {d.initial} | {t for _, _, t in moves}
    assert reached == set(d.states.values), "every state is reachable"
    for state in d.terminal_states:
        assert [r.action for r in d.rules if state in r.sources] == []
    diagram = mermaid_diagram(kind)
    for src, action, dst in moves:
        assert f"{src} --> {dst}: {action}" in diagram


@pytest.mark.parametrize("kind", ["legal_aid", "mediation"])
def test_the_docs_page_is_generated(kind: str) -> None:
    page = Path(__file__).resolve().parents[2] / "docs" / "workflows" / f"{kind}.md"
    assert page.read_text(encoding="utf-8") == definition_markdown(definition_for(kind)), "run `banshi workflow docs`"


def _matter(kind: str, world: World, svc: ServiceUnits) -> Case:
    if kind == "legal_aid":
        return aid_open(AidApplyIn(unit_id=svc.aid_centre.pk, applicant_name="王五", applicant_phone="13900001111",
                                   matter_type="labour_pay", facts="工地拖欠三个月工资共两万元。"), actor=svc.aid_handler)
    return mediation_open(MedOpenIn(unit_id=svc.committee.pk, dispute_type="neighbour", facts="楼上漏水，协商不成。",
                                    parties=[{"name": "赵一", "role": "applicant"}, {"name": "钱二", "role": "respondent"}]),
                          actor=svc.mediator)


def _actor(svc: ServiceUnits, world: World, kind: str, role: str):  # type: ignore[no-untyped-def]
    staff = {Role.HANDLER: svc.aid_handler, Role.LEADER: svc.aid_leader} if kind == "legal_aid" else \
        {Role.HANDLER: svc.mediator, Role.LEADER: svc.med_leader}
    return {**staff, Role.SUPERVISOR: world.supervisor, Role.OPERATOR: None}.get(role)


PAIRS = [(kind, state, rule.action) for kind, states in (("legal_aid", AidState), ("mediation", MedState))
         for state in states.values for rule in definition_for(kind).rules]


@pytest.mark.parametrize(("kind", "state", "action"), PAIRS)
def test_each_state_action_pair(world: World, svc: ServiceUnits, kind: str, state: str, action: str) -> None:
    case = _matter(kind, world, svc)
    Case.objects.filter(pk=case.pk).update(state=state)  # set-up only: the engine is what is tested
    rule = definition_for(kind).table[action]
    actors = [a for a in (_actor(svc, world, kind, role) for role, _ in rule.who) if a is not None]
    actor = actors[0] if actors else None
    before = CaseEvent.objects.filter(case=case).count()
    if state in rule.sources:
        done = transition(case.pk, action, actor=actor, reason="测试理由")
        assert done.state == (rule.target or state)
        ev = CaseEvent.objects.filter(case=case).order_by("-id").first()
        assert ev is not None and (ev.action, ev.from_state, ev.to_state) == (action, state, done.state)
        assert ev.unit_id == svc.aid_centre.pk if kind == "legal_aid" else ev.unit_id == svc.committee.pk
    else:
        with pytest.raises(Conflict):
            transition(case.pk, action, actor=actor, reason="测试理由")
        assert CaseEvent.objects.filter(case=case).count() == before
