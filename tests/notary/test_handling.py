"""Handling a notary matter by its legal steps: 受理 starts the certificate clock on the legal
calendar (15 working days by default, 5 for a simple matter); 补充材料 pauses it (公证法 art. 30);
the certificate's number, whether it was on time, by video, and in one visit; 不予办理 with its
article and reasons (art. 31); 终止; the printable notices in the office's name."""

from __future__ import annotations

from datetime import datetime

import pytest

from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from banshi.notary import domain as dom
from banshi.notary.documents import notary_document_html
from banshi.notary.enums import BookingStatus, NtState
from banshi.notary.files import notary_file
from banshi.notary.models import NotaryBooking, NotaryFile
from banshi.notify.models import OutboxMessage
from banshi.sla.models import Milestone, MilestoneStatus
from tests.factories import World
from tests.notary.support import SH, NotaryUnits, at, book, slot


def booked(nt: NotaryUnits, start: datetime, matter: str, *, mode: str = "in_person", phone: str = "13900001111") -> int:
    s = slot(nt, start, video=mode == "video")
    return book(s, matter=matter, mode=mode, phone=phone).case_id  # type: ignore[return-value]


def milestone(case_id: int) -> Milestone:
    return Milestone.objects.filter(case_id=case_id, kind="certificate").order_by("-id").first()  # type: ignore[return-value]


def data(case_id: int, action: str) -> dict:  # type: ignore[type-arg]
    return CaseEvent.objects.filter(case_id=case_id, action=action).order_by("-id").first().data  # type: ignore[union-attr]


@pytest.mark.django_db
def test_the_certificate_is_due_in_15_working_days_on_the_legal_calendar(world: World, nt: NotaryUnits) -> None:
    case_id = booked(nt, at(2026, 9, 28, 9), "inheritance")
    case = dom.nt_accept(case_id, actor=nt.handler, now=at(2026, 9, 28, 10))
    assert case.state == NtState.REVIEW
    # Sep 29, 30, then 国庆 (Oct 1–7), Oct 8, 9, the make-up Saturday Oct 10, … : the 15th working day is Oct 23.
    assert milestone(case_id).due_at == datetime(2026, 10, 23, 23, 59, 59, tzinfo=SH)
    assert case.next_due_at == milestone(case_id).due_at
    d = data(case_id, "nt_accept")
    assert d["periods"] == {"certificate": "15wd"} and d["period"] == "15wd" and d["matter"] == "inheritance"
    assert "2026年10月23日" in d["text"]
    f = NotaryFile.objects.get(case_id=case_id)
    assert f.accepted_at == at(2026, 9, 28, 10) and f.visits == 1
    assert NotaryBooking.objects.get(case_id=case_id).status == BookingStatus.ATTENDED


@pytest.mark.django_db
def test_a_simple_matter_is_due_in_5_working_days(world: World, nt: NotaryUnits) -> None:
    case_id = booked(nt, at(2026, 9, 29, 9), "birth")
    dom.nt_accept(case_id, actor=nt.handler, now=at(2026, 9, 29, 9, 30))
    # Sep 30, Oct 8, 9, 10 (调休), 12.
    assert milestone(case_id).due_at == datetime(2026, 10, 12, 23, 59, 59, tzinfo=SH)
    assert milestone(case_id).period == "5wd"
    # The office may set another of the allowed periods when it accepts; nothing else.
    other = booked(nt, at(2026, 11, 2, 9), "birth", phone="13900002222")
    with pytest.raises(InvalidInput, match="出证期限应为"):
        dom.nt_accept(other, actor=nt.handler, period="3d", now=at(2026, 11, 2, 9, 30))
    dom.nt_accept(other, actor=nt.handler, period="10wd", now=at(2026, 11, 2, 9, 30))
    assert milestone(other).due_at == datetime(2026, 11, 16, 23, 59, 59, tzinfo=SH)


