"""The statistics dashboard and the big screen in a real browser (Debian's Chromium via
Playwright): every ECharts chart draws (shipped in the repository, under the strict CSP, no
console error), a supervisor sees the district and a unit leader only the unit, a figure's link
opens its cases; the ranking and the public page render cleanly. Screenshots:
test-artifacts/stats-dashboard-supervisor.png, stats-dashboard-leader.png, stats-screen.png,
stats-ranking.png, stats-public.png."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import (
    case_dispatch,
    case_follow_up,
    case_reply_decide,
    case_reply_submit,
    case_sign,
)
from banshi.orgs.models import Region
from banshi.stats.fill import fill
from tests.factories import World, person
from tests.web.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHARTS = ("trend", "channel", "type", "category", "deadline", "rates")
SCREEN_CHARTS = ("trend", "category", "channel", "deadline", "rates", "regions")

TEXTS = [
    ("wechat_qr", "police.fraud", "网上刷单返利被骗三万元，客服失联，请公安机关追回。"),
    ("hotline_12345", "police.public_order", "小区门口夜间有人聚集喝酒吵闹，影响休息，请派出所处理。"),
    ("hotline_12345", "court.enforcement", "法院判决生效两年了，被执行人一直不还钱，执行难。"),
    ("window", "justice.mediation", "邻居装修把我家墙面弄裂了，协商不成，想请人民调解委员会帮忙调解。"),
    ("letter", "police.fraud", "刷单返利被骗两万元，对方让我继续充值才能提现，请立案。"),
]


def _world(w: World) -> int:
    """A month of demands over two towns, handled by the station, the court and the justice office,
    most rated, some late (received long before their reply), one registered only."""
    towns = [Region.objects.create(code="130302001", name="文化路街道", level=4, parent=w.district),
             Region.objects.create(code="130302002", name="建设大街街道", level=4, parent=w.district)]
    justice_leader = person("justice_leader", "leader", w.justice_office)
    teams = {"police": (w.station, w.handler, w.leader), "court": (w.court, w.court_handler, w.court_leader),
             "justice": (w.justice_office, w.justice_handler, justice_leader)}
    now = timezone.now()
    for i in range(18):
        channel, category, text = TEXTS[i % len(TEXTS)]
        when = now - timedelta(days=20 - i, hours=3)
        data = CaseInput(type="complaint" if i % 3 else "help", channel=channel, content=text, category=category,
                         citizen_name="张三", citizen_phone=f"1391234{i:04d}", region_code=towns[i % 2].code)
        case, _ = case_register(data=data, intake_unit=w.committee, actor=w.operator, now=when,
                                auto_dispatch=False, link_duplicates=False)
        if i == 17:
            continue
        unit, handler, leader = teams[category.split(".")[0]]
        case_dispatch(case.pk, actor=w.dispatcher, unit_id=unit.pk, now=when + timedelta(minutes=10))
        case_sign(case.pk, actor=handler, now=when + timedelta(hours=1))
        case_reply_submit(case.pk, actor=handler, text="已处理完毕。", now=when + timedelta(hours=5 + i))
        case_reply_decide(case.pk, actor=leader, approve=True, now=when + timedelta(hours=6 + i))
        if i % 4 != 3:
            case_follow_up(case.pk, actor=w.operator, rating=(5, 4, 3, 5, 2)[i % 5], contacted=i % 7 != 0,
                           now=when + timedelta(days=1, hours=2))
    fill()
    return sum(1 for i in range(17) if TEXTS[i % len(TEXTS)][1].startswith("police."))


def _watch(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} @ {m.location}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _drawn(page: Any, charts: tuple[str, ...]) -> None:
    for name in charts:
        page.wait_for_selector(f"#chart-{name}[data-drawn='1'] canvas", timeout=15000)
        box = page.locator(f"#chart-{name} canvas").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 150, (name, box)


def test_dashboard_and_big_screen_draw_their_charts(live_server: Any, browser_world: World, browser: Any) -> None:
    w = browser_world
    ARTIFACTS.mkdir(exist_ok=True)
    to_station = _world(w)

    page = signed_in(browser, live_server.url, "supervisor", {"width": 1366, "height": 900})
    errors = _watch(page)
    page.goto(f"{live_server.url}/stats/?p=30d")
    _drawn(page, CHARTS)
    assert not errors, errors
    received = page.locator(".kpi-received .kpi-number").inner_text()
    assert received == "18"
    main = page.locator("main").inner_text()
    assert "文化路街道" in main and "建设大街街道" in main and "常见公开口径，非官方标准" in main
    assert page.locator(".kpi-number").count() == 14
    page.screenshot(path=str(ARTIFACTS / "stats-dashboard-supervisor.png"), full_page=True)
    # A figure's link opens the list of its cases.
    with page.expect_navigation():
        page.locator(".kpi-dispatched .kpi-drill a").click()
    assert "/queue/?" in page.url
    assert "统计数字“派单量”" in page.locator(".drill-note").inner_text()
    assert page.locator("table.cases tbody tr").count() == 17

    # The ranking and the public page (no sign-in) read as plainly.
    page.goto(f"{live_server.url}/stats/ranking/?p=30d")
    assert page.locator("table.ranking tbody tr.unranked").count() == 3  # under ten follow-ups each
    assert "样本不足" in page.locator("table.ranking").inner_text()
    page.screenshot(path=str(ARTIFACTS / "stats-ranking.png"), full_page=True)
    public = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    public_errors = _watch(public)
    public.goto(f"{live_server.url}/open/stats/?p=30d")
    assert "群众诉求办理情况" in public.locator("h1").inner_text()
    assert "文化路派出所" not in public.locator("body").inner_text()
    public.screenshot(path=str(ARTIFACTS / "stats-public.png"), full_page=True)
    assert not errors and not public_errors, (errors, public_errors)

    leader = signed_in(browser, live_server.url, "leader", {"width": 1366, "height": 900})
    errors = _watch(leader)
    leader.goto(f"{live_server.url}/stats/?p=30d")
    _drawn(leader, CHARTS)
    assert not errors, errors
    assert leader.locator(".kpi-received .kpi-number").inner_text() == "0"  # the station takes in nothing
    assert leader.locator(".kpi-dispatched .kpi-number").inner_text() == str(to_station)  # its share of the 17
    assert "文化路派出所" in leader.locator("h1").inner_text()
    leader.screenshot(path=str(ARTIFACTS / "stats-dashboard-leader.png"), full_page=True)

    screen = signed_in(browser, live_server.url, "supervisor", {"width": 1920, "height": 1080})
    errors = _watch(screen)
    screen.goto(f"{live_server.url}/stats/screen/?p=30d")
    _drawn(screen, SCREEN_CHARTS)
    assert not errors, errors
    assert screen.locator("body.screen").count() == 1
    assert screen.locator('meta[http-equiv="refresh"]').get_attribute("content") == "60"
    size = screen.evaluate("parseFloat(getComputedStyle(document.querySelector('.screen-kpi-value')).fontSize)")
    assert size >= 44  # readable across a command centre
    # One screen, no scrolling, no figure cut off.
    assert screen.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 2"), screen.evaluate(
        "document.documentElement.scrollHeight")
    assert screen.evaluate("[...document.querySelectorAll('.screen-kpi')].every(k => k.scrollWidth <= k.clientWidth)")
    screen.screenshot(path=str(ARTIFACTS / "stats-screen.png"), full_page=True)
