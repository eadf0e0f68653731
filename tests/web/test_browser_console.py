"""The hotline console and the phone-sized pages in a real browser (Debian's Chromium via Playwright).

Screenshots: test-artifacts/console-*.png and test-artifacts/mobile-*.png.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from banshi.cases.models import Case, CaseLink, Reply
from banshi.intake.models import KnowledgeEntry
from tests.factories import World, case_new
from tests.web.test_browser_story import ARTIFACTS, Story

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = "13812345678"
PHONE_SIZE = {"width": 390, "height": 844}


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_console_caller_history_knowledge_answer_and_emergency(live_server: Any, browser_world: World,
                                                                browser: Any) -> None:
    w = browser_world
    earlier = case_new(w, citizen_phone=PHONE, content="去年咨询过房屋买卖合同公证的问题。")
    entry = KnowledgeEntry.objects.create(title="如何办理公证", keywords="公证 公证处",
                                          answer="请携带身份证原件和相关材料到区公证处办理，一般当场受理。",
                                          source="《中华人民共和国公证法》")
    story = Story(browser, live_server.url)
    op = story.as_("operator")
    errors: list[str] = []
    op.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    op.goto(f"{live_server.url}/intake/")
    assert op.evaluate("document.activeElement.id") == "id_content"

    # The operator types while the caller talks: the knowledge base answers appear beside the form.
    op.keyboard.type("您好，我想问一下办理公证需要带什么材料？")
    op.locator(f"#kb-{entry.pk}").wait_for()
    assert "区公证处" in op.locator("#kb-results").inner_text()
    assert op.locator("#emergency-alert").count() == 0

    # The phone number brings up the caller's earlier demands (masked), pre-ticked for linking.
    op.get_by_label("来电号码").fill(PHONE)
    op.locator(f"#caller-history [data-case='{earlier.pk}']").wait_for()
    history = op.locator("#caller-history").inner_text()
    assert "138****5678" in history and earlier.number in history
    assert op.locator(f"#caller-history input[value='{earlier.pk}']").is_checked()
    op.get_by_label("姓名").fill("李四")
    shot(op, "console-01-history-and-knowledge")

    # 当场答复: the entry's answer goes into the answer box and the type becomes 咨询.
    op.locator(f"#kb-{entry.pk} .kb-use").click()
    assert op.evaluate("document.activeElement.id") == "id_answer"
    assert op.locator("#id_answer").input_value().startswith("请携带身份证原件")
    assert op.locator("#id_type").input_value() == "consultation"
    shot(op, "console-02-answer-chosen")
    with op.expect_navigation():
        op.keyboard.press("Control+Enter")  # from the answer box: register and answer
    case_id = int(re.search(r"/cases/(\d+)/", op.url).group(1))  # type: ignore[union-attr]
    assert story.state(op) == "已答复待回访"
    assert "已当场答复" in op.content()
    shot(op, "console-03-answered")
    case = Case.objects.get(pk=case_id)
    assert case.type == "consultation" and case.state == "replied"
    assert Reply.objects.get(case=case).text == entry.answer
    assert CaseLink.objects.filter(case=case, other=earlier, kind="same_caller").exists()

    # An emergency: a prominent banner tells the operator to transfer instead of registering.
    op.goto(f"{live_server.url}/intake/")
    op.keyboard.type("快来人，楼下有人持刀砍人！")
    banner = op.locator("#emergency-alert")
    banner.wait_for()
    assert "110" in banner.inner_text() and "请立即转接" in banner.inner_text()
    shot(op, "console-04-emergency")
    assert not [e for e in errors if "Content Security Policy" in e], errors


OVERFLOW_JS = """() => {
  const vw = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-wrap')) continue;  // tables scroll inside their own box
    const r = el.getBoundingClientRect();
    if (r.width && r.right > vw + 1) wide.push(el.tagName + '#' + el.id + '.' + el.className);
  }
  return {scroll: document.documentElement.scrollWidth, vw: vw, wide: wide.slice(0, 8)};
}"""

SMALL_TARGETS_JS = """() => {
  const small = [];
  for (const el of document.querySelectorAll('button, .button, input:not([type=hidden]), select, textarea, summary')) {
    const r = el.getBoundingClientRect();
    if (!r.width || (el.closest('.table-wrap') && !el.closest('.cases-wrap'))) continue;
    const box = el.type === 'checkbox' || el.type === 'radio' ? (el.closest('label') || el).getBoundingClientRect() : r;
    if (box.height < 40 || box.width < 24) small.push((el.id || el.name || el.textContent.trim().slice(0, 12)) + ':' + Math.round(box.height));
  }
  return small;
}"""


@pytest.mark.parametrize("who", ["operator", "handler"])
def test_pages_fit_a_phone(live_server: Any, browser_world: World, browser: Any, who: str) -> None:
    w = browser_world
    case = case_new(w, citizen_phone=PHONE, content="很长的诉求内容" * 40 + "https://example.com/" + "a" * 80)
    if who == "handler":
        from banshi.cases.domain import lifecycle as life

        life.case_dispatch(case.pk, actor=w.dispatcher, unit_id=w.station.pk)
    story = Story(browser, live_server.url)
    page = story.as_(who, viewport=PHONE_SIZE)
    problems: list[tuple[str, Any, Any]] = []
    pages = {"home": "/", "queue": "/queue/", "case": f"/cases/{case.pk}/", "intake": "/intake/",
             "intake-field": "/intake/field/"}
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        if name == "intake":
            page.get_by_label("来电号码").fill(PHONE)
            page.locator("#caller-rows").wait_for()
        shot(page, f"mobile-{who}-{name}")
        found = page.evaluate(OVERFLOW_JS)
        small = page.evaluate(SMALL_TARGETS_JS)
        if found["scroll"] > found["vw"] or found["wide"] or small:
            problems.append((name, found, small))
    assert problems == [], "\n".join(map(repr, problems))
