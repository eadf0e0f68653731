from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_django.fixtures import Settings

from banshi.sla.models import Policy
from banshi.sla.policies import DEFAULT_POLICIES
from tests.factories import World, world_build

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings: Settings) -> None:
    """PBKDF2 at production strength makes every `world` cost seconds; tests need no strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser_world(transactional_db: None) -> World:
    # A transactional test starts from a flushed database: put the default deadline policies back.
    for p in DEFAULT_POLICIES:
        Policy.objects.update_or_create(
            code=p["code"], defaults={k: p[k] for k in ("name", "source", "milestones", "max_extension", "verified")}
        )
    return world_build()


@pytest.fixture
def browser() -> Iterator[Any]:
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("Debian chromium not installed: browser tests skipped (apt-get install chromium chromium-driver)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def signed_in(browser: Any, base: str, username: str, viewport: dict[str, int]) -> Any:
    """A new browser page of the given size, signed in as `username` (password: the factories')."""
    from tests.factories import PASSWORD

    page = browser.new_context(locale="zh-CN", viewport=viewport).new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    return page

