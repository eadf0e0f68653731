"""A mediation played in a real browser (Debian's Chromium through Playwright), from a referred
demand: the dispatcher opens the demand and uses 转法律援助/人民调解 to send it to the committee;
the mediator finds it under 专项服务 on the home page, accepts it in a room, records a session and a
written agreement, and opens the printable 人民调解协议书 (its inline stylesheet allowed by the
page's CSP hash: no console error). Screenshots: test-artifacts/service-refer.png,
service-referred.png, service-home.png, service-mediation-case.png, service-agreement.png and
service-agreement-print.png (print media)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from banshi.cases.models import Case
from banshi.services.models import MediationFile, MediationRoom
from tests.factories import World, case_new, service_units_build
from tests.web.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEW = {"width": 1366, "height": 900}


def _watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} @ {m.location}") if m.type == "error" else None)
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


def test_a_referred_dispute_is_mediated_to_a_printable_agreement(live_server: Any, browser_world: World,
                                                                 browser: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    svc = service_units_build(browser_world)
    MediationRoom.objects.create(unit=svc.committee, name="老杨说事调解室", address="文化路12号")
    demand = case_new(browser_world, content="楼上邻居家漏水把我家天花板泡坏了，协商赔偿不成，希望调解。",
                      citizen_name="钱女士")
    base = live_server.url

    # The dispatcher refers the demand to the committee.
    disp = signed_in(browser, base, "dispatcher", VIEW)
    errors = _watch(disp)
    disp.goto(f"{base}/cases/{demand.pk}/")
    box = _open(disp, "refer")
    box.locator("#refer-kind").select_option(label="人民调解")
    box.locator("#refer-unit_id").select_option(label="文化路人民调解委员会")
    box.locator("#refer-note").fill("邻里漏水纠纷，转人民调解")
    box.scroll_into_view_if_needed()
    disp.screenshot(path=str(ARTIFACTS / "service-refer.png"), full_page=True)
    _submit(disp, box)
    matter = Case.objects.get(origin=demand)
    related = disp.locator("#related")
    assert "由此转入" in related.inner_text() and matter.number in related.inner_text()
    disp.screenshot(path=str(ARTIFACTS / "service-referred.png"), full_page=True)
    assert not errors, errors

    # The mediator finds it under 专项服务 and opens it.
    med = signed_in(browser, base, "mediator", VIEW)
    errors = _watch(med)
    section = med.locator("#services-mediation")
    assert "专项服务" in section.inner_text()
    tile = section.locator("a[data-state='med_received']")
    assert tile.locator(".tile-count").inner_text() == "1"
    med.screenshot(path=str(ARTIFACTS / "service-home.png"), full_page=True)
    with med.expect_navigation():
        tile.click()
    assert "人民调解 · 待受理" in med.locator("h1").inner_text()
    with med.expect_navigation():
        med.get_by_role("link", name=matter.number).click()
    assert med.locator("#case-kind").inner_text() == "人民调解"
    assert "来源诉求" in med.locator("#related").inner_text()

    # Accept in the room, with the other party; record a session; reach a written agreement.
    box = _open(med, "med_accept")
    box.locator("#med_accept-room_id").select_option(label="老杨说事调解室")
    box.locator("#med_accept-mediators").fill("老杨\n小李")
    box.locator("#med_accept-parties").fill("楼上住户孙某，13900001111")
    _submit(med, box)
    assert "调解中" in med.locator("#case-state").inner_text()
    assert "老杨说事调解室" in med.locator("#file-room").inner_text()
    box = _open(med, "med_session")
    assert box.locator("#med_session-place").input_value() == "老杨说事调解室"
    box.locator("#med_session-mode-separate").check()
    box.locator("#med_session-record").fill("分别听取双方意见：楼下要求赔偿维修费，楼上同意承担。")
    _submit(med, box)
    assert "背对背调解" in med.locator("#file-sessions").inner_text()
    box = _open(med, "med_agree")
    assert box.locator("#med_agree-form-written").is_checked()
    box.locator("#med_agree-terms").fill("一、楼上住户孙某赔偿钱女士维修费3000元，于协议签订后七日内付清。\n二、双方就此纠纷再无争议。")
    _submit(med, box)
    assert "已达成协议" in med.locator("#case-state").inner_text()
    assert "书面协议" in med.locator("#file-agreement").inner_text()
    med.screenshot(path=str(ARTIFACTS / "service-mediation-case.png"), full_page=True)
    assert MediationFile.objects.get(case=matter).agreement_form == "written"

    # The printable 人民调解协议书.
    with med.expect_navigation():
        med.locator("#documents").get_by_role("link", name="人民调解协议书").click()
    doc = med.locator("#document")
    text = doc.inner_text()
    assert "人民调解协议书" in text and "文化路人民调解委员会（印章）" in text and "维修费3000元" in text
    assert "被申请人 楼上住户孙某（签名、盖章或者按指印）" in text and "人民调解员 老杨（签名）" in text
    size = med.evaluate("parseFloat(getComputedStyle(document.querySelector('.paper p')).fontSize)")
    assert size >= 18  # big, readable type
    med.screenshot(path=str(ARTIFACTS / "service-agreement.png"), full_page=True)
    med.emulate_media(media="print")
    assert not med.locator(".toolbar").is_visible()  # the toolbar does not print
    med.screenshot(path=str(ARTIFACTS / "service-agreement-print.png"), full_page=True)
    assert not errors, errors  # the inline stylesheet is allowed by its hash: no CSP complaint
