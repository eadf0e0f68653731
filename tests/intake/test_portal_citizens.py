"""Issue 15, item 8: what a citizen meets on the portal — lookups limited only by wrong answers with a
message in minutes, our own Chinese form messages, and a tracking page that names the handling unit,
the expected reply date and shows the citizen's own photos (to that citizen only)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from banshi.cases.domain.lifecycle import case_attach, case_dispatch
from banshi.cases.enums import Channel
from banshi.cases.models import Attachment, Case
from banshi.cases.uploads import CheckedFile
from banshi.core.errors import RateLimited
from banshi.intake.models import ServicePoint
from banshi.intake.ratelimit import rate_hit, retry_minutes
from banshi.orgs.models import Region
from banshi.sla.models import Milestone
from tests.factories import World
from tests.intake.test_portal import PNG, form, submit

DJANGO_DEFAULTS = ("这个字段", "该变量", "选择一个有效", "确保该值", "This field", "Select a valid")


def _track(client: Client, code: str, phone: str) -> Any:
    return client.post("/portal/track/", {"code": code, "phone": phone})


def _no_django_defaults(html: str) -> None:
    for text in DJANGO_DEFAULTS:
        assert text not in html, text


# -- lookups: only wrong answers count --------------------------------------------------------------

def test_right_answers_do_not_count_towards_the_lookup_limit(world: World, client: Client, settings: Any) -> None:
    settings.BANSHI_RATE_LIMITS = {"track_ip": (3, 600), "track_code": (3, 600)}
    submit(client)
    code = Case.objects.get().tracking_code
    citizen = Client()
    for _ in range(6):  # twice the budget, all right: never limited
        assert _track(citizen, code, "13812345678").status_code == 302
    assert _track(citizen, code, "notaphone").status_code == 400  # malformed: not a guess either
    assert [_track(citizen, code, "13900000000").status_code for _ in range(3)] == [404, 404, 404]
    r = _track(citizen, code, "13812345678")  # now blocked, even with the right answer
    assert r.status_code == 429
    html = r.content.decode()
    assert "分钟后再试" in html and "秒" not in html.split("分钟后再试")[0][-12:]


def test_wrong_answers_from_one_address_are_limited_across_codes(world: World, client: Client, settings: Any) -> None:
    settings.BANSHI_RATE_LIMITS = {"track_ip": (3, 600)}
    codes = [_track(client, f"GUESS{i:05d}", "13812345678").status_code for i in range(5)]
    assert codes == [404, 404, 404, 429, 429]
    html = _track(client, "GUESS99999", "13812345678").content.decode()
    assert "查询码或手机号多次填写不正确" in html


def test_rate_limit_message_is_in_whole_minutes_rounded_up(settings: Any) -> None:
    settings.BANSHI_RATE_LIMITS = {"track_ip": (1, 3600)}
    start = 1_800_000_000 - 1_800_000_000 % 3600
    now = start + 2840.0  # 760 seconds left in the window, plus the one the limiter adds
    rate_hit("track_ip", "10.0.0.9", now=now)
    with pytest.raises(RateLimited) as exc:
        rate_hit("track_ip", "10.0.0.9", now=now)
    assert "请13分钟后再试" in exc.value.message and "秒" not in exc.value.message
    assert exc.value.details["retry_after"] == 761  # machines still get seconds
    assert [retry_minutes(s) for s in (1, 60, 61, 900, 901)] == [1, 1, 2, 15, 16]


# -- Chinese messages of our own --------------------------------------------------------------------

def test_empty_submission_gets_our_own_chinese_messages(world: World, client: Client) -> None:
    r = client.post("/portal/", {"submission_id": "a" * 32})
    assert r.status_code == 400
    html = r.content.decode()
    assert "请选择诉求类型" in html and "请填写诉求内容" in html
    _no_django_defaults(html)
    r = submit(client, content="长" * 5001)
    assert r.status_code == 400
    html = r.content.decode()
    assert "诉求内容最多5000个字，现在是5001个字" in html
    _no_django_defaults(html)
    html = submit(client, type="nonsense").content.decode()
    assert "请从列出的诉求类型中选择一项" in html
    _no_django_defaults(html)


def test_tracking_and_rating_forms_speak_chinese(world: World, client: Client) -> None:
    r = client.post("/portal/track/", {"code": "", "phone": ""})
    assert r.status_code == 400 and "请填写查询码" in r.content.decode()
    _no_django_defaults(r.content.decode())
    r = client.post("/portal/track/", {"code": "X" * 25, "phone": ""})
    assert r.status_code == 400 and "查询码不正确" in r.content.decode()
    submit(client)
    case = Case.objects.get()
    from tests.intake.conftest import staff_final_reply

    staff_final_reply(world, case.pk)
    r = client.post(f"/portal/case/{case.tracking_code}/rate/", {})
    assert r.status_code == 400
    html = r.content.decode()
    assert "请选择您对办理结果的评价" in html
    _no_django_defaults(html)
    r = client.post(f"/portal/case/{case.tracking_code}/rate/", {"rating": "4", "comment": "好" * 1001})
    assert r.status_code == 400 and "意见或建议最多1000个字" in r.content.decode()


# -- the tracking page --------------------------------------------------------------------------------

def _expected_text(case: Case) -> str:
    m = Milestone.objects.filter(case=case, kind="result").get()
    local = timezone.localtime(m.due_at)
    text = f"{local.month}月{local.day}日"
    return text if local.year == timezone.localtime().year else f"{local.year}年{text}"


def test_tracking_page_names_the_unit_and_the_expected_reply_date(world: World, client: Client) -> None:
    submit(client)
    case = Case.objects.get()
    url = f"/portal/case/{case.tracking_code}/"
    html = client.get(url).content.decode()
    assert "海港区委政法委" in html and "正在确定承办单位" in html  # taken in, not yet dispatched
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    html = client.get(url).content.decode()
    assert 'id="case-unit">文化路派出所' in html and "正在确定承办单位" not in html
    assert f"预计{_expected_text(case)}前答复" in html  # the reply milestone, not the 2-hour 签收
    Milestone.objects.filter(case=case, kind="result").update(status="paused")  # as a pausable policy does
    html = client.get(url).content.decode()
    assert "暂停计时" in html


def test_expected_date_is_beijing_date_and_overdue_is_said_plainly(world: World, client: Client) -> None:
    submit(client)
    case = Case.objects.get()
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    m = Milestone.objects.get(case=case, kind="result")
    # 20:30 UTC on 4 December is 04:30 on 5 December in Beijing.
    year = timezone.localtime().year + 1
    m.due_at = datetime(year, 12, 4, 20, 30, tzinfo=UTC)
    m.save(update_fields=["due_at"])
    html = client.get(f"/portal/case/{case.tracking_code}/").content.decode()
    assert f"预计{year}年12月5日前答复" in html
    m.due_at = timezone.now() + timezone.timedelta(hours=2)  # less than a day away: with the time
    m.save(update_fields=["due_at"])
    local = timezone.localtime(m.due_at)
    html = client.get(f"/portal/case/{case.tracking_code}/").content.decode()
    assert f"预计{local.month}月{local.day}日{local:%H:%M}前答复" in html
    m.status = "breached"
    m.due_at = timezone.now() - timezone.timedelta(days=1)
    m.save(update_fields=["status", "due_at"])
    html = client.get(f"/portal/case/{case.tracking_code}/").content.decode()
    assert "已超期" in html and "预计" not in html.split('id="case-expected"')[1][:80]


def _photo(name: str = "现场.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def test_own_photos_show_as_thumbnails_only_to_the_checked_session(world: World, client: Client) -> None:
    client.post("/portal/", {**form(), "files": [_photo()]})
    case = Case.objects.get()
    att = Attachment.objects.get(case=case)
    url = f"/portal/case/{case.tracking_code}/"
    file_url = f"{url}files/{att.pk}"
    html = client.get(url).content.decode()
    assert f'<img src="{file_url}"' in html and 'alt="现场.png"' in html
    r = client.get(file_url)
    assert r.status_code == 200 and r["Content-Type"] == "image/png" and r["X-Content-Type-Options"] == "nosniff"
    assert b"".join(r.streaming_content) == PNG  # type: ignore[attr-defined]

    stranger = Client()
    assert stranger.get(file_url).status_code == 404  # no session
    assert "查询码" in stranger.get(file_url).content.decode()  # in Chinese
    assert _track(stranger, case.tracking_code, "13812345678").status_code == 302
    assert stranger.get(file_url).status_code == 200  # code + phone: granted

    # Another citizen's case: its file is never reachable through my code, nor mine through theirs.
    other = Client()
    other.post("/portal/", {**form(phone="13987654321", submission_id="b" * 32), "files": [_photo("他人.png")]})
    theirs = Attachment.objects.exclude(pk=att.pk).get()
    assert client.get(f"{url}files/{theirs.pk}").status_code == 404
    assert other.get(file_url).status_code == 404


def test_files_need_the_phone_check_and_staff_documents_stay_internal(world: World, client: Client) -> None:
    # Anonymous without a phone: the code alone opens progress only, never files.
    client.post("/portal/", {**form(anonymous="on", phone="", name="", content="匿名反映：某处夜间施工扰民严重。"),
                             "files": [_photo()]})
    case = Case.objects.get()
    att = Attachment.objects.get(case=case)
    reader = Client()
    assert _track(reader, case.tracking_code, "").status_code == 302
    assert reader.get(f"/portal/case/{case.tracking_code}/files/{att.pk}").status_code == 404
    assert "<img" not in reader.get(f"/portal/case/{case.tracking_code}/").content.decode()

    # A document a staff member attached is not the citizen's: not listed, not served.
    submit(client, submission_id="c" * 32)
    mine = Case.objects.exclude(pk=case.pk).get()
    staff_file = CheckedFile(name="内部核查记录.png", content_type="image/png", data=PNG,
                             sha256=hashlib.sha256(PNG).hexdigest())
    case_attach(mine.pk, actor=world.operator, files=[staff_file])
    doc = Attachment.objects.get(case=mine)
    html = client.get(f"/portal/case/{mine.tracking_code}/").content.decode()
    assert "内部核查记录" not in html
    assert client.get(f"/portal/case/{mine.tracking_code}/files/{doc.pk}").status_code == 404


def test_large_text_mode_on_the_tracking_page(world: World, client: Client) -> None:
    client.post("/portal/", {**form(), "files": [_photo()]})
    case = Case.objects.get()
    client.get("/portal/display/?mode=large&next=/portal/track/")
    html = client.get(f"/portal/case/{case.tracking_code}/").content.decode()
    assert '<html lang="zh-Hans" class="large">' in html and 'class="thumb"' in html


# -- the region picker starts at the service point's county -------------------------------------------

def test_region_picker_starts_at_the_county_of_the_scanned_point(world: World, client: Client) -> None:
    town = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    Region.objects.create(code="130302002", name="建设大街街道", level=4, parent=world.district)
    # No region of its own: the point's unit says where it is.
    ServicePoint.objects.create(code="wenhua-station", name="文化路派出所警务室", channel=Channel.WECHAT_QR,
                                unit=world.station)
    html = client.get("/portal/?sp=wenhua-station").content.decode()
    assert "所在地区：秦皇岛市海港区" in html
    picker = html.split('id="region-0"')[1].split("</select>")[0]
    assert "文化路街道" in picker and "建设大街街道" in picker
    assert "秦皇岛市" not in picker and "山海关区" not in picker  # not the province or city level
    plain = client.get("/portal/").content.decode().split('id="region-0"')[1].split("</select>")[0]
    assert "海港区" in plain and "山海关区" in plain  # without a point: the deployment's top level

    # Nothing picked: the demand is in the point's county; a street picked: that street.
    submit(client, sp="wenhua-station", address="", region=["130302", ""])
    assert Case.objects.get().region_id == world.district.code
    submit(client, sp="wenhua-station", address="", region=["130302", town.code], submission_id="d" * 32)
    assert Case.objects.order_by("-id").first().region_id == town.code  # type: ignore[union-attr]


def test_point_region_finer_than_the_county_is_kept(world: World, client: Client) -> None:
    town = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    village = Region.objects.create(code="130302001001", name="文化里社区", level=5, parent=town)
    ServicePoint.objects.create(code="village-desk", name="文化里社区服务站", channel=Channel.FIELD_VISIT,
                                unit=world.justice_office, region=village)
    html = client.get("/portal/?sp=village-desk").content.decode()
    assert "所在地区：秦皇岛市海港区" in html and f'name="region" value="{village.code}"' in html
    submit(client, sp="village-desk", address="")
    assert Case.objects.get().region_id == village.code
