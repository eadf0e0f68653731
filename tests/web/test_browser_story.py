"""The whole story in a real browser (Debian's Chromium through Playwright), with a screenshot per step.

operator registers a call → dispatcher dispatches from the desk → police-station handler signs and
asks for an extension → leader approves → handler replies → leader approves the reply → follow-up
不满意 reopens the case → handler replies again → leader approves → follow-up 满意 → archived.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from banshi.cases.models import Case
from tests.factories import PASSWORD, World, case_new

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class Story:
    def __init__(self, browser: Any, base: str) -> None:
        self.browser, self.base, self.step = browser, base, 0
        self.pages: dict[str, Any] = {}
        ARTIFACTS.mkdir(exist_ok=True)

    def as_(self, username: str, viewport: dict[str, int] | None = None) -> Any:
        """A signed-in page for this person (one browser context each, like separate desks)."""
        if username not in self.pages:
            ctx = self.browser.new_context(locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900})
            page = ctx.new_page()
            page.goto(f"{self.base}/login/")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(PASSWORD)
            with page.expect_navigation():
                page.get_by_role("button", name="登录").click()
            assert page.url == f"{self.base}/", f"login failed for {username}"
            self.pages[username] = page
        return self.pages[username]

    def shot(self, page: Any, name: str) -> None:
        self.step += 1
        page.screenshot(path=str(ARTIFACTS / f"story-{self.step:02d}-{name}.png"), full_page=True)

    def act(self, page: Any, case_id: int, action: str, fields: dict[str, str] | None = None,
            rating: str | None = None) -> None:
        page.goto(f"{self.base}/cases/{case_id}/")
        box = page.locator(f"#action-{action}")
        assert box.count() == 1, f"action {action} not offered; offered: {self.offered(page)}"
        if box.get_attribute("open") is None:
            box.locator("summary").click()
        for name, value in (fields or {}).items():
            field = page.locator(f"#{action}-{name}")
            if field.evaluate("el => el.tagName") == "SELECT":  # a picker, e.g. the extension period
                field.select_option(value)
            else:
                field.fill(value)
        if rating:
            box.locator(f"input[name=rating][value='{rating}']").check()
        with page.expect_navigation():
            box.locator("button[type=submit]").click()
        error = page.locator("#action-error")
        assert error.count() == 0, error.inner_text()

    @staticmethod
    def offered(page: Any) -> list[str]:
        return [el.get_attribute("data-action") for el in page.locator("form[data-action]").all()]

    @staticmethod
    def state(page: Any) -> str:
        return str(page.locator("#case-state").inner_text()).strip()


def test_whole_story_in_browser(live_server: Any, browser_world: World, browser: Any) -> None:
    w = browser_world
    story = Story(browser, live_server.url)

    # 1. The operator registers a call, typing straight into the focused content box.
    op = story.as_("operator")
    op.goto(f"{live_server.url}/intake/")
    assert op.evaluate("document.activeElement.id") == "id_content"
    op.keyboard.type("小区门口夜间有人聚集喝酒吵闹，影响休息，请派出所处理。")
    op.get_by_label("来电号码").fill("13812345678")
    op.get_by_label("姓名").fill("张三")
    op.get_by_label("地点").fill("海港区文化路1号")
    story.shot(op, "intake-form")
    with op.expect_navigation():
        op.get_by_role("button", name="登记", exact=True).click()
    case_id = int(re.search(r"/cases/(\d+)/", op.url).group(1))  # type: ignore[union-attr]
    assert story.state(op) == "待派单"
    assert "138****5678" in op.content()
    story.shot(op, "registered")

    # 2. The dispatcher accepts the suggestion on the desk (or picks the police station).
    d = story.as_("dispatcher")
    d.goto(f"{live_server.url}/desk/")
    row = d.locator(f"#desk-{case_id}")
    story.shot(d, "desk")
    accept = row.locator("button.accept")
    if accept.count() and "文化路派出所" in accept.inner_text():
        with d.expect_navigation():
            accept.click()
    else:
        row.get_by_label("派至").select_option(label="文化路派出所")
        with d.expect_navigation():
            row.get_by_role("button", name="派单", exact=True).click()
    assert Case.objects.get(pk=case_id).lead_unit_id == w.station.pk
    story.shot(d, "dispatched")

    # 3. The station's handler signs and asks for an extension.
    h = story.as_("handler")
    assert h.locator("[data-queue=to_sign] .tile-count").inner_text() == "1"
    story.act(h, case_id, "sign")
    assert story.state(h) == "办理中"
    assert "dispatch" not in story.offered(h) and "reply_approve" not in story.offered(h)
    story.shot(h, "signed")
    story.act(h, case_id, "extend_request", {"period": "5d", "reason": "需调取监控核实，申请延期5日。"})
    story.shot(h, "extension-requested")

    # 4. The leader approves the extension.
    lead = story.as_("leader")
    story.act(lead, case_id, "extend_approve", {"note": "同意"})
    assert lead.locator(".clocks .badge", has_text="已延期").count() == 1
    story.shot(lead, "extension-approved")

    # 5. The handler submits the final reply; the leader approves it.
    story.act(h, case_id, "reply_submit", {"text": "已加强夜间巡逻，劝离聚集人员。"})
    assert story.state(h) == "答复待审核"
    story.shot(h, "reply-submitted")
    story.act(lead, case_id, "reply_approve")
    assert story.state(lead) == "已答复待回访"
    story.shot(lead, "reply-approved")

    # 6. The follow-up records 不满意: the case reopens.
    story.act(op, case_id, "follow_up", {"comment": "仍有吵闹"}, rating="2")
    assert story.state(op) == "办理中"
    story.shot(op, "follow-up-unsatisfied-reopened")

    # 7. Handled again, approved, followed up 满意, archived.
    story.act(h, case_id, "reply_submit", {"text": "已在门口设置巡逻点，每晚巡查。"})
    story.shot(h, "reply-again")
    story.act(lead, case_id, "reply_approve")
    story.shot(lead, "reply-again-approved")
    story.act(op, case_id, "follow_up", {"comment": "问题已解决"}, rating="4")
    assert story.state(op) == "已回访"
    story.shot(op, "follow-up-satisfied")
    story.act(d, case_id, "archive")
    assert story.state(d) == "已归档"
    story.shot(d, "archived")

    case = Case.objects.get(pk=case_id)
    assert case.state == "archived" and case.reopen_count == 1 and case.satisfaction == 4
    actions = list(case.events.values_list("action", flat=True))
    assert actions == [
        "register", "dispatch", "sign", "extend_request", "extend_approve", "reply_submit", "reply_approve",
        "follow_up", "reopen", "reply_submit", "reply_approve", "follow_up", "archive",
    ]

    # The other police station never sees it.
    other = story.as_("handler2")
    resp = other.goto(f"{live_server.url}/cases/{case_id}/")
    assert resp is not None and resp.status == 404
    story.shot(other, "other-station-404")


def test_html_in_content_is_shown_as_text(live_server: Any, browser_world: World, browser: Any) -> None:
    payload = "<script>window.__xss=1</script><b>x</b>"
    case = case_new(browser_world, content=payload)
    story = Story(browser, live_server.url)
    story.step = 90  # its own numbers, after the story's
    page = story.as_("dispatcher")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    assert page.locator("#case-content").inner_text().strip() == payload
    assert page.locator("#case-content b").count() == 0
    assert page.evaluate("typeof window.__xss") == "undefined"
    page.goto(f"{live_server.url}/queue/?q=window")
    assert page.evaluate("typeof window.__xss") == "undefined"
    story.shot(page, "xss-as-text")
    assert not [e for e in errors if "Content Security Policy" in e], errors
