"""The hot-spot pages in a real browser (Debian's Chromium via Playwright): Chinese key words (no
character fragments), places from the cases' regions and addresses, the ECharts bar chart (shipped
in the repository, drawn under the strict CSP), and a hot spot's own page with its daily trend and
its case list; "最新诉求" never opens a withdrawn case. Screenshots: test-artifacts/hotspots-*.png."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from banshi.cases.domain import lifecycle as life
from banshi.cases.models import Case
from tests.factories import World, case_new
from tests.web.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

TOPICS: dict[str, list[tuple[str, str]]] = {
    "fraud": [
        ("网上刷单返利被骗：前期返了佣金，后来充值三万元，客服失联，请公安机关追回。", "海港区建设大街12号"),
        ("网上刷单返利被骗两万元，对方说完成任务就返佣金，现在联系不上，请公安机关立案。", "海港区文化路88号"),
        ("刷单返利被骗：先小额返利，后让我垫付资金，一共被骗五万元，请公安机关帮忙追回。", "海港区河北大街西段3号"),
        ("手机上做刷单返利兼职被骗，垫付后不返钱，被骗八千元，请公安机关尽快处理。", "海港区文化路幸福里小区2号楼"),
        ("朋友拉我做刷单返利任务被骗，垫付一万二，返利一直不到账，请公安机关追回。", "海港区建设大街30号"),
        ("刷单返利被骗六千元，对方让我继续充值才能提现，请公安机关立案追回。", "海港区建设大街8号"),
    ],
    "bbq": [
        ("楼下烧烤摊油烟太大，晚上还很吵，严重扰民，请城管处理。", "海港区文化路幸福里小区3号楼"),
        ("幸福里小区门口烧烤摊油烟扰民，每天开到半夜，窗户都不敢开。", "海港区文化路幸福里小区南门"),
        ("幸福里门口的烧烤摊油烟和噪音扰民，投诉多次没人管。", "海港区文化路幸福里小区"),
        ("小区南门烧烤摊占道经营，油烟熏人，夜里喝酒吵闹。", "海港区文化路幸福里小区南门"),
    ],
    "wage": [
        ("工地老板拖欠我们十几个农民工工资三个月了，一共八万多元，要过好几次都不给。", "海港区西港路新城工地"),
        ("西港路新城工地拖欠农民工工资，包工头跑了，请劳动监察帮忙讨薪。", "海港区西港路新城工地"),
        ("我在西港路新城工地干活，拖欠工资四个月，家里等着钱用，请求帮助。", "海港区西港路新城工地"),
    ],
    "single": [
        ("孩子入学划片不合理，离家太远。", "海港区海阳路"),
        ("医院挂号太难了，希望增加号源。", "海港区港城大街"),
    ],
}



def _world(w: World) -> dict[str, list[Case]]:
    now = timezone.now()
    out: dict[str, list[Case]] = {}
    n = 0
    for topic, items in TOPICS.items():
        for k, (text, address) in enumerate(items):
            n += 1
            case = case_new(w, content=text, address=address, citizen_phone=f"1391234{n:04d}")
            # Spread over the last weeks (test set-up: as if received then), newest first in each topic.
            Case.objects.filter(pk=case.pk).update(received_at=now - timedelta(days=1 + 3 * k, hours=n))
            out.setdefault(topic, []).append(case)
    # The newest fraud case is withdrawn: the page must not send anyone there.
    newest = case_new(w, content="刷单返利被骗四千元，现已追回，撤回诉求。", address="海港区建设大街5号",
                      citizen_phone="13912349999")
    life.case_withdraw(newest.pk, actor=None, reason="群众撤回")
    out["withdrawn"] = [newest]
    life.case_dispatch(out["fraud"][0].pk, actor=w.dispatcher, unit_id=w.station.pk)
    return out


def test_hotspot_pages_show_words_places_chart_and_cases(live_server: Any, browser_world: World, browser: Any) -> None:
    w = browser_world
    ARTIFACTS.mkdir(exist_ok=True)
    cases = _world(w)
    page = signed_in(browser, live_server.url, "dispatcher", {"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} @ {m.location}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    page.goto(f"{live_server.url}/hotspots/")
    page.wait_for_selector("#hotspot-chart[data-drawn='1'] canvas")
    assert not errors, errors
    rows = page.locator("table.hotspots tbody tr")
    assert rows.count() == 3, rows.all_inner_texts()
    for r in range(rows.count()):
        row = rows.nth(r)
        words = row.locator(".spot-words .word").all_inner_texts()
        assert words, f"row {r} has no key words"
        for word in words:
            assert re.fullmatch(r"[\u4e00-\u9fff]{2,}", word), word  # words, not "单返了" or "金,后"
        assert row.locator(".spot-place").inner_text().strip() not in ("", "—")
    text = page.locator("main").inner_text()
    assert "刷单返利" in text and "烧烤摊" in text and "油烟" in text
    assert "海港区·幸福里" in text
    # "最新诉求" opens the newest case still being handled, never the withdrawn one.
    latest = [a.get_attribute("href") for a in page.get_by_role("link", name="最新诉求").all()]
    assert f"/cases/{cases['withdrawn'][0].pk}/" not in latest
    assert f"/cases/{cases['fraud'][0].pk}/" in latest
    box = page.locator("#hotspot-chart canvas").first.bounding_box()
    assert box and box["width"] > 600 and box["height"] > 150
    page.screenshot(path=str(ARTIFACTS / "hotspots-01-list.png"), full_page=True)

    # A hot spot's own page: from its row, with the trend chart and its cases (masked as the queue).
    fraud_row = page.locator("table.hotspots tbody tr", has_text="刷单返利")
    with page.expect_navigation():
        fraud_row.get_by_role("link", name=re.compile(r"全部\d+件")).click()
    assert re.search(r"/hotspots/\d+/", page.url)
    page.wait_for_selector("#hotspot-trend[data-drawn='1'] canvas")
    listed = page.locator("#hotspot-cases tbody tr")
    numbers = {c.number for c in cases["fraud"]}
    shown = {t.split()[0] for t in listed.all_inner_texts()}
    assert len(shown) >= 4 and shown <= numbers, (shown, numbers)  # the fraud cases, and only they
    assert f"{len(shown)}件" in page.locator(".spot-facts").inner_text()
    body = page.locator("main").inner_text()
    assert cases["withdrawn"][0].number not in body
    assert "1391234" not in body  # no phone numbers on the list
    assert "刷单返利" in page.locator(".spot-words").inner_text()
    page.screenshot(path=str(ARTIFACTS / "hotspots-02-detail.png"), full_page=True)

    # A click on a bar of the chart opens that hot spot too.
    page.goto(f"{live_server.url}/hotspots/")
    page.wait_for_selector("#hotspot-chart[data-drawn='1'] canvas")
    chart = page.locator("#hotspot-chart").bounding_box()
    assert chart
    with page.expect_navigation():
        page.mouse.click(chart["x"] + chart["width"] * 0.45, chart["y"] + 28 + (chart["height"] - 36) / 6)
    assert re.search(r"/hotspots/\d+/", page.url)

    # On a phone the table scrolls sideways and the chart fits the screen.
    phone = signed_in(browser, live_server.url, "dispatcher", {"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/hotspots/")
    phone.wait_for_selector("#hotspot-chart[data-drawn='1'] canvas")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.screenshot(path=str(ARTIFACTS / "hotspots-03-phone.png"), full_page=True)
    assert not errors, errors
