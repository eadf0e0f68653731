"""人民调解 by its own steps: a mediation reaching a written agreement (调解协议书 from the template),
the 30-day 司法确认 window as a milestone whose reminder fires through the sweep, a refusal (not
voluntary), a failure with the next channel, an extension with reasons."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from banshi.cases.models import Case, CaseEvent
from banshi.cases.sweep import sla_sweep
from banshi.core.errors import InvalidInput
from banshi.notify.models import OutboxMessage
from banshi.services import mediation as med
from banshi.services.enums import MedState
from banshi.services.inputs import MedOpenIn
from banshi.services.models import MediationFile, MediationRoom, MediationSession
from banshi.sla.models import Milestone, MilestoneStatus
from tests.factories import ServiceUnits, World

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 12, 9, tzinfo=SH)


def dispute(svc: ServiceUnits, *, when: datetime = T0) -> Case:
    return med.mediation_open(MedOpenIn(
        unit_id=svc.committee.pk, source="court_pre", dispute_type="land_boundary",
        facts="两户因宅基地边界的一道院墙发生争执，多次协商未果。",
        parties=[{"name": "杨大山", "role": "applicant", "phone": "13900002222"},
                 {"name": "杨二河", "role": "respondent", "phone": "13900003333"}]), actor=svc.mediator, now=when)


def ms(case: Case, kind: str) -> Milestone:
    return Milestone.objects.filter(case=case, kind=kind).order_by("-id").first()  # type: ignore[return-value]


@pytest.mark.django_db
def test_a_mediation_reaches_a_written_agreement_and_the_confirmation_reminder_fires(world: World,
                                                                                     svc: ServiceUnits) -> None:
    room = MediationRoom.objects.create(unit=svc.committee, name="老杨说事调解室")
    case = dispute(svc)
    assert case.state == MedState.RECEIVED and case.number.startswith("TJ")
    case = med.med_accept(case.pk, actor=svc.mediator, room_id=room.pk, mediators=["杨老汉", "李调解员"],
                          now=T0 + timedelta(hours=1))
    assert case.state == MedState.MEDIATING
    assert ms(case, "settle").due_at == datetime(2026, 11, 12, 23, 59, 59, tzinfo=SH)  # one month
    med.med_session(case.pk, actor=svc.mediator, at=T0 + timedelta(days=1), mode="separate",
                    record="分别听取双方意见，丈量院墙位置。", now=T0 + timedelta(days=1, hours=2))
    med.med_session(case.pk, actor=svc.mediator, at=T0 + timedelta(days=2), mode="face_to_face", place="老杨说事调解室",
                    record="双方同意按1998年界址重新砌墙。", now=T0 + timedelta(days=2, hours=2))
    assert list(MediationSession.objects.values_list("mode", flat=True)) == ["separate", "face_to_face"]
    agreed_at = T0 + timedelta(days=2, hours=3)
    case = med.med_agree(case.pk, actor=svc.mediator, terms="院墙按1998年界址重砌，费用双方各半，于11月30日前完成。",
                         now=agreed_at)
    assert case.state == MedState.AGREED
    f = MediationFile.objects.get(case=case)
    assert f.agreement_form == "written"
    for words in ("人民调解协议书", case.number, "杨大山", "杨二河", "文化路人民调解委员会", "院墙按1998年界址重砌", "三十日内"):
        assert words in f.agreement_text
    assert ms(case, "settle").status == MilestoneStatus.MET
    confirm = ms(case, "confirm")
    assert confirm.due_at == datetime(2026, 11, 13, 23, 59, 59, tzinfo=SH)  # 30 days from the agreement
    # Nothing before the warning time; the reminder goes to the committee before the 30 days are up,
    # and the lapse is recorded when they are.
    assert sla_sweep(now=agreed_at + timedelta(days=1)).warned == 0
    assert sla_sweep(now=confirm.warn_at + timedelta(minutes=1)).warned == 1
    assert OutboxMessage.objects.filter(case_id=case.pk, template="sla_warning", recipient=f"unit:{svc.committee.pk}").exists()
    assert sla_sweep(now=confirm.due_at + timedelta(minutes=1)).breached == 1
    assert CaseEvent.objects.filter(case=case, action="sla_breach").exists()
    med.med_performance(case.pk, actor=svc.mediator, performance="performed", now=confirm.due_at + timedelta(days=1))
    closed = med.med_close(case.pk, actor=svc.med_leader, now=confirm.due_at + timedelta(days=2))
    assert closed.state == MedState.CLOSED


@pytest.mark.django_db
def test_an_application_for_confirmation_meets_the_window(world: World, svc: ServiceUnits) -> None:
    case = dispute(svc)
    med.med_accept(case.pk, actor=svc.mediator, now=T0)
    med.med_agree(case.pk, actor=svc.mediator, terms="赔偿5000元，分两期付清。", now=T0 + timedelta(days=1))
    with pytest.raises(InvalidInput, match="三十日"):
        med.med_confirm(case.pk, actor=svc.mediator, now=T0 + timedelta(days=40))
    med.med_confirm(case.pk, actor=svc.mediator, now=T0 + timedelta(days=10))
    assert ms(case, "confirm").status == MilestoneStatus.MET
    # An oral agreement is recorded as said, and cannot go to the court for confirmation.
    oral = dispute(svc)
    med.med_accept(oral.pk, actor=svc.mediator, now=T0)
    med.med_agree(oral.pk, actor=svc.mediator, form="oral", terms="口头协议：赔偿500元，当场履行。", now=T0 + timedelta(days=1))
    assert MediationFile.objects.get(case=oral).agreement_text == "口头协议：赔偿500元，当场履行。"
    with pytest.raises(InvalidInput, match="书面"):
        med.med_confirm(oral.pk, actor=svc.mediator, now=T0 + timedelta(days=2))
    # The committee's own 30-day step is the performance follow-up.
    med.med_performance(oral.pk, actor=svc.mediator, performance="performed", now=T0 + timedelta(days=3))
    assert ms(oral, "confirm").status == MilestoneStatus.MET


@pytest.mark.django_db
def test_mediation_is_voluntary_and_a_failure_names_the_next_channel(world: World, svc: ServiceUnits) -> None:
    declined = med.med_decline(dispute(svc).pk, actor=svc.mediator, reason="被申请人明确拒绝调解。", now=T0)
    assert declined.state == MedState.DECLINED
    case = dispute(svc)
    med.med_accept(case.pk, actor=svc.mediator, now=T0)
    with pytest.raises(InvalidInput):
        med.med_fail(case.pk, actor=svc.mediator, next_channel="duel", reason="未达成一致", now=T0)
    failed = med.med_fail(case.pk, actor=svc.mediator, next_channel="litigation", reason="双方对赔偿金额分歧过大。",
                          now=T0 + timedelta(days=5))
    assert failed.state == MedState.FAILED
    assert "向人民法院提起诉讼" in OutboxMessage.objects.filter(case_id=case.pk, template="progress_reply").last().payload["text"]


@pytest.mark.django_db
def test_an_extension_moves_the_month_with_reasons(world: World, svc: ServiceUnits) -> None:
    case = dispute(svc)
    med.med_accept(case.pk, actor=svc.mediator, now=T0)
    with pytest.raises(InvalidInput):
        med.med_extend(case.pk, actor=svc.med_leader, period="1y", reason="复杂", now=T0)
    med.med_extend(case.pk, actor=svc.med_leader, period="15d", reason="需等待土地部门出具界址证明。", now=T0 + timedelta(days=20))
    assert ms(case, "settle").due_at == datetime(2026, 11, 27, 23, 59, 59, tzinfo=SH)


@pytest.mark.django_db
def test_acceptance_needs_both_parties(world: World, svc: ServiceUnits) -> None:
    one = med.mediation_open(MedOpenIn(unit_id=svc.committee.pk, dispute_type="neighbour", facts="楼上漏水。",
                                       parties=[{"name": "赵一", "role": "applicant"}]),
                             actor=svc.mediator, now=T0, minimum_parties=1)
    with pytest.raises(InvalidInput, match="对方当事人"):
        med.med_accept(one.pk, actor=svc.mediator, now=T0)
    med.med_accept(one.pk, actor=svc.mediator, parties=[{"name": "钱二", "role": "respondent"}], now=T0)
    assert [p["name"] for p in MediationFile.objects.get(case=one).parties] == ["赵一", "钱二"]
    with pytest.raises(InvalidInput, match="双方"):
        med.mediation_open(MedOpenIn(unit_id=svc.committee.pk, dispute_type="neighbour", facts="x",
                                     parties=[{"name": "赵一", "role": "applicant"}]), actor=svc.mediator)