@pytest.mark.django_db
def test_waiting_for_documents_pauses_the_clock(world: World, nt: NotaryUnits) -> None:
    case_id = booked(nt, at(2026, 11, 2, 9), "kinship")  # 10 working days
    dom.nt_accept(case_id, actor=nt.handler, now=at(2026, 11, 2, 10))
    due_before = milestone(case_id).due_at
    assert due_before == datetime(2026, 11, 16, 23, 59, 59, tzinfo=SH)
    with pytest.raises(InvalidInput, match="一次性告知"):
        dom.nt_docs_request(case_id, actor=nt.handler, documents=["", " "], now=at(2026, 11, 3))
    case = dom.nt_docs_request(case_id, actor=nt.handler, documents=["父亲的户籍档案", "单位人事档案证明"],
                               note="关系人户籍已注销", now=at(2026, 11, 3, 9))
    assert case.state == NtState.DOCS and milestone(case_id).status == MilestoneStatus.PAUSED
    assert case.next_due_at is None  # nothing runs while the office waits for the citizen
    sms = OutboxMessage.objects.get(case_id=case_id, template="nt_docs")
    assert sms.payload["text"] == "父亲的户籍档案、单位人事档案证明"  # every missing document in one notice
    assert NotaryFile.objects.get(case_id=case_id).docs_missing == ["父亲的户籍档案", "单位人事档案证明"]
    html = notary_document_html(Case.objects.get(pk=case_id))
    assert "受理通知书" in html and "父亲的户籍档案" in html and "暂停计算出证期限" in html
    # A week later the documents come (online: no visit); the clock runs again: the four whole
    # working days paused (Nov 4, 5, 6, 9) do not count.
    case = dom.nt_docs_received(case_id, actor=None, now=at(2026, 11, 10, 9))
    assert case.state == NtState.REVIEW and milestone(case_id).status == MilestoneStatus.PENDING
    assert milestone(case_id).due_at == datetime(2026, 11, 20, 23, 59, 59, tzinfo=SH) > due_before
    assert NotaryFile.objects.get(case_id=case_id).docs_missing == []
    done = dom.nt_issue(case_id, actor=nt.handler, certificate_number="（2026）冀秦海证字第1001号", delivery="mail",
                        now=at(2026, 11, 20, 15))  # after the first due date, within the paused one
    assert done.state == NtState.ISSUED and done.closed_at is not None
    d = data(case_id, "nt_issue")
    assert d["on_time"] is True and d["one_visit"] is True and d["visits"] == 1
    assert d["certificate_number"] == "（2026）冀秦海证字第1001号" and d["video"] is False


@pytest.mark.django_db
def test_a_video_matter_takes_no_trip_and_a_late_one_is_counted_late(world: World, nt: NotaryUnits) -> None:
    video = booked(nt, at(2026, 11, 2, 9), "no_criminal_record", mode="video")
    dom.nt_accept(video, actor=nt.handler, now=at(2026, 11, 2, 9, 20))
    with pytest.raises(InvalidInput, match="视频办理的公证书"):
        dom.nt_issue(video, actor=nt.handler, certificate_number="（2026）冀秦海证字第2001号", now=at(2026, 11, 3))
    dom.nt_issue(video, actor=nt.handler, certificate_number="（2026）冀秦海证字第2001号", delivery="electronic",
                 now=at(2026, 11, 3, 10))
    d = data(video, "nt_issue")
    assert (d["video"], d["visits"], d["one_visit"], d["on_time"]) == (True, 0, True, True)
    # Another: documents handed in at the window and the certificate fetched later: three trips, and late.
    slow = booked(nt, at(2026, 11, 2, 14), "birth", phone="13900002222")
    dom.nt_accept(slow, actor=nt.handler, now=at(2026, 11, 2, 14, 30))  # due Nov 9
    dom.nt_docs_request(slow, actor=nt.handler, documents=["出生医学证明原件"], now=at(2026, 11, 3))
    dom.nt_docs_received(slow, actor=nt.handler, in_person=True, now=at(2026, 11, 4))
    with pytest.raises(Conflict, match="已被使用"):
        dom.nt_issue(slow, actor=nt.handler, certificate_number="（2026）冀秦海证字第2001号", now=at(2026, 11, 20))
    dom.nt_issue(slow, actor=nt.leader, certificate_number="（2026）冀秦海证字第2002号", delivery="pickup",
                 now=at(2026, 11, 20))
    d = data(slow, "nt_issue")
    assert (d["visits"], d["one_visit"], d["on_time"]) == (3, False, False)
    assert milestone(slow).status == MilestoneStatus.MET_LATE
    html = notary_document_html(Case.objects.get(pk=slow))
    assert "公证书出具通知" in html and "海港区公证处" in html and "（2026）冀秦海证字第2002号" in html


