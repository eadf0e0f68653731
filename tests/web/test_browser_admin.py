"""The administration in a real browser (Debian's Chromium through Playwright): /manage/ is a Chinese
landing page, the people list pages and searches, an administrator resets a password and the person
signs in with the temporary one, service points link their poster. Screenshots in test-artifacts/."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth.hashers import make_password

from banshi.cases.enums import Channel
from banshi.intake.models import ServicePoint
from banshi.orgs.models import Person
from tests.factories import PASSWORD, World

pytestmark = [pytest.mark.browser]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def signed_in(browser: Any, base: str, username: str, password: str = PASSWORD) -> Any:
    ctx = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    return page


def test_manage_landing_people_paging_reset_and_posters(live_server: Any, browser: Any,
                                                        browser_world: World) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    world = browser_world
    hashed = make_password(PASSWORD)
    Person.objects.bulk_create([Person(username=f"jing{i:03d}", display_name=f"民警{i:03d}", role="handler",
                                       unit=world.station, password=hashed) for i in range(120)])
    ServicePoint.objects.create(code="wenhua-station", name="文化路社区便民服务站", channel=Channel.WECHAT_QR,
                                unit=world.committee, region=world.district)
    base = live_server.url
    page = signed_in(browser, base, world.admin.username)

    page.goto(f"{base}/manage/")
    assert page.locator("h1").inner_text() == "系统管理"
    sections = page.locator(".admin-sections .tile")
    assert sections.count() == 8
    assert "Not Found" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "manage-1-landing.png"), full_page=True)

    sections.filter(has_text="人员与角色").click()
    page.wait_for_url(re.compile(r"/manage/people/$"))
    assert page.locator("table.people-list tbody tr").count() == 50
    assert "第1页，共3页" in page.locator(".pager").first.inner_text()
    page.get_by_label("查找").fill("民警042")
    page.get_by_role("button", name="查找").click()
    page.wait_for_url(re.compile(r"q="))
    assert page.locator("table.people-list tbody tr").count() == 1
    page.get_by_role("link", name="修改").click()
    page.wait_for_url(re.compile(r"edit=\d+"))
    page.get_by_role("button", name="重置密码").click()
    page.wait_for_selector("#temporary-password")
    temporary = page.locator("#temporary-password-value").inner_text().strip()
    assert re.fullmatch(r"\w{4}-\w{4}-\w{4}", temporary)
    page.screenshot(path=str(ARTIFACTS / "manage-2-password-reset.png"), full_page=True)

    page.goto(f"{base}/manage/service-points/")
    link = page.get_by_role("link", name="海报")
    assert link.get_attribute("href") == "/portal/points/wenhua-station/poster.svg"
    page.screenshot(path=str(ARTIFACTS / "manage-3-service-points.png"), full_page=True)
    poster = page.request.get(f"{base}/portal/points/wenhua-station/poster.svg")
    assert poster.status == 200 and "文化路社区便民服务站" in poster.text()
    assert page.errors == []

    # The person signs in with the temporary password.
    other = signed_in(browser, base, "jing042", temporary)
    assert other.url == f"{base}/"
