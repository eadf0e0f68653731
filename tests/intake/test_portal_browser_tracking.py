"""The tracking page in a real browser (Debian's Chromium through Playwright): a citizen who scanned a
village service point's poster submits with a photo, and later follows the case: the handling unit,
the expected reply date and the photo's thumbnail, in normal and large-text mode; a stranger's
browser cannot load the photo. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from banshi.cases.domain.lifecycle import case_dispatch
from banshi.cases.enums import Channel
from banshi.cases.models import Attachment, Case
from banshi.intake.models import ServicePoint
from banshi.orgs.models import Region
from banshi.sla.models import Milestone
from tests.factories import world_build
from tests.intake.conftest import CHROMIUM, defaults_load
from tests.intake.conftest import PORTAL_ARTIFACTS as ARTIFACTS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed: apt-get install -y chromium"),
]


def png(width: int = 320, height: int = 240) -> bytes:
    """A real PNG (a street-lamp-at-dusk gradient with a bright square), written without Pillow."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter: none
        for x in range(width):
            lamp = 120 < x < 200 and 60 < y < 140
            row += bytes((255, 220, 90) if lamp else (30 + y // 3, 60 + x // 6, 120 + y // 4))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))


@pytest.mark.django_db(transaction=True)
def test_tracking_page_shows_unit_reply_date_and_thumbnail(live_server: Any, page: Any, tmp_path: Path) -> None:
    defaults_load()
    world = world_build()
    Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    Region.objects.create(code="130302002", name="建设大街街道", level=4, parent=world.district)
    ServicePoint.objects.create(code="wenhua-village", name="文化里村便民服务站", channel=Channel.WECHAT_QR,
                                unit=world.justice_office)
    photo = tmp_path / "路灯.png"
    photo.write_bytes(png())

    # The poster's link: the region picker starts at the point's county, not at province level.
    page.goto(f"{live_server.url}/portal/?sp=wenhua-village")
    assert page.locator("#region-start").inner_text() == "所在地区：秦皇岛市海港区"
    options = page.locator("#region-0 option").all_inner_texts()
    assert options == ["请选择", "文化路街道", "建设大街街道"]
    page.get_by_label("求助").check()
    page.get_by_label("诉求内容 *").fill("村口路灯坏了一个多月，晚上老人孩子走路看不见，请尽快修好。")
    page.get_by_label("姓名（实名提交必填）").fill("李四")
    page.get_by_label("手机号码（实名提交必填）").fill("13812345678")
    page.locator("#id_files").set_input_files(str(photo))
    page.locator("#submit-button").click()
    page.wait_for_url(re.compile(r"/portal/received/$"))
    code = page.locator("#tracking-code").inner_text().strip()
    case = Case.objects.get(tracking_code=code)
    assert case.region_id == world.district.code
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    due = timezone.localtime(Milestone.objects.get(case=case, kind="result").due_at)

    # Days later, from a fresh session: code and phone.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/portal/track/")
    page.get_by_label("查询码 *").fill(code)
    page.get_by_label("提交时填写的手机号码").fill("13812345678")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(rf"/portal/case/{code}/$"))
    assert page.locator("#case-unit").inner_text() == "文化路派出所"
    assert page.locator("#case-expected").inner_text() == f"预计{due.month}月{due.day}日前答复"
    thumb = page.locator("img.thumb")
    assert thumb.count() == 1 and thumb.get_attribute("alt") == "路灯.png"
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('img.thumb').complete")
    assert thumb.evaluate("img => img.naturalWidth") == 320  # the picture itself, not a broken image
    box = thumb.bounding_box()
    assert box is not None and box["width"] < 200  # a thumbnail, not the full picture
    page.screenshot(path=str(ARTIFACTS / "portal-7-tracking.png"), full_page=True)

    page.locator("#display-toggle").click()  # large text, high contrast
    assert page.locator("html").get_attribute("class") == "large"
    page.wait_for_function("document.querySelector('img.thumb').complete")
    assert page.locator("img.thumb").evaluate("img => img.naturalWidth") == 320
    page.screenshot(path=str(ARTIFACTS / "portal-8-tracking-large.png"), full_page=True)
    assert page.console_errors == []

    # Another browser, without the code and phone: the photo's address gives nothing.
    att = Attachment.objects.get(case=case)
    stranger = page.context.browser.new_context()
    try:
        r = stranger.request.get(f"{live_server.url}/portal/case/{code}/files/{att.pk}")
        assert r.status == 404 and "image" not in r.headers.get("content-type", "")
    finally:
        stranger.close()
