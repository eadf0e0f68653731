"""The citizen's path in a real browser: scan a service point's QR link, submit, get the tracking
code, follow it, and rate the result after a staff reply. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from banshi.cases.enums import Channel, State
from banshi.cases.models import Case
from banshi.intake.models import ServicePoint
from tests.factories import world_build
from tests.intake.conftest import defaults_load, staff_final_reply

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed: apt-get install -y chromium"),
]




@pytest.mark.django_db(transaction=True)
def test_citizen_submits_follows_and_rates(live_server: Any, page: Any) -> None:
    defaults_load()
    world = world_build()
    ServicePoint.objects.create(code="wenhua-station", name="文化路社区便民服务站", channel=Channel.WECHAT_QR,
                                unit=world.committee, region=world.district)

    page.goto(f"{live_server.url}/portal/?sp=wenhua-station")
    assert page.locator("#point-name").inner_text().endswith("文化路社区便民服务站")
    page.get_by_label("求助").check()
    page.get_by_label("诉求内容 *").fill("小区門口夜間有人聚集喝酒吵鬧，影響休息，請派出所處理。")
    page.get_by_label("姓名（实名提交必填）").fill("张三")
    page.get_by_label("手机号码（实名提交必填）").fill("13812345678")
    page.screenshot(path=str(ARTIFACTS / "portal-1-submit.png"), full_page=True)
    page.locator("#submit-button").click()

    page.wait_for_url(re.compile(r"/portal/received/$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{10}", code)
    page.screenshot(path=str(ARTIFACTS / "portal-2-received.png"), full_page=True)
    case = Case.objects.get(tracking_code=code)
    assert case.service_point is not None and case.channel == Channel.WECHAT_QR
    assert "门口夜间" in case.content  # traditional input stored simplified

    staff_final_reply(world, case.pk, text="经核实，已安排民警加强夜间巡逻，问题已解决。")

    # Follow it from a fresh session, as the citizen would days later.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/portal/track/")
    page.get_by_label("查询码 *").fill(code)
    page.get_by_label("提交时填写的手机号码").fill("13812345678")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(rf"/portal/case/{code}/$"))
    assert "已答复待回访" in page.locator("#case-state").inner_text()
    assert "加强夜间巡逻" in page.content()
    page.screenshot(path=str(ARTIFACTS / "portal-3-case.png"), full_page=True)

    page.get_by_label("满意", exact=True).check()
    page.locator("#rate-button").click()
    page.wait_for_url(re.compile(rf"/portal/case/{code}/$"))
    assert "感谢您的评价" in page.content()
    page.screenshot(path=str(ARTIFACTS / "portal-4-rated.png"), full_page=True)
    case.refresh_from_db()
    assert case.state == State.FOLLOWED_UP and case.satisfaction == 4
    assert page.console_errors == []  # e.g. no CSP violations


@pytest.mark.django_db(transaction=True)
def test_large_text_mode_and_keyboard_only(live_server: Any, page: Any) -> None:
    defaults_load()
    world_build()
    page.goto(f"{live_server.url}/portal/")
    toggle = page.locator("#display-toggle")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert page.locator("html").get_attribute("class") == "large"
    assert toggle.get_attribute("aria-pressed") == "true"
    page.reload()
    assert page.locator("html").get_attribute("class") == "large"  # kept in a cookie
    page.screenshot(path=str(ARTIFACTS / "portal-5-large.png"), full_page=True)

    # Keyboard only: the skip link comes first and leads to the main content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "跳到主要内容"
    page.keyboard.press("Enter")
    # Submitting the empty form puts the focus on the error summary, which a screen reader reads.
    page.locator("#submit-button").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.screenshot(path=str(ARTIFACTS / "portal-6-errors.png"), full_page=True)
    assert page.console_errors == []
