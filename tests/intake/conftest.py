from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from banshi.cases.domain.lifecycle import case_dispatch, case_reply_decide, case_reply_submit, case_sign
from tests.factories import World


@pytest.fixture(autouse=True)
def _fresh_limits_and_media(settings: object, tmp_path: Path) -> Iterator[None]:
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    settings.BANSHI_NOTIFY_LOG = tmp_path / "sms.log"  # type: ignore[attr-defined]
    yield
    cache.clear()


def defaults_load() -> None:
    """The rows data migrations write (deadline policies, message templates): a transactional
    test runs after another one's flush has removed them."""
    from importlib import import_module

    from django.apps import apps

    import_module("banshi.sla.migrations.0002_default_policies").load(apps, None)
    import_module("banshi.notify.migrations.0002_default_templates").add(apps, None)


def staff_final_reply(world: World, case_id: int, text: str = "经核实，已安排民警加强夜间巡逻，问题已解决。") -> None:
    """The staff side through the domain functions: dispatch, sign, reply, approve."""
    case_dispatch(case_id, actor=world.dispatcher, unit_id=world.station.pk)
    case_sign(case_id, actor=world.handler)
    case_reply_submit(case_id, actor=world.handler, text=text)
    case_reply_decide(case_id, actor=world.leader, approve=True)


PORTAL_ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page() -> Iterator[Any]:
    """A phone-sized Chromium page for the portal's browser tests; `page.console_errors` collects
    script errors and CSP refusals (4xx statuses a test provokes are expected)."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    PORTAL_ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        pg = context.new_page()
        errors: list[str] = []
        pg.on("console", lambda m: errors.append(m.text)
              if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.console_errors = errors  # type: ignore[attr-defined]
        yield pg
        context.close()
        chromium.close()
