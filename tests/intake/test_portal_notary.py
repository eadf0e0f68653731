"""The portal's 公证预约: the matters with their one-time checklists, an office's free slots
(周末不打烊 and a special week marked), booking through the notary domain (the matter opens with
the citizen as no actor), the success page with the code and the checklist, cancelling with the
code and the phone (the place is freed), and every kind of bad input — a full slot, a wrong phone,
NUL bytes, ids that are not ids — as a 4xx page in Chinese, never a 500."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from banshi.cases.models import Case
from banshi.notary import catalog
from banshi.notary.enums import BookingStatus, NtState
from banshi.notary.models import NotaryBooking, NotarySlot
from tests.factories import World
from tests.notary.support import NotaryUnits, book, notary_units_build, slot


@pytest.fixture
def nt(world: World) -> NotaryUnits:
    return notary_units_build(world)


def next_weekday(wd: int, *, after: int = 2) -> date:
    """The first day of that weekday (0 Monday) at least `after` days from today, not near 国庆/春节."""
    d = timezone.localdate() + timedelta(days=after)
    while d.weekday() != wd or (d.month, d.day) <= (1, 7) or (d.month == 10 and d.day <= 8) \
            or (d.month == 5 and d.day <= 5):
        d += timedelta(days=1)
    return d


def at(d: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour)))


def free_slot(nt: NotaryUnits, *, day: date | None = None, capacity: int = 4, **kw: object) -> NotarySlot:
    return slot(nt, at(day or next_weekday(2)), capacity=capacity, now=timezone.now(), **kw)  # type: ignore[arg-type]


def form(nt: NotaryUnits, s: NotarySlot, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {"matter": "birth", "office": nt.office.pk, "slot": s.pk, "mode": "in_person",
                               "name": "王小明", "phone": "139 0000 1111", "submission_id": "n" * 32}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_home_has_the_notary_entry(world: World, client: Client) -> None:
    html = client.get("/portal/").content.decode()
    assert re.search(r'<a class="button" id="entry-notary" href="/portal/notary/"[^>]*>公证预约</a>', html)


def test_first_step_lists_each_matter_with_its_checklist_video_fee_and_period(world: World, nt: NotaryUnits,
                                                                             client: Client) -> None:
    r = client.get("/portal/notary/")
    assert r.status_code == 200
    html = r.content.decode()
    for m in catalog.matters().values():
        block = html[html.index(f'id="checklist-{m["code"]}"'):]
        block = block[:block.index("</div>")]
        assert all(d in block for d in m["materials"]), m["code"]  # the whole one-time checklist
        assert m["fee"] in block
        assert ("可远程视频办理" in block) == m["video"]
        assert "受理后" in block and "内出具公证书" in block
    assert "最多跑一次" in html
    assert f'<option value="{nt.office.pk}">海港区公证处</option>' in html
    assert "山海关区公证处" in html  # every active notary office is offered


def test_second_step_marks_weekend_and_special_slots(world: World, nt: NotaryUnits, client: Client) -> None:
    weekday = free_slot(nt, capacity=2)
    saturday = free_slot(nt, day=next_weekday(5))
    will_week = free_slot(nt, day=next_weekday(3), kind="special", label="遗嘱公证周", matters=["will"])
    full = free_slot(nt, day=next_weekday(1), capacity=1)
    book(full, now=timezone.now(), phone="13700000001")
    html = client.get(f"/portal/notary/?matter=birth&office={nt.office.pk}").content.decode()
    assert f'id="slot-{weekday.pk}"' in html and "剩余2个名额" in html
    sat = html[html.index(f'id="slot-{saturday.pk}"'):][:600]
    assert "周末不打烊" in sat
    assert f'id="slot-{will_week.pk}"' not in html  # only wills in the will week
    assert f'id="slot-{full.pk}"' not in html  # no place left
    assert "出生公证" in html[html.index('id="chosen-matter"'):]
    html = client.get(f"/portal/notary/?matter=will&office={nt.office.pk}").content.decode()
    assert "遗嘱公证周" in html[html.index(f'id="slot-{will_week.pk}"'):][:600]
    assert 'id="mode-video"' not in html and "此事项不能视频办理" in html  # a will is made in person


def test_a_citizen_books_sees_the_code_and_checklist_and_can_follow_it(world: World, nt: NotaryUnits,
                                                                      client: Client) -> None:
    s = free_slot(nt)
    r = client.post("/portal/notary/", form(nt, s))
    assert r.status_code == 302 and r["Location"] == "/portal/notary/booked/", r.content.decode()[:3000]
    b = NotaryBooking.objects.get()
    case = Case.objects.get(pk=b.case_id)
    assert (case.kind, case.state, case.channel, case.created_by) == ("notary", NtState.BOOKED, "portal", None)
    assert b.citizen_phone == "13900001111" and b.booked_by is None and b.mode == "in_person"
    s.refresh_from_db()
    assert s.booked == 1
    html = client.get("/portal/notary/booked/").content.decode()
    assert f'<p class="code" id="booking-code">{b.code}</p>' in html
    checklist = html[html.index('id="checklist"'):]
    assert all(d in checklist for d in catalog.matter("birth")["materials"])  # type: ignore[index]
    assert "海港区公证处" in html and "到公证处办理" in html
    # The tracking page opens without typing the code again.
    page = client.get(f"/portal/case/{case.tracking_code}/")
    assert page.status_code == 200 and "已预约" in page.content.decode()
    # A second tap on 确认预约 gives back the first booking.
    again = client.post("/portal/notary/", form(nt, s))
    assert again.status_code == 302 and NotaryBooking.objects.count() == 1


def test_video_booking(world: World, nt: NotaryUnits, client: Client) -> None:
    s = free_slot(nt, video=True)
    r = client.post("/portal/notary/", form(nt, s, mode="video", matter="education"))
    assert r.status_code == 302, r.content.decode()[:3000]
    assert NotaryBooking.objects.get().mode == "video"
    assert "远程视频办理" in client.get("/portal/notary/booked/").content.decode()


def test_the_last_place_taken_meanwhile_is_a_409_in_chinese(world: World, nt: NotaryUnits, client: Client) -> None:
    s = free_slot(nt, capacity=1)
    book(s, now=timezone.now(), phone="13700000001")  # someone else, a moment before
    r = client.post("/portal/notary/", form(nt, s))
    assert r.status_code == 409
    html = r.content.decode()
    assert "该时段已约满，请选择其他时段。" in html and 'id="error-summary"' in html
    assert NotaryBooking.objects.count() == 1


@pytest.mark.parametrize(("change", "status", "message"), [
    ({"phone": "12345"}, 400, "手机"),
    ({"phone": "0335-1234567"}, 400, "11位手机号码"),
    ({"name": ""}, 400, "请填写您的姓名。"),
    ({"name": "王\x00明"}, 400, "无法识别的字符"),
    ({"phone": "139\x0000001111"}, 400, "无法识别的字符"),
    ({"slot": "abc"}, 400, "请选择一个预约时段。"),
    ({"slot": "\x00"}, 400, "请选择一个预约时段。"),
    ({"slot": None}, 400, "请选择一个预约时段。"),
    ({"slot": 999999}, 404, "预约时段不存在。"),
    ({"matter": "no_such"}, 400, "公证事项"),
    ({"matter": "bir\x00th"}, 400, "公证事项"),
    ({"office": "x"}, 400, "公证处"),
    ({"mode": "teleport"}, 400, "办理方式"),
    ({"mode": "video"}, 400, "不提供视频办理"),
    ({"matter": "will", "mode": "video"}, 400, "不能视频办理"),
    ({"submission_id": "s\x00"}, 400, "页面已过期"),
])
def test_bad_input_is_a_4xx_page_in_chinese(world: World, nt: NotaryUnits, client: Client,
                                            change: dict[str, object], status: int, message: str) -> None:
    s = free_slot(nt)
    r = client.post("/portal/notary/", form(nt, s, **change))
    assert r.status_code == status, r.content.decode()[:2000]
    assert message in r.content.decode()
    assert NotaryBooking.objects.count() == 0


@pytest.mark.parametrize("query", ["?matter=%00", "?matter=birth&office=%00", "?office=abc&matter=birth",
                                   "?matter=" + "x" * 5000, "?office=99999999999999999999999&matter=birth"])
def test_bad_first_step_queries_are_400_not_500(world: World, nt: NotaryUnits, client: Client, query: str) -> None:
    r = client.get(f"/portal/notary/{query}")
    text = r.content.decode()
    assert r.status_code == 400 and ("请从列表中选择" in text or "不允许的空字符" in text), text[:500]


def test_cancel_with_code_and_phone_frees_the_place(world: World, nt: NotaryUnits, client: Client) -> None:
    s = free_slot(nt, capacity=1)
    assert client.post("/portal/notary/", form(nt, s)).status_code == 302
    b = NotaryBooking.objects.get()
    assert f"/portal/notary/cancel/?code={b.code}" in client.get("/portal/notary/booked/").content.decode()
    other = Client()
    wrong = other.post("/portal/notary/cancel/", {"code": b.code, "phone": "13900002222"})
    assert wrong.status_code == 404 and "预约码或手机号不正确。" in wrong.content.decode()
    nul = other.post("/portal/notary/cancel/", {"code": "AB\x00CD", "phone": "13900001111"})
    assert nul.status_code == 400 and "无法识别的字符" in nul.content.decode()
    empty = other.post("/portal/notary/cancel/", {"code": "", "phone": ""})
    assert empty.status_code == 400 and "请填写预约码" in empty.content.decode()
    r = other.post("/portal/notary/cancel/", {"code": b.code.lower(), "phone": "139-0000-1111"})
    assert r.status_code == 200 and 'id="cancelled"' in r.content.decode()
    b.refresh_from_db()
    s.refresh_from_db()
    assert b.status == BookingStatus.CANCELLED and s.booked == 0
    assert Case.objects.get(pk=b.case_id).state == NtState.CANCELLED
    twice = other.post("/portal/notary/cancel/", {"code": b.code, "phone": "13900001111"})
    assert twice.status_code == 409 and "不能取消" in twice.content.decode()
    # The freed place can be booked again.
    assert f'id="slot-{s.pk}"' in client.get(f"/portal/notary/?matter=birth&office={nt.office.pk}").content.decode()


def test_booked_page_without_a_booking_goes_back_to_the_form(world: World, client: Client) -> None:
    r = client.get("/portal/notary/booked/")
    assert r.status_code == 302 and r["Location"] == "/portal/notary/"
