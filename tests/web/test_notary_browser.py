"""A notarization played in a real browser (Debian's Chromium through Playwright): a citizen
books 出生公证 from the portal at phone width (390×844) — the matter's checklist, an office, a
free slot, name and phone — and gets the booking code; the office's 公证员 opens 当日预约 from the
home page, opens the matter, runs 受理 and 出具公证书 (with the certificate number) through the case
page's forms, and opens the printable 公证书出具通知 (its inline stylesheet allowed by the page's
CSP hash: no console error). Screenshots: test-artifacts/notary-portal-book.png,
notary-portal-booked.png, notary-day.png, notary-issued.png."""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from banshi.notary.models import NotaryBooking, NotaryFile
from tests.factories import World
from tests.notary.support import notary_units_build, slot
from tests.web.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}
VIEW = {"width": 1366, "height": 900}
NUMBER = "（2026）冀秦海证字第2048号"


def _watch(page: Any) -> list[str]:
    errors: list[str] = []
    # The printable document links no icon: the browser's own /favicon.ico request is not the page's.
    page.on("console", lambda m: errors.append(f"{m.text} @ {m.location}")
            if m.type == "error" and "favicon.ico" not in str(m.location) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _open(page: Any, action: str) -> Any:
    box = page.locator(f"#action-{action}")
    assert box.count() == 1, f"action {action} not offered"
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def _submit(page: Any, box: Any) -> None:
    with page.expect_navigation():
        box.locator("button[type=submit]").click()
    assert page.locator("#action-error").count() == 0, page.locator("#action-error").inner_text()


def test_a_citizen_books_and_the_office_issues_the_certificate(live_server: Any, browser_world: World,
                                                               browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    nt = notary_units_build(browser_world)
    day = timezone.localdate() + timedelta(days=2)
    while day.weekday() >= 5 or (day.month == 10 and day.day <= 8) or (day.month, day.day) <= (1, 7) \
            or (day.month == 5 and day.day <= 5):
        day += timedelta(days=1)
    s = slot(nt, timezone.make_aware(datetime.combine(day, time(9))), capacity=3, video=True, now=timezone.now())
    base = live_server.url

    # The citizen, on a phone.
    ctx = browser.new_context(locale="zh-CN", viewport=PHONE)
    citizen = ctx.new_page()
    errors = _watch(citizen)
    citizen.goto(f"{base}/portal/")
    with citizen.expect_navigation():
        citizen.locator("#entry-notary").click()
    citizen.locator("#matter-birth").check()
    citizen.locator("#matter-birth ~ details summary").click()
    assert "请一次备齐以下材料" in citizen.locator("#checklist-birth").inner_text()
    citizen.locator("#id_office").select_option(label="海港区公证处")
    with citizen.expect_navigation():
        citizen.locator("#choose-button").click()
    assert "出生公证" in citizen.locator("#chosen-matter h2").inner_text()
    citizen.locator(f"#slot-{s.pk}").check()
    citizen.locator("#mode-video").check()
    citizen.locator("#id_name").fill("王小明")
    citizen.locator("#id_phone").fill("13900001111")
    # Nothing wider than the phone.
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    citizen.screenshot(path=str(ARTIFACTS / "notary-portal-book.png"), full_page=True)
    with citizen.expect_navigation():
        citizen.locator("#book-button").click()
    code = citizen.locator("#booking-code").inner_text().strip()
    booking = NotaryBooking.objects.get(code=code)
    assert booking.mode == "video" and booking.booked_by is None
    assert "远程视频办理" in citizen.locator("#booked-mode").inner_text()
    assert citizen.locator("#checklist ol.checklist li").count() >= 2
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    citizen.screenshot(path=str(ARTIFACTS / "notary-portal-booked.png"), full_page=True)
    assert not errors, errors
    ctx.close()

    # The office's 公证员: home → 当日预约 → the matter.
    staff = signed_in(browser, base, "nt_handler", VIEW)
    errors = _watch(staff)
    with staff.expect_navigation():
        staff.locator("#notary-day-link").click()
    staff.locator("#day-date").fill(day.isoformat())
    with staff.expect_navigation():
        staff.locator("#day-form button[type=submit]").click()
    row = staff.locator(f"tr[data-code='{code}']")
    assert "出生公证" in row.inner_text() and "139****1111" in row.inner_text()
    staff.screenshot(path=str(ARTIFACTS / "notary-day.png"), full_page=True)
    with staff.expect_navigation():
        row.locator("a.case-link").click()
    assert staff.locator("#case-kind").inner_text() == "公证"
    assert code in staff.locator("#file-booking-code").inner_text()

    box = _open(staff, "nt_accept")
    box.locator("#nt_accept-note").fill("材料齐全，视频核验身份")
    _submit(staff, box)
    assert "审查中" in staff.locator("#case-state").inner_text()
    box = _open(staff, "nt_issue")
    box.locator("#nt_issue-certificate_number").fill(NUMBER)
    box.locator("#nt_issue-delivery").select_option(label="邮寄送达")
    _submit(staff, box)
    assert "已出具公证书" in staff.locator("#case-state").inner_text()
    assert NUMBER in staff.locator("#file-certificate").inner_text()
    assert NotaryFile.objects.get(case_id=booking.case_id).certificate_number == NUMBER
    staff.screenshot(path=str(ARTIFACTS / "notary-issued.png"), full_page=True)

    with staff.expect_navigation():
        staff.locator("#documents a").first.click()
    assert "公证书出具通知" in staff.locator("h1").inner_text()
    assert NUMBER in staff.locator("#document").inner_text()
    assert not errors, errors
