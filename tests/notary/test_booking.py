"""Booking a notary matter: the offices' slots (weekdays, 周末不打烊 on the legal calendar's rest
days, a will-notarization week of its own), booking in person or by video with the code by SMS and
a reminder, cancellations that free the place, the day's list, and no-shows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from banshi.notary import domain as dom
from banshi.notary.enums import BookingStatus, NtState, SlotKind
from banshi.notary.inputs import BookingIn, SlotIn
from banshi.notary.models import NotaryBooking, NotaryFile, NotarySlot
from banshi.notify.models import OutboxMessage
from tests.factories import World
from tests.notary.support import NotaryUnits, at, book, slot


def _event(case_id: int | None, action: str) -> CaseEvent:
    return CaseEvent.objects.get(case_id=case_id, action=action)


@pytest.mark.django_db
def test_a_weekday_booking_opens_the_matter_with_its_code_and_reminder(world: World, nt: NotaryUnits) -> None:
    s = slot(nt, at(2026, 11, 4, 9), capacity=3)  # a Wednesday
    assert (s.kind, s.weekend, s.free) == (SlotKind.REGULAR, False, 3)
    b = book(s, matter="inheritance", now=at(2026, 11, 2, 15))
    case = Case.objects.get(pk=b.case_id)
    assert case.kind == "notary" and case.state == NtState.BOOKED and case.number.startswith("GZ")
    assert case.lead_unit_id == nt.office.pk and case.policy is not None and case.policy.code == "notarization"
    assert case.category == "notary.inheritance" and case.channel == "portal" and case.created_by is None
    assert len(b.code) == 8 and b.status == BookingStatus.BOOKED and b.slot.booked == 1
    f = NotaryFile.objects.get(case=case)
    assert (f.matter, f.period, f.mode, f.weekend) == ("inheritance", "15wd", "in_person", False)
    data = _event(case.pk, "nt_book").data
    assert data["booking_code"] == b.code and data["video"] is False and data["weekend"] is False
    assert data["matter"] == "inheritance" and data["special"] == ""
    # The code and the whole checklist by SMS at once; the reminder at 10:00 the day before.
    sms = OutboxMessage.objects.filter(case_id=case.pk, channel="sms").order_by("next_attempt_at")
    confirm, reminder = list(sms)
    assert b.code in confirm.payload["text"] and "被继承人的死亡证明" in confirm.payload["text"]
    # A long checklist is cut at an item, never mid-word, and says where the rest is.
    assert len(confirm.payload["text"]) <= 300 and confirm.payload["text"].endswith("等8项，详见预约确认单或凭查询码查询。")
    assert reminder.payload["kind"] == "nt_reminder" and reminder.next_attempt_at == at(2026, 11, 3, 10)
    assert b.code in reminder.payload["text"] and "11月4日（周三）09:00—10:30" in reminder.payload["text"]
    # No milestone runs before the office accepts the application.
    assert case.next_due_at is None


@pytest.mark.django_db
def test_weekend_slots_follow_the_legal_calendar(world: World, nt: NotaryUnits) -> None:
    saturday = slot(nt, at(2026, 11, 7, 9), hours=3)  # published as regular: it is a rest day
    assert saturday.kind == SlotKind.WEEKEND and saturday.weekend
    holiday = slot(nt, at(2026, 10, 3, 9), kind="weekend", now=at(2026, 9, 1))  # 国庆
    assert holiday.weekend
    # 2026-10-10 is a Saturday but a make-up working day (调休): not a 周末不打烊 slot.
    with pytest.raises(InvalidInput, match="周末或法定节假日"):
        slot(nt, at(2026, 10, 10, 9), kind="weekend", now=at(2026, 9, 1))
    workday_saturday = slot(nt, at(2026, 10, 10, 9), now=at(2026, 9, 1))
    assert workday_saturday.kind == SlotKind.REGULAR and not workday_saturday.weekend
    b = book(saturday, matter="power_of_attorney")
    assert _event(b.case_id, "nt_book").data["weekend"] is True
    assert NotaryFile.objects.get(case_id=b.case_id).weekend


@pytest.mark.django_db
def test_a_will_week_has_its_own_capacity_and_matters(world: World, nt: NotaryUnits) -> None:
    week = [slot(nt, at(2026, 12, d, 9), hours=3, capacity=2, kind="special", label="遗嘱公证周", matters=["will"])
            for d in (7, 8)]
    assert week[0].label == "遗嘱公证周" and week[0].matters == ["will"]
    with pytest.raises(InvalidInput, match="该时段只办理：遗嘱公证"):
        book(week[0], matter="birth")
    with pytest.raises(InvalidInput, match="不能视频办理"):  # a will is made in person (公证法第26条)
        book(week[0], matter="will", mode="video")
    b = book(week[0], matter="will", name="李奶奶")
    assert _event(b.case_id, "nt_book").data["special"] == "遗嘱公证周"
    assert NotaryFile.objects.get(case_id=b.case_id).special == "遗嘱公证周"
    with pytest.raises(InvalidInput, match="专题名称不能为空"):
        slot(nt, at(2026, 12, 9, 9), kind="special")
    with pytest.raises(InvalidInput, match="不能开放视频办理"):
        slot(nt, at(2026, 12, 9, 9), kind="special", label="遗嘱公证周", matters=["will"], video=True)


@pytest.mark.django_db
def test_a_video_matter(world: World, nt: NotaryUnits) -> None:
    plain = slot(nt, at(2026, 11, 4, 14))
    video = slot(nt, at(2026, 11, 4, 15, 30), video=True)
    with pytest.raises(InvalidInput, match="不提供视频办理"):
        book(plain, matter="education", mode="video")
    with pytest.raises(InvalidInput, match="房产赠与公证不能视频办理"):
        book(video, matter="house_gift", mode="video")
    b = book(video, matter="education", mode="video", phone="13700002222")
    assert b.mode == "video" and _event(b.case_id, "nt_book").data["video"] is True
    assert "视频办理" in Case.objects.get(pk=b.case_id).content
    assert [s.pk for s in dom.slots_free(nt.office.pk, date(2026, 11, 4), mode="video", now=at(2026, 11, 1))] == [video.pk]


@pytest.mark.django_db
def test_cancelling_frees_the_place(world: World, nt: NotaryUnits) -> None:
    s = slot(nt, at(2026, 11, 5, 9), capacity=1)
    first = book(s, phone="13900001111", now=at(2026, 11, 2, 9))
    with pytest.raises(Conflict, match="已约满"):
        book(s, phone="13900002222", now=at(2026, 11, 2, 10))
    assert dom.slots_free(nt.office.pk, date(2026, 11, 5), now=at(2026, 11, 2, 10)) == []
    # The citizen cancels with the phone number booked; a wrong number finds nothing.
    with pytest.raises(NotFound, match="预约码或手机号不正确"):
        dom.booking_cancel(first.code, actor=None, phone="13900009999", now=at(2026, 11, 3))
    done = dom.booking_cancel(first.code.lower(), actor=None, phone="139-0000-1111", reason="时间冲突", now=at(2026, 11, 3))
    assert done.status == BookingStatus.CANCELLED and done.cancel_reason == "时间冲突"
    assert Case.objects.get(pk=first.case_id).state == NtState.CANCELLED
    assert NotarySlot.objects.get(pk=s.pk).booked == 0
    assert not OutboxMessage.objects.filter(case_id=first.case_id, payload__kind="nt_reminder").exists()
    assert "已取消" in OutboxMessage.objects.filter(case_id=first.case_id).order_by("-id").first().payload["text"]  # type: ignore[union-attr]
    assert _event(first.case_id, "nt_cancel").data["booking_code"] == first.code
    # The freed place can be booked again; cancelling twice does not free two places.
    second = book(s, phone="13900002222", now=at(2026, 11, 3, 12))
    with pytest.raises(Conflict):
        dom.booking_cancel(first.code, actor=None, phone="13900001111", now=at(2026, 11, 3, 13))
    assert NotarySlot.objects.get(pk=s.pk).booked == 1
    # Once the slot has started only the office can cancel.
    with pytest.raises(Conflict, match="已经开始"):
        dom.booking_cancel(second.code, actor=None, phone="13900002222", now=at(2026, 11, 5, 9, 10))
    with pytest.raises(NotFound):  # another office's staff do not see the matter
        dom.booking_cancel(second.code, actor=nt.other_handler, now=at(2026, 11, 5, 9, 10))
    assert dom.booking_cancel(second.code, actor=nt.operator, now=at(2026, 11, 5, 9, 10)).status == "cancelled"
    assert NotarySlot.objects.get(pk=s.pk).booked == 0


@pytest.mark.django_db
def test_one_phone_books_a_slot_once_and_at_most_three_at_a_time(world: World, nt: NotaryUnits) -> None:
    slots = [slot(nt, at(2026, 11, 9 + i, 9)) for i in range(4)]
    now = at(2026, 11, 5)
    book(slots[0], now=now)
    with pytest.raises(Conflict, match="请勿重复预约"):
        book(slots[0], now=now)
    book(slots[1], now=now)
    book(slots[2], now=now)
    with pytest.raises(Conflict, match="最多同时保留3个"):
        book(slots[3], now=now)
    assert NotarySlot.objects.get(pk=slots[3].pk).booked == 0  # nothing was taken


@pytest.mark.django_db
def test_staff_book_for_walk_ins_and_see_the_days_list(world: World, nt: NotaryUnits) -> None:
    morning = slot(nt, at(2026, 11, 4, 9), capacity=3)
    afternoon = slot(nt, at(2026, 11, 4, 14), capacity=2)
    walk_in = book(morning, actor=nt.operator, phone="13600003333", name="赵大爷", now=at(2026, 11, 4, 9, 20))
    case = Case.objects.get(pk=walk_in.case_id)
    assert case.channel == "window" and case.created_by_id == nt.operator.pk
    assert walk_in.booked_by_id == nt.operator.pk
    other = book(afternoon, matter="kinship", phone="13600004444")
    dom.booking_cancel(other.code, actor=nt.handler, now=at(2026, 11, 3))
    book(afternoon, matter="declaration", phone="13600005555", now=at(2026, 11, 3, 8))
    with pytest.raises(PermissionDenied):  # another office's staff may not book here
        book(afternoon, actor=nt.other_handler, phone="13600006666")
    day = dom.day_list(nt.office.pk, date(2026, 11, 4), actor=nt.handler)
    assert day["office"] == "海港区公证处" and day["bookings"] == 2 and not day["weekend"]
    assert [s["id"] for s in day["slots"]] == [morning.pk, afternoon.pk]
    rows = day["slots"][1]["bookings"]
    assert [r["status"] for r in rows] == ["booked", "cancelled"]  # live ones first
    assert rows[0]["citizen_phone"] == "136****5555" and rows[0]["tracking_code"] is None
    assert day["slots"][0]["bookings"][0]["citizen_name"] == "赵大爷"
    assert dom.day_list(nt.office.pk, date(2026, 11, 4), actor=world.supervisor)["bookings"] == 2  # the region's supervisor
    for outsider in (nt.other_handler, world.handler, world.admin):
        with pytest.raises(PermissionDenied):
            dom.day_list(nt.office.pk, date(2026, 11, 4), actor=outsider)


@pytest.mark.django_db
def test_publishing_is_the_offices_own_and_checked(world: World, nt: NotaryUnits) -> None:
    start = at(2026, 11, 4, 9)

    def one(**kw: object) -> SlotIn:
        return SlotIn(**{"starts_at": start, "ends_at": start + timedelta(hours=1), "capacity": 2, **kw})  # type: ignore[arg-type]

    now = at(2026, 11, 1)
    for actor in (nt.other_handler, world.justice_handler, world.admin):
        with pytest.raises(PermissionDenied):
            dom.slots_publish(nt.office.pk, [one()], actor=actor, now=now)
    with pytest.raises(InvalidInput, match="请选择公证处"):
        dom.slots_publish(world.court.pk, [one()], actor=nt.handler, now=now)
    for bad, message in (({"ends_at": start}, "结束时间应晚于开始时间"),
                         ({"ends_at": start + timedelta(hours=13)}, "同一天内"),
                         ({"starts_at": at(2026, 10, 1), "ends_at": at(2026, 10, 1, 10)}, "已经结束"),
                         ({"starts_at": start.replace(tzinfo=None)}, "必须带时区"),
                         ({"kind": "vip"}, "时段类型不正确"), ({"matters": ["spaceflight"]}, "公证事项不正确")):
        with pytest.raises(InvalidInput, match=message):
            dom.slots_publish(nt.office.pk, [one(**bad)], actor=nt.handler, now=now)
    with pytest.raises(InvalidInput, match="至少"):
        dom.slots_publish(nt.office.pk, [], actor=nt.handler, now=now)
    dom.slots_publish(nt.office.pk, [one()], actor=nt.leader, now=now)
    with pytest.raises(Conflict, match="已经发布过"):
        dom.slots_publish(nt.office.pk, [one()], actor=nt.leader, now=now)
    assert NotarySlot.objects.count() == 1


@pytest.mark.django_db
def test_bad_bookings_are_refused_clearly(world: World, nt: NotaryUnits) -> None:
    s = slot(nt, at(2026, 11, 4, 9))
    base = {"slot_id": s.pk, "matter": "birth", "citizen_name": "王小明", "citizen_phone": "13900001111"}
    now = at(2026, 11, 2)
    for bad, message in (({"matter": "moon"}, "公证事项不正确"), ({"mode": "fax"}, "办理方式不正确"),
                         ({"citizen_name": " "}, "姓名不能为空"), ({"citizen_phone": "0335-1234567"}, "11位手机号"),
                         ({"citizen_phone": ""}, "11位手机号"), ({"citizen_id_number": "123"}, "身份证")):
        with pytest.raises(InvalidInput, match=message):
            dom.book(BookingIn(**{**base, **bad}), actor=None, now=now)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        dom.book(BookingIn(**{**base, "slot_id": 10**12}), actor=None, now=now)  # type: ignore[arg-type]
    with pytest.raises(Conflict, match="已经结束"):
        dom.book(BookingIn(**base), actor=None, now=at(2026, 11, 4, 11))  # type: ignore[arg-type]
    assert NotaryBooking.objects.count() == 0 and Case.objects.filter(kind="notary").count() == 0


@pytest.mark.django_db
def test_no_shows_close_after_the_slot(world: World, nt: NotaryUnits) -> None:
    s = slot(nt, at(2026, 11, 4, 9))
    b = book(s)
    with pytest.raises(Conflict, match="尚未结束"):
        dom.nt_no_show(b.case_id, actor=nt.handler, now=at(2026, 11, 4, 10))  # type: ignore[arg-type]
    other = book(s, phone="13900002222")
    assert dom.no_show_sweep(now=at(2026, 11, 4, 12)) == 0  # a day's grace
    missed = dom.nt_no_show(b.case_id, actor=nt.handler, now=at(2026, 11, 4, 11))  # type: ignore[arg-type]
    assert missed.state == NtState.MISSED and missed.closed_at is not None
    assert NotaryBooking.objects.get(pk=b.pk).status == BookingStatus.MISSED
    assert dom.no_show_sweep(now=at(2026, 11, 6, 9)) == 1
    assert Case.objects.get(pk=other.case_id).state == NtState.MISSED
    assert NotarySlot.objects.get(pk=s.pk).booked == 2  # the places were used up, not freed
