"""The 督办 board in a real browser (Debian's Chromium via Playwright): a row's "升级" picks the case
in the one shared form (app.js, under the strict CSP), the escalation goes through, and the page
fits a phone. Screenshots: test-artifacts/supervision-*.png."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from banshi.cases.domain import lifecycle as life
from banshi.cases.models import Case, Supervision
from tests.factories import World, case_new
from tests.web.conftest import signed_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"



def test_row_pick_fills_the_shared_form_and_escalates(live_server: Any, browser_world: World, browser: Any) -> None:
    w = browser_world
    ARTIFACTS.mkdir(exist_ok=True)
    case = case_new(w, title="小区门口夜间聚集")
    life.case_dispatch(case.pk, actor=w.dispatcher, unit_id=w.station.pk)
    life.case_sign(case.pk, actor=w.handler)
    life.case_supervise(case.pk, actor=w.supervisor, note="请三日内反馈", due_at=timezone.now() + timedelta(days=3))
    late = case_new(w, title="超时未办")
    Case.objects.filter(pk=late.pk).update(overdue=True)  # test set-up: as after the sweep's breach

    page = signed_in(browser, live_server.url, "supervisor", {"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/supervision/")
    page.locator(f'#notices .sup-pick[data-case="{case.pk}"]').click()
    assert page.url.endswith("/supervision/")  # picked in place: no reload
    assert page.locator("#sup-case").input_value() == str(case.pk)
    assert page.locator("#sup-do-escalate").is_checked()
    assert page.evaluate("document.activeElement.id") == "sup-text"
    assert case.number in page.locator("#sup-picked").inner_text()
    page.locator("#sup-text").fill("三日未见进展，升级为重点督办")
    page.screenshot(path=str(ARTIFACTS / "supervision-01-picked.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    assert Supervision.objects.get(case=case).level == 2
    assert "重点督办" in page.locator("#notices").inner_text()
    assert "已完成“升级督办”" in page.locator(".messages").inner_text()
    page.screenshot(path=str(ARTIFACTS / "supervision-02-escalated.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors

    phone = signed_in(browser, live_server.url, "supervisor", {"width": 375, "height": 740})
    phone.goto(f"{live_server.url}/supervision/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(ARTIFACTS / "supervision-03-phone.png"), full_page=True)
