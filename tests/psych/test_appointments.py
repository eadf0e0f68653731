"""Counselling appointments by their own steps: a request scheduled within 3 working days, sessions
with confidential notes, closing; a referral to 12356 with its 转介单; a cancellation; a crisis
found in a session; group activities; and the counts the assessment reads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from banshi.cases.domain.matters import case_refer
from banshi.cases.enums import Kind
from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import Conflict, InvalidInput, PermissionDenied
from banshi.notify.models import OutboxMessage
from banshi.psych import appointments as ps
from banshi.psych.activities import activities_for, activity_create
from banshi.psych.counts import psych_counts
from banshi.psych.documents import psych_document_html
from banshi.psych.enums import CrState, PsState
from banshi.psych.inputs import ActivityIn, PsRequestIn
from banshi.psych.models import ConfidentialNote, CrisisFile, PsychFile, PsychSession
from banshi.sla.models import Milestone, MilestoneStatus
from tests.factories import World, case_new
from tests.psych.conftest import PsychWorld

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 12, 9, tzinfo=SH)  # a Monday
CONCERN = "最近三个月失眠严重，工作压力大，和家人经常争吵。"
SESSION = "来访者谈到与母亲的关系紧张，评估为一般心理问题。"


def request(pw: PsychWorld, *, now: datetime = T0, **kw: object) -> Case:
    data = {"station_id": pw.town_station.pk, "citizen_name": "林女士", "citizen_phone": "13900001111",
            "service": "individual", "preferred": "工作日晚上", "concern": CONCERN, **kw}
    return ps.psych_request(PsRequestIn(**data), actor=pw.counsellor, now=now)  # type: ignore[arg-type]


def test_a_request_is_scheduled_counselled_and_closed(world: World, pw: PsychWorld) -> None:
    case = request(pw)
    assert case.number.startswith("XL") and case.state == PsState.REQUESTED and case.confidential
    assert case.title == "心理咨询预约" and "个体心理咨询" in case.content and "工作日晚上" in case.content
    assert "失眠" not in case.content, "the concern is confidential"
    assert ConfidentialNote.objects.get(case=case, kind="concern").text == CONCERN
    receipt = OutboxMessage.objects.get(case_id=case.pk, channel="sms")
    assert receipt.template == "matter_receipt" and "心理" not in str(receipt.payload)
    m = Milestone.objects.get(case=case, kind="schedule")
    assert m.due_at.date() == date(2026, 10, 15)  # 3 working days

    at = T0 + timedelta(days=1, hours=9)
    case = ps.ps_schedule(case.pk, actor=pw.counsellor, at=at, now=T0 + timedelta(hours=2))
    f = PsychFile.objects.get(case=case)
    assert case.state == PsState.SCHEDULED and f.counsellor_id == pw.c_counsellor.pk
    assert f.place == pw.town_station.address and f.scheduled_at == at
    assert Milestone.objects.get(case=case, kind="schedule").status == MilestoneStatus.MET
    sms = OutboxMessage.objects.filter(case_id=case.pk, template="progress_reply").get()
    assert "10月13日" in sms.payload["text"]

    with pytest.raises(PermissionDenied, match="咨询师"):  # a handler of the centre who is no counsellor
        ps.ps_session(case.pk, actor=pw.clerk, at=at, notes=SESSION, now=at + timedelta(hours=1))
    with pytest.raises(InvalidInput, match="会谈记录不能为空"):
        ps.ps_session(case.pk, actor=pw.counsellor, at=at, notes="", now=at + timedelta(hours=1))
    case = ps.ps_session(case.pk, actor=pw.counsellor, at=at, notes=SESSION, minutes=50,
                         next_at=at + timedelta(days=7), now=at + timedelta(hours=1))
    assert case.state == PsState.COUNSELLING
    case = ps.ps_session(case.pk, actor=pw.counsellor, at=at + timedelta(days=7), notes="第二次会谈，情绪好转。",
                         mode="video", now=at + timedelta(days=7, hours=1))
    events = CaseEvent.objects.filter(case=case, action="ps_session").order_by("id")
    assert [e.data["session_no"] for e in events] == [1, 2] and events[1].data["mode"] == "video"
    for e in CaseEvent.objects.filter(case=case):
        assert "母亲" not in e.reason + str(e.data) and "失眠" not in e.reason + str(e.data)
    assert PsychSession.objects.filter(case=case).count() == 2
    assert ConfidentialNote.objects.filter(case=case, kind="session").count() == 2
    case = ps.ps_close(case.pk, actor=pw.head, notes="两次会谈后问题缓解，结案。", now=at + timedelta(days=8))
    assert case.state == PsState.CLOSED and case.closed_at is not None
    assert CaseEvent.objects.get(case=case, action="ps_close").data["sessions"] == 2
    counts = psych_counts(start=T0, end=T0 + timedelta(days=30))
    assert counts["sessions"] == 2
    from banshi.psych.files import psych_matter_file

    file = psych_matter_file(case)
    assert file is not None and file["sessions"] == 2 and file["counsellor"] == "李心怡"
    assert file["service_label"] == "个体心理咨询" and "失眠" not in str(file) and "母亲" not in str(file)


def test_a_referral_to_12356_prints_a_referral_form_without_the_notes(world: World, pw: PsychWorld) -> None:
    case = request(pw)
    with pytest.raises(InvalidInput, match="转介去向不正确"):
        ps.ps_refer(case.pk, actor=pw.counsellor, target="somewhere")
    case = ps.ps_refer(case.pk, actor=pw.counsellor, target="全国心理援助热线12356", notes="有自伤念头，建议专业评估。",
                       now=T0 + timedelta(hours=3))
    assert case.state == PsState.REFERRED
    f = PsychFile.objects.get(case=case)
    assert f.referral_target == "hotline_12356"
    html = psych_document_html(case)
    for words in ("心理服务转介单", "海港区社会心理服务指导中心", case.number, "全国心理援助热线12356", "林女士", "139****1111"):
        assert words in html
    assert "自伤念头" not in html and "失眠" not in html


def test_a_cancellation_needs_a_reason_and_has_no_referral_form(world: World, pw: PsychWorld) -> None:
    case = request(pw)
    with pytest.raises(InvalidInput):
        ps.ps_cancel(case.pk, actor=pw.counsellor, reason="")
    case = ps.ps_cancel(case.pk, actor=None, reason="本人来电取消")  # the portal may cancel
    assert case.state == PsState.CANCELLED
    from banshi.core.errors import NotFound

    with pytest.raises(NotFound):
        psych_document_html(case)


def test_a_crisis_found_in_a_session_opens_a_crisis_matter(world: World, pw: PsychWorld) -> None:
    case = request(pw)
    ps.ps_schedule(case.pk, actor=pw.counsellor, at=T0 + timedelta(days=1), now=T0)
    ps.ps_crisis(case.pk, actor=pw.counsellor, notes="会谈中透露已写好遗书。", now=T0 + timedelta(days=1, hours=1))
    crisis = Case.objects.get(origin=case, kind=Kind.CRISIS)
    assert crisis.state == CrState.NEW and "遗书" not in crisis.content
    f = CrisisFile.objects.get(case=crisis)
    assert f.source == "counselling" and f.counsellor_id == pw.c_counsellor.pk and f.station_id == pw.town_station.pk
    assert ConfidentialNote.objects.get(case=crisis, kind="finding").text == "会谈中透露已写好遗书。"
    ev = CaseEvent.objects.get(case=case, action="ps_crisis")
    assert ev.data["matter_number"] == crisis.number
    with pytest.raises(Conflict, match="已启动心理危机干预"):
        ps.ps_crisis(case.pk, actor=pw.counsellor)


def test_bad_inputs_are_clear_chinese_errors(world: World, pw: PsychWorld) -> None:
    with pytest.raises(InvalidInput, match="心理服务站点"):
        request(pw, station_id=999999)
    with pytest.raises(InvalidInput, match="服务类型不正确"):
        request(pw, service="magic")
    with pytest.raises(InvalidInput, match="电话号码格式不正确"):
        request(pw, citizen_phone="12")
    with pytest.raises(InvalidInput, match="求助者姓名"):
        request(pw, citizen_name=" ")
    with pytest.raises(PermissionDenied):  # a police handler may not open one at the centre
        ps.psych_request(PsRequestIn(station_id=pw.town_station.pk, citizen_name="甲"), actor=world.handler)
    case = request(pw)
    with pytest.raises(InvalidInput, match="时区"):
        ps.ps_schedule(case.pk, actor=pw.counsellor, at=datetime(2026, 10, 13, 9), now=T0)  # noqa: DTZ001
    with pytest.raises(InvalidInput, match="半年"):
        ps.ps_schedule(case.pk, actor=pw.counsellor, at=T0 + timedelta(days=400), now=T0)
    with pytest.raises(InvalidInput, match="咨询师"):
        ps.ps_schedule(case.pk, actor=pw.counsellor, at=T0 + timedelta(days=1), counsellor_name="不存在", now=T0)
    done = ps.ps_schedule(case.pk, actor=pw.head, at=T0 + timedelta(days=1), counsellor_name="赵明", now=T0)
    assert PsychFile.objects.get(case=done).counsellor_id == pw.c_colleague.pk


def test_a_demand_is_referred_to_the_psych_service(world: World, pw: PsychWorld) -> None:
    demand = case_new(world, content="孩子高三压力很大，整夜睡不着，想找心理老师聊聊。", region_code=pw.village.code)
    case_refer(demand.pk, actor=world.dispatcher, kind="psych", unit_id=pw.centre.pk, note="家长代为求助")
    matter = Case.objects.get(origin=demand, kind=Kind.PSYCH)
    assert PsychFile.objects.get(case=matter).station_id == pw.village_station.pk  # the nearest station of the unit
    assert "睡不着" not in matter.content
    assert "睡不着" in ConfidentialNote.objects.get(case=matter, kind="concern").text


def test_group_activities_are_recorded_by_the_stations_staff(world: World, pw: PsychWorld) -> None:
    data = {"station_id": pw.town_station.pk, "kind": "group_counselling", "topic": "考前减压团体辅导",
            "held_on": date(2026, 10, 10), "place": "文化路街道综治中心", "attendance": 24, "counsellors": ["李心怡"]}
    a = activity_create(ActivityIn(**data), actor=pw.counsellor, now=T0)  # type: ignore[arg-type]
    activity_create(ActivityIn(**{**data, "kind": "心理健康讲座", "attendance": 80}), actor=pw.head, now=T0)  # type: ignore[arg-type]
    assert a.kind == "group_counselling" and a.created_by == pw.counsellor
    with pytest.raises(PermissionDenied):
        activity_create(ActivityIn(**data), actor=world.handler, now=T0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="活动类型"):
        activity_create(ActivityIn(**{**data, "kind": "party"}), actor=pw.counsellor, now=T0)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="活动主题"):
        activity_create(ActivityIn(**{**data, "topic": ""}), actor=pw.counsellor, now=T0)  # type: ignore[arg-type]
    assert activities_for(pw.counsellor).count() == 2
    assert activities_for(world.supervisor).count() == 2  # the region's supervisor
    assert activities_for(world.handler).count() == 0 and activities_for(world.other_supervisor).count() == 0
    counts = psych_counts(start=datetime(2026, 10, 1, tzinfo=SH), end=datetime(2026, 11, 1, tzinfo=SH))
    assert counts["activities"] == 2 and counts["attendance"] == 104
    only = psych_counts(start=datetime(2026, 10, 1, tzinfo=SH), end=datetime(2026, 11, 1, tzinfo=SH),
                        unit_ids=[world.court.pk])
    assert only["activities"] == 0
