"""A citizen reports a medical emergency through the portal: the confirmation page says "请立即拨打120"
first, large, with a tel: link, above the ordinary receipt — on a phone and in the large-text mode.
The numbers are the registration's emergency decision (banshi/triage/emergency.py). Screenshots go
to test-artifacts/."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from banshi.cases.enums import Urgency
from banshi.cases.models import Case
from tests.factories import World, world_build
from tests.intake.conftest import defaults_load

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MEDICAL = "我爸刚才吃饭时突然倒地，不省人事，叫也叫不醒，呼吸很弱。"


def _submit(client: Client, content: str) -> Any:
    return client.post("/portal/", {"type": "help", "content": content, "name": "张三", "phone": "13812345678",
                                    "address": "海港区文化路1号", "submission_id": "e" * 32}, follow=True)


def test_confirmation_page_tells_an_emergency_to_call_now(world: World, client: Client) -> None:
    body = _submit(client, MEDICAL).content.decode()
    case = Case.objects.get()
    assert case.urgency == Urgency.EMERGENCY and case.triage["transfer_to"][0] == "120"
    assert "请立即拨打120" in body and 'href="tel:120"' in body
    assert body.index('id="emergency-call"') < body.index('id="tracking-code"')  # before the receipt


def test_self_harm_gets_110_and_120_first_and_12356_only_besides(world: World, client: Client) -> None:
    body = _submit(client, "我现在站在楼顶上，不想活了").content.decode()
    assert "请立即拨打110、120" in body
    assert body.index('href="tel:110"') < body.index('href="tel:120"') < body.index('href="tel:12356"')
    assert 'id="call-12356"' not in body  # 12356 is no big button: it never replaces 110/120


def test_an_ordinary_demand_gets_the_ordinary_page(world: World, client: Client) -> None:
    body = _submit(client, "小区门口的路灯坏了好几天，晚上很黑，请尽快修理。").content.decode()
    assert "您的诉求已提交" in body and "请立即拨打" not in body and 'id="emergency-call"' not in body




@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed: apt-get install -y chromium")
@pytest.mark.django_db(transaction=True)
def test_medical_emergency_in_a_phone_browser(live_server: Any, page: Any) -> None:
    defaults_load()
    world_build()
    page.goto(f"{live_server.url}/portal/")
    page.get_by_label("求助").check()
    page.get_by_label("诉求内容 *").fill(MEDICAL)
    page.get_by_label("详细地址（可只填地址，不选地区）").fill("海港区文化路1号")
    page.get_by_label("姓名（实名提交必填）").fill("张三")
    page.get_by_label("手机号码（实名提交必填）").fill("13812345678")
    page.locator("#submit-button").click()
    page.wait_for_url(re.compile(r"/portal/received/$"))

    call = page.locator("#emergency-call")
    assert page.locator("h1").first.inner_text().strip() == "请立即拨打120"
    assert call.get_attribute("role") == "alert"
    assert page.locator("#call-120").get_attribute("href") == "tel:120"
    # Unmistakable on a phone: on the first screen, above the receipt, big enough to tap.
    box, receipt = call.bounding_box(), page.locator("#tracking-code").bounding_box()
    assert box is not None and receipt is not None
    assert box["y"] < receipt["y"] and box["y"] + box["height"] <= 844
    button = page.locator("#call-120").bounding_box()
    assert button is not None and button["height"] >= 48 and button["width"] >= 300
    number_px = page.locator("#call-120 .urgent-number").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert number_px >= 36
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    page.screenshot(path=str(ARTIFACTS / "portal-emergency-1-phone.png"), full_page=True)
    case = Case.objects.get()
    assert case.urgency == Urgency.EMERGENCY

    # The large-text, high-contrast mode keeps it first and readable.
    page.locator("#display-toggle").click()
    page.wait_for_function("document.documentElement.classList.contains('large')")
    assert page.locator("h1").first.inner_text().strip() == "请立即拨打120"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "portal-emergency-2-phone-large.png"), full_page=True)
    page.locator("#display-toggle").click()
    page.wait_for_function("!document.documentElement.classList.contains('large')")

    # Self-harm: 110 and 120 as the big buttons, 12356 only as a line below them.
    page.goto(f"{live_server.url}/portal/")
    page.get_by_label("求助").check()
    page.get_by_label("诉求内容 *").fill("我現在站在天台邊上，不想活了")  # traditional characters
    page.get_by_label("详细地址（可只填地址，不选地区）").fill("海港区文化路2号")
    page.get_by_label("匿名提交").check()
    page.locator("#submit-button").click()
    page.wait_for_url(re.compile(r"/portal/received/$"))
    assert page.locator("h1").first.inner_text().strip() == "请立即拨打110、120"
    assert page.locator(".urgent-tel").count() == 2 and page.locator('a[href="tel:12356"]').count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "portal-emergency-3-phone-self-harm.png"), full_page=True)
    assert page.console_errors == []  # e.g. no CSP violations