@pytest.mark.django_db
def test_refusal_names_its_article_and_is_the_leaders(world: World, nt: NotaryUnits) -> None:
    case_id = booked(nt, at(2026, 11, 2, 9), "inheritance")
    dom.nt_accept(case_id, actor=nt.handler, now=at(2026, 11, 2, 10))
    with pytest.raises(InvalidInput, match="不予办理的情形不正确"):
        dom.nt_refuse(case_id, actor=nt.leader, reason_code="boring", reason="x", now=at(2026, 11, 3))
    with pytest.raises(InvalidInput, match="理由不能为空"):
        dom.nt_refuse(case_id, actor=nt.leader, reason_code="disputed", reason=" ", now=at(2026, 11, 3))
    with pytest.raises(PermissionDenied):  # approved by the head of the office
        dom.nt_refuse(case_id, actor=nt.handler, reason_code="disputed", reason="继承人对房产分配有争议", now=at(2026, 11, 3))
    case = dom.nt_refuse(case_id, actor=nt.leader, reason_code="disputed",
                         reason="继承人之间对房产分配有争议，建议申请人民调解或者向法院起诉。", now=at(2026, 11, 3))
    assert case.state == NtState.REFUSED and milestone(case_id).status == MilestoneStatus.MET
    ev = CaseEvent.objects.get(case_id=case_id, action="nt_refuse")
    assert "公证法第31条第（四）项" in ev.reason and ev.data["reason_code"] == "disputed"
    assert "不予办理公证" in OutboxMessage.objects.filter(case_id=case_id).order_by("-id").first().payload["text"]  # type: ignore[union-attr]
    html = notary_document_html(case)
    assert "不予办理公证通知书" in html and "建议申请人民调解" in html and "第31条第（四）项" in html
    assert notary_file(case)["refusal_label"].startswith("当事人之间对申请公证的事项有争议")  # type: ignore[index]


@pytest.mark.django_db
def test_termination_and_documents_by_state(world: World, nt: NotaryUnits) -> None:
    case_id = booked(nt, at(2026, 11, 2, 9), "house_gift")
    case = Case.objects.get(pk=case_id)
    html = notary_document_html(case)
    assert "公证预约确认单" in html and "不动产权证书" in html and "须本人到场办理" in html
    dom.nt_accept(case_id, actor=nt.handler, now=at(2026, 11, 2, 10))
    dom.nt_docs_request(case_id, actor=nt.handler, documents=["配偶同意赠与的书面意见"], now=at(2026, 11, 3))
    ended = dom.nt_terminate(case_id, actor=nt.leader, reason_code="withdrawn", reason="赠与人决定暂不赠与，撤回申请。",
                             now=at(2026, 11, 5))
    assert ended.state == NtState.ENDED and milestone(case_id).status == MilestoneStatus.MET
    assert "终止公证通知书" in notary_document_html(ended)
    with pytest.raises(InvalidInput):
        dom.nt_terminate(case_id, actor=nt.leader, reason_code="nope", reason="x", now=at(2026, 11, 5))
    cancelled = booked(nt, at(2026, 11, 6, 9), "birth", phone="13900002222")
    dom.nt_cancel(cancelled, actor=nt.handler, now=at(2026, 11, 5))
    with pytest.raises(NotFound, match="没有可打印的文书"):
        notary_document_html(Case.objects.get(pk=cancelled))
