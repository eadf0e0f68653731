"""法律援助 by its own legal steps: 补正 pauses the decision clock and an unanswered 补正 is treated
as withdrawn (art. 43); the 绿色通道 skips the hardship check; 先行援助 (art. 44); an objection
(art. 49); a refusal with reasons; deadlines on the legal calendar (国庆, 2027 provisional)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import Conflict, InvalidInput, PermissionDenied
from banshi.notify.models import OutboxMessage
from banshi.services import legal_aid as aid
from banshi.services.enums import AidState
from banshi.services.inputs import AidApplyIn
from banshi.services.models import LegalAidFile
from banshi.sla.models import Milestone, MilestoneStatus
from tests.factories import ServiceUnits, World

SH = ZoneInfo("Asia/Shanghai")


def apply(svc: ServiceUnits, *, when: datetime, exemption: str = "", matter: str = "maintenance") -> Case:
    return aid.aid_open(AidApplyIn(unit_id=svc.aid_centre.pk, applicant_name="王五", applicant_phone="13900001111",
                                   matter_type=matter, facts="儿子不给付赡养费，请求法律援助。", other_party="王小五",
                                   economic="无固定收入，靠低保生活。", exemption=exemption),
                        actor=svc.aid_handler, now=when)


def milestone(case: Case, kind: str) -> Milestone:
    return Milestone.objects.filter(case=case, kind=kind).order_by("-id").first()  # type: ignore[return-value]


@pytest.mark.django_db
def test_the_decision_is_due_in_7_days_on_the_legal_calendar(world: World, svc: ServiceUnits) -> None:
    case = apply(svc, when=datetime(2026, 9, 28, 10, tzinfo=SH))
    assert case.state == AidState.REVIEW and case.number.startswith("FY")
    m = milestone(case, "decision")
    # 9月28日 + 7 days = 10月5日, inside the National Day holiday: the period ends on the next working day.
    assert m.due_at == datetime(2026, 10, 8, 23, 59, 59, tzinfo=SH)
    late = apply(svc, when=datetime(2026, 12, 28, 10, tzinfo=SH))
    assert milestone(late, "decision").provisional  # runs into 2027, whose schedule is not published yet


@pytest.mark.django_db
def test_documents_pause_the_clock_and_an_unanswered_request_is_a_withdrawal(world: World, svc: ServiceUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(svc, when=t0)
    due_before = milestone(case, "decision").due_at
    with pytest.raises(InvalidInput, match="一次性告知"):
        aid.aid_docs_request(case.pk, actor=svc.aid_handler, documents=["", "  "], now=t0 + timedelta(hours=1))
    case = aid.aid_docs_request(case.pk, actor=svc.aid_handler, documents=["户口簿", "低保证明"],
                                now=t0 + timedelta(days=1))
    assert case.state == AidState.DOCS
    assert milestone(case, "decision").status == MilestoneStatus.PAUSED
    sms = OutboxMessage.objects.filter(case_id=case.pk, template="aid_docs").get()
    assert "户口簿、低保证明" in sms.payload["text"]  # every missing document in one notice
    # Three days later the documents come: the clock runs again, three days later than before.
    case = aid.aid_docs_received(case.pk, actor=svc.aid_handler, now=t0 + timedelta(days=4))
    assert case.state == AidState.REVIEW
    assert milestone(case, "decision").due_at > due_before + timedelta(days=1)  # the paused days do not count

    # A second application is never answered: before the date it cannot lapse; after it, the worker lapses it.
    other = apply(svc, when=t0)
    aid.aid_docs_request(other.pk, actor=svc.aid_handler, documents=["收入证明"], days=10, now=t0)
    with pytest.raises(Conflict, match="补正期限尚未届满"):
        aid.aid_lapse(other.pk, actor=svc.aid_leader, now=t0 + timedelta(days=5))
    assert aid.aid_lapse_sweep(now=t0 + timedelta(days=30)) == 1
    other.refresh_from_db()
    assert other.state == AidState.WITHDRAWN
    assert "视为撤回" in CaseEvent.objects.filter(case=other, action="aid_lapse").get().reason


@pytest.mark.django_db
def test_the_green_channel_skips_the_hardship_check(world: World, svc: ServiceUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    wages = apply(svc, when=t0, exemption="migrant_workers", matter="labour_pay")
    f = LegalAidFile.objects.get(case=wages)
    assert f.green_channel and f.hardship == "exempt" and wages.urgency == "urgent"  # priority
    aid.aid_grant(wages.pk, actor=svc.aid_leader, hardship="exempt", now=t0 + timedelta(hours=2))
    # Without an exemption the centre must have checked the applicant's economic situation.
    plain = apply(svc, when=t0)
    with pytest.raises(InvalidInput, match="须审查经济困难状况"):
        aid.aid_grant(plain.pk, actor=svc.aid_leader, hardship="exempt", now=t0 + timedelta(hours=2))
    granted = aid.aid_grant(plain.pk, actor=svc.aid_leader, hardship="met", now=t0 + timedelta(hours=2))
    assert granted.state == AidState.GRANTED
    assert milestone(granted, "decision").status == MilestoneStatus.MET
    assign = milestone(granted, "assign")
    assert assign.due_at == datetime(2026, 11, 5, 23, 59, 59, tzinfo=SH)  # 3 days after the grant
    served = aid.aid_assign(plain.pk, actor=svc.aid_leader, lawyer_name="李律师", lawyer_org="海港律师事务所",
                            now=t0 + timedelta(days=1))
    assert served.state == AidState.SERVING and milestone(served, "assign").status == MilestoneStatus.MET
    closed = aid.aid_close(plain.pk, actor=svc.aid_handler, outcome="法院判决每月给付赡养费800元。",
                           amount_recovered=Decimal("9600.00"), now=t0 + timedelta(days=40))
    assert closed.state == AidState.CLOSED
    assert LegalAidFile.objects.get(case=plain).amount_recovered == Decimal("9600.00")


@pytest.mark.django_db
def test_advance_aid_only_when_the_deadline_is_under_7_days_away(world: World, svc: ServiceUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(svc, when=t0)
    with pytest.raises(InvalidInput, match="不足7日"):
        aid.aid_advance(case.pk, actor=svc.aid_leader, deadline=date(2026, 11, 20), lawyer_name="李律师",
                        reason="诉讼时效将届满", now=t0)
    done = aid.aid_advance(case.pk, actor=svc.aid_leader, deadline=date(2026, 11, 6), lawyer_name="李律师",
                           reason="诉讼时效11月6日届满，需立即起诉", now=t0)
    assert done.state == AidState.SERVING
    f = LegalAidFile.objects.get(case=case)
    assert f.decision == "advance" and f.lawyer_name == "李律师" and f.advance_deadline == date(2026, 11, 6)
    assert milestone(done, "decision").status == MilestoneStatus.MET


@pytest.mark.django_db
def test_a_refusal_with_reasons_and_an_objection(world: World, svc: ServiceUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(svc, when=t0)
    with pytest.raises(InvalidInput):
        aid.aid_refuse(case.pk, actor=svc.aid_leader, reason="  ", now=t0)
    with pytest.raises(PermissionDenied):  # deciding is the leader's
        aid.aid_refuse(case.pk, actor=svc.aid_handler, reason="经济状况不符合法律援助条件", now=t0)
    refused = aid.aid_refuse(case.pk, actor=svc.aid_leader, reason="经济状况不符合法律援助条件", now=t0 + timedelta(days=2))
    assert refused.state == AidState.REFUSED and refused.closed_at is not None
    letter = OutboxMessage.objects.filter(case_id=case.pk, template="aid_decision").get()
    assert "经济状况不符合法律援助条件" in letter.payload["text"]  # the reasons, in writing
    objected = aid.aid_object(case.pk, actor=svc.aid_handler, text="本人确无收入，附村委会证明。", now=t0 + timedelta(days=3))
    assert objected.state == AidState.OBJECTION and objected.closed_at is None
    m = milestone(objected, "objection")
    assert m.due_at == datetime(2026, 11, 10, 23, 59, 59, tzinfo=SH)  # 5 days (art. 49)
    upheld = aid.aid_objection_decide(case.pk, actor=world.supervisor, uphold=True, reason="经核实符合条件。",
                                      now=t0 + timedelta(days=4))
    assert upheld.state == AidState.GRANTED and m.__class__.objects.get(pk=m.pk).status == MilestoneStatus.MET
    assert milestone(upheld, "assign").status == MilestoneStatus.PENDING


@pytest.mark.django_db
def test_termination_names_its_article(world: World, svc: ServiceUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(svc, when=t0)
    aid.aid_grant(case.pk, actor=svc.aid_leader, now=t0)
    aid.aid_assign(case.pk, actor=svc.aid_leader, lawyer_name="李律师", now=t0)
    with pytest.raises(InvalidInput):
        aid.aid_terminate(case.pk, actor=svc.aid_leader, reason_code="bored", reason="x", now=t0)
    ended = aid.aid_terminate(case.pk, actor=svc.aid_leader, reason_code="own_lawyer", reason="申请人已自行委托律师。",
                              now=t0 + timedelta(days=3))
    assert ended.state == AidState.ENDED
    assert "第48条第（六）项" in CaseEvent.objects.get(case=case, action="aid_terminate").reason


@pytest.mark.django_db
def test_bad_applications_are_refused_clearly(world: World, svc: ServiceUnits) -> None:
    base = {"unit_id": svc.aid_centre.pk, "applicant_name": "王五", "matter_type": "maintenance", "facts": "请求援助"}
    for bad, message in (({"unit_id": world.court.pk}, "法律援助中心"), ({"matter_type": "space"}, "援助事项不正确"),
                         ({"exemption": "vip"}, "免予核查情形不正确"), ({"applicant_name": " "}, "申请人姓名不能为空"),
                         ({"applicant_phone": "12"}, "手机|电话"), ({"facts": "x" * 6000}, "不能超过")):
        with pytest.raises(InvalidInput, match=message):
            aid.aid_open(AidApplyIn(**{**base, **bad}), actor=svc.aid_handler)
    with pytest.raises(PermissionDenied):  # a police station cannot file at the legal-aid centre
        aid.aid_open(AidApplyIn(**base), actor=world.handler)


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "matter", "exemption"), [
    ("在工地打工半年，包工头拖欠工资三万元。", "labour_pay", "migrant_workers"),
    ("公司拖欠我三个月工资，想申请法律援助。", "labour_pay", ""),  # not a migrant worker: the hardship check applies
    ("我在工地干活摔伤了，老板不认工伤。", "injury", "migrant_workers"),
    ("儿子涉嫌盗窃被羁押，家里请不起律师辩护。", "criminal_defence", ""),
    ("子女不给付赡养费。", "maintenance", ""),
])
def test_a_referral_reads_the_matter_and_the_green_channel_from_the_demand(world: World, svc: ServiceUnits,
                                                                           content: str, matter: str,
                                                                           exemption: str) -> None:
    from banshi.cases.domain.matters import case_refer
    from tests.factories import case_new

    demand = case_new(world, content=content)
    case_refer(demand.pk, actor=world.dispatcher, kind="legal_aid", unit_id=svc.aid_centre.pk, note="转法援")
    f = LegalAidFile.objects.get(case__origin=demand)
    assert (f.matter_type, f.exemption, f.green_channel) == (matter, exemption, bool(exemption))
    assert CaseEvent.objects.get(case=f.case, action="aid_apply").data["note"] == "转法援"


@pytest.mark.django_db
def test_the_green_channel_is_for_wages_and_work_injuries_only(world: World, svc: ServiceUnits) -> None:
    with pytest.raises(InvalidInput, match="绿色通道只适用于"):
        apply(svc, when=datetime(2026, 11, 2, 9, tzinfo=SH), exemption="migrant_workers", matter="maintenance")
    case = apply(svc, when=datetime(2026, 11, 2, 9, tzinfo=SH), exemption="migrant_workers", matter="injury")
    sms = OutboxMessage.objects.get(case_id=case.pk, template="matter_receipt")
    assert sms.payload["text"] == "法律援助申请"  # the receipt names the matter, not a 诉求


@pytest.mark.django_db
def test_an_objection_to_a_termination(world: World, svc: ServiceUnits) -> None:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = apply(svc, when=t0)
    aid.aid_grant(case.pk, actor=svc.aid_leader, now=t0)
    aid.aid_assign(case.pk, actor=svc.aid_leader, lawyer_name="李律师", now=t0)
    aid.aid_terminate(case.pk, actor=svc.aid_leader, reason_code="no_longer_eligible", reason="已有固定收入。", now=t0)
    objected = aid.aid_object(case.pk, actor=svc.aid_handler, text="收入仅为临时工资，不足以请律师。", now=t0 + timedelta(days=1))
    assert objected.state == AidState.OBJECTION  # art. 49 covers a termination too
