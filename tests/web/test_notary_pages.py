"""The workbench of a notary office: the day's bookings (only the office's staff and the region's
supervisors; each booking links to its matter and shows the checklist), publishing a slot (only
the office's own staff, through `slots_publish`), the home page's links, the case page's 公证案卷
panel (matter, mode, booking code, slot, certificate number) and the printable document served
like the case page (404 for a viewer who may not see the case, 404 when the matter has none)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banshi.cases.models import Case
from banshi.core.models import AuditLog
from banshi.notary import catalog
from banshi.notary import domain as dom
from banshi.notary.models import NotarySlot
from banshi.orgs.models import Person
from tests.factories import World
from tests.notary.support import NotaryUnits, book, notary_units_build, slot


@pytest.fixture
def nt(world: World) -> NotaryUnits:
    return notary_units_build(world)


def client_for(p: Person) -> Client:
    c = Client()
    c.force_login(p)
    return c


def text_of(resp: Any) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", resp.content.decode()))


def next_weekday(after: int = 2) -> date:
    d = timezone.localdate() + timedelta(days=after)
    while d.weekday() >= 5 or (d.month, d.day) <= (1, 7) or (d.month == 10 and d.day <= 8) \
            or (d.month == 5 and d.day <= 5):
        d += timedelta(days=1)
    return d


def booked(nt: NotaryUnits, *, matter: str = "birth", day: date | None = None) -> tuple[NotarySlot, Case, str]:
    d = day or next_weekday()
    s = slot(nt, timezone.make_aware(datetime.combine(d, time(9))), now=timezone.now())
    b = book(s, matter=matter, now=timezone.now())
    return s, Case.objects.get(pk=b.case_id), b.code


def test_day_list_shows_the_bookings_with_case_links_and_checklists(world: World, nt: NotaryUnits) -> None:
    s, case, code = booked(nt)
    day = timezone.localtime(s.starts_at).date().isoformat()
    r = client_for(nt.handler).get(f"/notary/day/?office={nt.office.pk}&date={day}")
    assert r.status_code == 200
    html = r.content.decode()
    row = html[html.index(f'data-code="{code}"'):]
    row = row[:row.index("</tr>")]
    assert f'href="/cases/{case.pk}/"' in row and "出生公证" in row
    assert "139****1111" in row and "13900001111" not in html  # the phone is masked on the list
    assert all(d in unescape(row) for d in catalog.matter("birth")["materials"])  # type: ignore[index]
    assert "已约 1 / 4" in text_of(r)
    # Without parameters: the person's own office, today.
    assert client_for(nt.leader).get("/notary/day/").status_code == 200


@pytest.mark.parametrize("who", ["other_handler", "handler", "admin"])
def test_day_list_is_only_for_the_office(world: World, nt: NotaryUnits, who: str) -> None:
    booked(nt)
    viewer = nt.other_handler if who == "other_handler" else getattr(world, who)
    r = client_for(viewer).get(f"/notary/day/?office={nt.office.pk}")
    assert r.status_code == 403
    if who != "admin":
        assert "您无权查看该公证处的预约。" in text_of(r)


@pytest.mark.parametrize("query", ["?office=abc", "?office=%C2%B2", "?date=2026-13-40", f"?date={'9' * 30}"])
def test_day_list_bad_parameters_are_400(world: World, nt: NotaryUnits, query: str) -> None:
    r = client_for(nt.handler).get(f"/notary/day/{query}")
    assert r.status_code == 400


def slot_form(nt: NotaryUnits, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {"office": nt.office.pk, "date": next_weekday(3).isoformat(), "start": "09:00",
                               "end": "11:30", "capacity": "6", "kind": "regular", "label": "", "note": ""}
    data.update(kw)
    return data


def test_the_office_head_publishes_a_slot(world: World, nt: NotaryUnits) -> None:
    c = client_for(nt.leader)
    page = c.get("/notary/slots/")
    assert page.status_code == 200 and f'<option value="{nt.office.pk}" selected>' in page.content.decode()
    r = c.post("/notary/slots/", slot_form(nt, video="on", matters=["birth", "education"]))
    assert r.status_code == 302 and r["Location"].startswith("/notary/day/?office=")
    s = NotarySlot.objects.get()
    assert (s.office_id, s.capacity, s.video, s.matters, s.created_by_id) == (nt.office.pk, 6, True,
                                                                             ["birth", "education"], nt.leader.pk)
    assert timezone.localtime(s.starts_at).hour == 9 and timezone.localtime(s.ends_at).minute == 30
    day = c.get(r["Location"])
    assert f'id="slot-{s.pk}"' in day.content.decode() and "已发布预约时段" in text_of(day)
    # A special week needs its label; the same slot twice is refused.
    bad = c.post("/notary/slots/", slot_form(nt, kind="special"))
    assert bad.status_code == 400 and "专题名称" in text_of(bad)
    again = c.post("/notary/slots/", slot_form(nt, video="on", matters=["birth", "education"]))
    assert again.status_code == 409 and "已经发布过" in text_of(again)


def test_a_weekend_slot_is_marked(world: World, nt: NotaryUnits) -> None:
    d = next_weekday(3)
    while d.weekday() != 5:
        d += timedelta(days=1)
    c = client_for(nt.leader)
    assert c.post("/notary/slots/", slot_form(nt, date=d.isoformat())).status_code == 302
    s = NotarySlot.objects.get()
    assert s.weekend and s.kind == "weekend"
    assert "周末不打烊" in text_of(c.get(f"/notary/day/?office={nt.office.pk}&date={d.isoformat()}"))


@pytest.mark.parametrize(("change", "message"), [
    ({"start": "9点"}, "开始、结束时间"),
    ({"date": ""}, "日期"),
    ({"capacity": "0"}, "1至500"),
    ({"capacity": "²"}, "1至500"),
    ({"end": "08:00"}, "结束时间应晚于开始时间"),
    ({"office": "x"}, "公证处不正确"),
    ({"date": "2020-01-06"}, "已经结束"),
])
def test_publishing_bad_input_is_400(world: World, nt: NotaryUnits, change: dict[str, object], message: str) -> None:
    r = client_for(nt.leader).post("/notary/slots/", slot_form(nt, **change))
    assert r.status_code == 400 and message in text_of(r), text_of(r)[:1500]
    assert not NotarySlot.objects.exists()


def test_only_the_office_staff_publish(world: World, nt: NotaryUnits) -> None:
    r = client_for(nt.other_handler).post("/notary/slots/", slot_form(nt))
    assert r.status_code == 403 and "只有本公证处的工作人员" in text_of(r)
    r = client_for(world.handler).get("/notary/slots/")  # a police station's handler
    assert r.status_code == 403
    r = client_for(world.supervisor).post("/notary/slots/", slot_form(nt))
    assert r.status_code == 403
    assert not NotarySlot.objects.exists()


def test_home_links_for_notary_staff_only(world: World, nt: NotaryUnits) -> None:
    booked(nt)
    html = client_for(nt.handler).get("/").content.decode()
    assert 'id="notary-day-link" href="/notary/day/"' in html and 'id="notary-slots-link"' in html
    assert 'id="services-notary"' in html
    other = client_for(world.handler).get("/").content.decode()
    assert "notary-day-link" not in other and "services-notary" not in other


def test_case_page_panel_and_document(world: World, nt: NotaryUnits) -> None:
    s, case, code = booked(nt)
    c = client_for(nt.handler)
    html = c.get(f"/cases/{case.pk}/").content.decode()
    panel = html[html.index('id="notary-file"'):]
    panel = unescape(re.sub(r"<[^>]+>", " ", panel[:panel.index("</dl>")]))
    assert "出生公证" in panel and "到公证处办理" in panel and code in panel
    assert dom.when_text(s.starts_at, s.ends_at) in panel and "公证书编号" in panel
    assert f'href="/cases/{case.pk}/notary-document"' in html
    doc = c.get(f"/cases/{case.pk}/notary-document")
    assert doc.status_code == 200 and "公证预约确认单" in doc.content.decode() and code in doc.content.decode()
    assert "sha256-" in doc["Content-Security-Policy"] and doc["Cache-Control"] == "private, no-store"
    assert AuditLog.objects.filter(action="document_view", object_id=str(case.pk)).exists()
    # Accepted and issued: the panel shows the certificate number, the document the certificate notice.
    dom.nt_accept(case.pk, actor=nt.handler)
    dom.nt_issue(case.pk, actor=nt.handler, certificate_number="（2026）冀秦海证字第1024号")
    html = c.get(f"/cases/{case.pk}/").content.decode()
    assert "（2026）冀秦海证字第1024号" in html[html.index('id="file-certificate"'):][:300]
    doc = c.get(f"/cases/{case.pk}/notary-document").content.decode()
    assert "公证书出具通知" in doc and "（2026）冀秦海证字第1024号" in doc


def test_document_is_scoped_like_the_case_page(world: World, nt: NotaryUnits) -> None:
    _s, case, _code = booked(nt)
    for viewer in (nt.other_handler, world.handler):
        assert client_for(viewer).get(f"/cases/{case.pk}/").status_code == 404
        assert client_for(viewer).get(f"/cases/{case.pk}/notary-document").status_code == 404
    assert client_for(world.admin).get(f"/cases/{case.pk}/notary-document").status_code == 403
    assert client_for(nt.handler).get("/cases/999999/notary-document").status_code == 404
    # A cancelled booking has no document: 404, and no link on the case page.
    dom.nt_cancel(case.pk, actor=nt.operator)
    c = client_for(nt.handler)
    assert c.get(f"/cases/{case.pk}/notary-document").status_code == 404
    assert "notary-document" not in c.get(f"/cases/{case.pk}/").content.decode()
