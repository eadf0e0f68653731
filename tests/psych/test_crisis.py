"""Crisis intervention: a self-harm demand opens a crisis matter at once, at the station serving
its region, with its 2-hour first-contact deadline and the alerts in the outbox; first contact
records its minutes; hand-over to 110/120; no station (or a failure) never fails the demand."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from banshi.cases.domain.matters import case_refer
from banshi.cases.enums import Kind, Urgency
from banshi.cases.models import Case, CaseEvent
from banshi.cases.sweep import sla_sweep
from banshi.core.errors import Conflict, InvalidInput, PermissionDenied
from banshi.notify.models import OutboxMessage
from banshi.psych import crisis as cr
from banshi.psych.counts import psych_counts
from banshi.psych.enums import CrState
from banshi.psych.models import ConfidentialNote, CrisisFile
from banshi.sla.models import Milestone, MilestoneStatus
from tests.factories import World, case_new
from tests.psych.conftest import SELF_HARM, PsychWorld

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def crisis_of(demand: Case) -> Case:
    return Case.objects.get(origin=demand, kind=Kind.CRISIS)


def test_a_self_harm_demand_opens_a_crisis_matter_with_its_deadline_and_alerts(world: World, pw: PsychWorld) -> None:
    demand = case_new(world, content=SELF_HARM, citizen_name="陈某")
    assert demand.triage.get("emergency") == "self_harm" and demand.urgency == Urgency.EMERGENCY
    crisis = crisis_of(demand)
    assert crisis.number.startswith("WJ") and crisis.state == CrState.NEW
    assert crisis.lead_unit_id == pw.centre.pk and crisis.intake_unit_id == pw.centre.pk
    assert crisis.urgency == Urgency.EMERGENCY and crisis.confidential and crisis.citizen_name == "陈某"
    assert crisis.policy is not None and crisis.policy.code == "crisis"
    f = CrisisFile.objects.get(case=crisis)
    # the demand is in the district: the district station, with its duty counsellor on the matter
    assert f.station_id == pw.district_station.pk and f.counsellor_id == pw.c_district_duty.pk
    assert f.source == "self_harm" and f.emergency == "self_harm"
    opened = CaseEvent.objects.get(case=crisis, action="cr_open")
    assert f.opened_at == opened.at
    m = Milestone.objects.get(case=crisis, kind="first_contact")
    assert m.status == MilestoneStatus.PENDING and m.due_at == f.opened_at + timedelta(hours=2)
    assert crisis.next_due_at == m.due_at
    alerts = set(OutboxMessage.objects.filter(case_id=crisis.pk, channel="internal", template="emergency")
                 .values_list("recipient", flat=True))
    assert alerts == {f"unit:{pw.centre.pk}", f"person:{pw.district_duty.pk}", f"person:{world.supervisor.pk}"}
    assert not OutboxMessage.objects.filter(case_id=crisis.pk, channel="sms").exists(), "no SMS to the person"
    payload = OutboxMessage.objects.get(case_id=crisis.pk, recipient=f"person:{world.supervisor.pk}").payload
    assert payload["origin_number"] == demand.number and payload["milestone"] == "first_contact"
    # the demand itself goes on as before, its emergency alert included
    demand.refresh_from_db()
    assert demand.kind == Kind.DEMAND and demand.state == "registered"
    assert OutboxMessage.objects.filter(case_id=demand.pk, template="emergency", recipient=f"unit:{world.committee.pk}").exists()


def test_the_nearest_station_with_a_duty_counsellor_serves_the_region(world: World, pw: PsychWorld) -> None:
    # 文化里社区: its own station has only a volunteer without an account → the town station
    demand = case_new(world, content=SELF_HARM, region_code=pw.village.code)
    f = CrisisFile.objects.get(case=crisis_of(demand))
    assert f.station_id == pw.town_station.pk and f.counsellor_id == pw.c_counsellor.pk
    alerts = set(OutboxMessage.objects.filter(case_id=f.case_id, template="emergency").values_list("recipient", flat=True))
    assert f"person:{pw.counsellor.pk}" in alerts and f"person:{world.supervisor.pk}" in alerts
    # nobody on duty anywhere: the nearest station all the same (its unit's inbox is alerted)
    type(pw.c_counsellor).objects.update(on_duty=False)
    demand2 = case_new(world, content=SELF_HARM, region_code=pw.village.code)
    f2 = CrisisFile.objects.get(case=crisis_of(demand2))
    assert f2.station_id == pw.village_station.pk and f2.counsellor_id is None
    assert OutboxMessage.objects.filter(case_id=f2.case_id, recipient=f"unit:{pw.centre.pk}").exists()


def test_no_station_for_the_region_never_fails_the_demand(world: World, pw: PsychWorld, caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.WARNING, logger="banshi.psych.crisis"):
        demand = case_new(world, content=SELF_HARM, region_code=world.other_district.code)
    assert Case.objects.filter(pk=demand.pk, kind=Kind.DEMAND).exists()
    assert not Case.objects.filter(origin=demand).exists()
    assert "没有心理服务站点" in caplog.text


def test_a_failing_crisis_opening_is_rolled_back_alone(world: World, pw: PsychWorld, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    real = cr.crisis_open

    def broken(*args: object, **kwargs: object) -> None:
        real(*args, **kwargs)  # type: ignore[arg-type]  # the matter, its file and alerts are written …
        raise RuntimeError("boom")  # … then something fails: all of it goes, the demand stays

    monkeypatch.setattr(cr, "crisis_open", broken)
    with caplog.at_level(logging.ERROR, logger="banshi.psych.crisis"):
        demand = case_new(world, content=SELF_HARM)
    assert Case.objects.filter(pk=demand.pk).exists() and not Case.objects.filter(kind=Kind.CRISIS).exists()
    assert not CrisisFile.objects.exists()
    assert not OutboxMessage.objects.filter(recipient__startswith="person:").exists()
    assert OutboxMessage.objects.filter(case_id=demand.pk, template="emergency").exists()
    assert "心理危机干预启动失败" in caplog.text


def test_an_ordinary_demand_opens_nothing(world: World, pw: PsychWorld) -> None:
    case_new(world, content="小区门口夜间有人聚集喝酒吵闹，影响休息。")
    assert not Case.objects.filter(kind=Kind.CRISIS).exists()


def test_first_contact_records_its_minutes_and_meets_the_deadline(world: World, pw: PsychWorld) -> None:
    t0 = datetime(2026, 10, 12, 21, 0, tzinfo=SH)
    crisis = cr.crisis_open(pw.town_station, actor=None, source="manual", content="来电称不想活了。", now=t0)
    with pytest.raises(InvalidInput, match="风险等级"):
        cr.cr_contact(crisis.pk, actor=pw.counsellor, risk="很高", notes="x", now=t0 + timedelta(minutes=30))
    with pytest.raises(InvalidInput, match="首次接触记录不能为空"):
        cr.cr_contact(crisis.pk, actor=pw.counsellor, risk="high", notes="  ", now=t0 + timedelta(minutes=30))
    with pytest.raises(InvalidInput, match="不能早于"):
        cr.cr_contact(crisis.pk, actor=pw.counsellor, risk="high", notes="x", at=t0 - timedelta(hours=1),
                      now=t0 + timedelta(minutes=30))
    done = cr.cr_contact(crisis.pk, actor=pw.counsellor, risk="high", mode="电话联系", notes="对方在家，情绪激动，已稳定。",
                         at=t0 + timedelta(minutes=37), now=t0 + timedelta(minutes=45))
    assert done.state == CrState.CONTACTED
    ev = CaseEvent.objects.get(case=crisis, action="cr_contact")
    assert ev.data["first_contact_minutes"] == 37 and ev.data["within_deadline"] is True
    assert ev.data["mode"] == "phone" and ev.data["risk"] == "high"
    assert "稳定" not in ev.reason and "稳定" not in str(ev.data), "the record is confidential"
    assert ConfidentialNote.objects.get(case=crisis, kind="contact").text == "对方在家，情绪激动，已稳定。"
    f = CrisisFile.objects.get(case=crisis)
    assert f.first_contact_minutes == 37 and f.counsellor_id == pw.c_counsellor.pk and f.risk == "high"
    assert Milestone.objects.get(case=crisis, kind="first_contact").status == MilestoneStatus.MET
    cr.cr_intervene(crisis.pk, actor=pw.counsellor, notes="次日回访，情绪平稳。", mode="visit", risk="low",
                    now=t0 + timedelta(days=1))
    closed = cr.cr_close(crisis.pk, actor=pw.head, outcome="stabilised", notes="风险解除。", now=t0 + timedelta(days=2))
    assert closed.state == CrState.CLOSED and CrisisFile.objects.get(case=crisis).interventions == 2
    counts = psych_counts(start=t0 - timedelta(days=1), end=t0 + timedelta(days=3))
    assert counts["crises"] == 1 and counts["crises_contacted"] == 1 and counts["crises_within_2h"] == 1
    assert counts["first_contact_minutes_avg"] == 37.0


def test_a_hand_over_to_120_is_the_first_response_and_late_contact_is_breached(world: World, pw: PsychWorld) -> None:
    t0 = datetime(2026, 10, 12, 21, 0, tzinfo=SH)
    crisis = cr.crisis_open(pw.town_station, actor=None, source="manual", content="有人站在楼顶。", now=t0)
    assert sla_sweep(now=t0 + timedelta(hours=2, minutes=1)).breached == 1
    assert OutboxMessage.objects.filter(case_id=crisis.pk, template="sla_breach", recipient=f"unit:{pw.centre.pk}").exists()
    with pytest.raises(InvalidInput, match="移交去向"):
        cr.cr_handover(crisis.pk, actor=pw.counsellor, to="999", now=t0 + timedelta(hours=3))
    done = cr.cr_handover(crisis.pk, actor=pw.counsellor, to="ambulance_120", receiver="海港区120急救中心",
                          notes="已送医。", now=t0 + timedelta(hours=3))
    assert done.state == CrState.HANDED_OVER
    ev = CaseEvent.objects.get(case=crisis, action="cr_handover")
    assert ev.data["to"] == "ambulance_120" and ev.data["first_contact_minutes"] == 180
    assert ev.data["within_deadline"] is False and "已送医" not in ev.reason
    assert Milestone.objects.get(case=crisis, kind="first_contact").status == MilestoneStatus.MET_LATE


def test_the_leader_dismisses_a_false_alarm_but_a_handler_may_not(world: World, pw: PsychWorld) -> None:
    crisis = cr.crisis_open(pw.town_station, actor=None, source="manual", content="“笑死了”")
    with pytest.raises(PermissionDenied):
        cr.cr_dismiss(crisis.pk, actor=pw.counsellor, reason="误报")
    with pytest.raises(InvalidInput):
        cr.cr_dismiss(crisis.pk, actor=pw.head, reason=" ")
    assert cr.cr_dismiss(crisis.pk, actor=pw.head, reason="电话核实为玩笑话，无危机。").state == CrState.DISMISSED
    assert Milestone.objects.get(case=crisis, kind="first_contact").status == MilestoneStatus.CANCELLED


def test_a_dispatcher_refers_a_demand_to_crisis_intervention_once(world: World, pw: PsychWorld) -> None:
    demand = case_new(world, content="邻居说她最近总说活着没意思，很担心她。", region_code=pw.town.code)
    assert not Case.objects.filter(kind=Kind.CRISIS).exists()
    case_refer(demand.pk, actor=world.dispatcher, kind="crisis", unit_id=pw.centre.pk, note="请尽快联系")
    crisis = crisis_of(demand)
    f = CrisisFile.objects.get(case=crisis)
    assert f.station_id == pw.town_station.pk and f.source == "referral"
    assert ConfidentialNote.objects.get(case=crisis, kind="finding").text == "请尽快联系"
    with pytest.raises(Conflict, match="已启动心理危机干预"):
        case_refer(demand.pk, actor=world.dispatcher, kind="crisis", unit_id=pw.centre.pk)
    with pytest.raises(InvalidInput, match="没有心理服务站点"):
        case_refer(demand.pk, actor=world.dispatcher, kind="psych", unit_id=world.court.pk)
