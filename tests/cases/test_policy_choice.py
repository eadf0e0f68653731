"""Which deadline policy a new demand gets: by urgency, channel and type (sla/data/policies.yaml's
policy_rules), through real registration."""

from __future__ import annotations

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import case_answer
from banshi.sla.models import Milestone, MilestoneStatus
from banshi.sla.policies import policy_choose
from tests.factories import World


def _register(world: World, **kw: object):
    data = CaseInput(**{"type": "complaint", "channel": "hotline_12345", "content": "小区门口的路灯坏了一个月没人修", **kw})
    case, _ = case_register(data=data, intake_unit=world.committee, actor=world.operator, auto_dispatch=False)
    return case


def test_rules_first_match() -> None:
    assert policy_choose(channel="hotline_12345", type="consultation", urgency="normal", suggested="xinfang") == "12345"
    assert policy_choose(channel="letter", type="complaint", urgency="normal", suggested="xinfang") == "xinfang"
    assert policy_choose(channel="hotline_12309", type="consultation", urgency="normal", suggested=None) == "12309"
    assert policy_choose(channel="window", type="help", urgency="emergency", suggested="xinfang") == "emergency"
    assert policy_choose(channel="window", type="help", urgency="normal", suggested=None) == "12345"


def test_a_hotline_consultation_never_gets_xinfang_clocks(world: World) -> None:
    case = _register(world, type="consultation", content="我想咨询一下信访事项怎么反映，信访部门在哪里", policy_code=None)
    assert case.policy is not None and case.policy.code == "12345"
    assert not Milestone.objects.filter(case=case, kind="accept").exists()


def test_an_on_the_spot_answer_closes_every_open_milestone(world: World) -> None:
    case = _register(world, type="consultation", channel="letter", content="咨询信访事项怎么反映", policy_code="xinfang")
    assert set(Milestone.objects.filter(case=case).values_list("kind", flat=True)) == {"accept", "result"}
    case_answer(case.pk, actor=world.operator, text="可到区信访局窗口反映，也可网上信访。")
    statuses = set(Milestone.objects.filter(case=case).values_list("status", flat=True))
    assert statuses == {MilestoneStatus.MET}
    case.refresh_from_db()
    assert case.next_due_at is None and not case.overdue


def test_an_emergency_gets_the_two_hour_first_response_clock(world: World) -> None:
    case = _register(world, type="help", content="我老伴突然倒在地上不省人事，快叫救护车", urgency="emergency")
    assert case.policy is not None and case.policy.code == "emergency"
    first = Milestone.objects.get(case=case, kind="first_contact")
    assert first.due_at - case.received_at == __import__("datetime").timedelta(hours=2)
    case.refresh_from_db()
    assert case.next_due_at == first.due_at
