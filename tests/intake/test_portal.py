from __future__ import annotations

import re

import pytest
from django.test import Client

from banshi.cases.domain.lifecycle import case_dispatch, case_documents_request, case_sign
from banshi.cases.enums import Channel, State
from banshi.cases.models import Attachment, Case, FollowUp
from banshi.intake.models import ServicePoint
from banshi.notify.models import OutboxMessage
from banshi.orgs.models import Region
from tests.factories import World
from tests.intake.conftest import staff_final_reply

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def form(**kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "type": "help", "content": "小区门口夜间有人聚集喝酒吵闹，影响休息。", "name": "张三",
        "phone": "138 1234 5678", "address": "海港区文化路1号", "submission_id": "a" * 32,
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def submit(client: Client, **kw: object):  # type: ignore[no-untyped-def]
    return client.post("/portal/", form(**kw))


def test_submit_form_renders_accessible_fields(world: World, client: Client) -> None:
    r = client.get("/portal/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="zh-Hans"' in html
    for field_id in ("id_content", "id_name", "id_phone", "id_address", "id_files", "region-0"):
        assert f'for="{field_id}"' in html
    assert "<script>" not in html and " style=" not in html  # strict CSP: no inline script or style
    assert re.search(r'name="submission_id" value="[0-9a-f]{32}"', html)


def test_submit_gives_tracking_code_and_receipt_sms(world: World, client: Client) -> None:
    r = submit(client)
    assert r.status_code == 302 and r["Location"] == "/portal/received/"
    case = Case.objects.get()
    assert case.channel == Channel.PORTAL
    assert case.citizen_phone == "13812345678"
    assert case.intake_unit == world.committee
    page = client.get("/portal/received/").content.decode()
    assert case.tracking_code in page
    msg = OutboxMessage.objects.get(case=case, channel="sms")
    assert (msg.template, msg.recipient) == ("receipt", "13812345678")


def test_plain_portal_takes_committee_of_chosen_region(world: World, client: Client) -> None:
    submit(client, region=world.other_district.code, address="")
    case = Case.objects.get()
    assert case.intake_unit == world.other_committee
    assert case.region_id == world.other_district.code


def test_region_cascade_deepest_choice_wins(world: World, client: Client) -> None:
    town = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    client.post("/portal/", {**form(address=""), "region": [world.city.code, world.district.code, town.code]})
    case = Case.objects.get()
    assert case.region_id == town.code and case.intake_unit == world.committee


def test_qr_service_point_fills_channel_unit_and_point(world: World, client: Client) -> None:
    point = ServicePoint.objects.create(code="wenhua-village", name="文化路村便民服务站", channel=Channel.FIELD_VISIT,
                                        unit=world.justice_office, region=world.district)
    page = client.get("/portal/?sp=wenhua-village").content.decode()
    assert "文化路村便民服务站" in page and 'value="wenhua-village"' in page
    submit(client, sp="wenhua-village", address="")
    case = Case.objects.get()
    assert (case.service_point, case.channel, case.intake_unit) == (point, Channel.FIELD_VISIT, world.justice_office)


def test_traditional_chinese_is_stored_simplified(world: World, client: Client) -> None:
    submit(client, content="這裡的路燈壞了很久，晚上回家很危險。", address="擺桌子現場")
    case = Case.objects.get()
    assert case.content == "这里的路灯坏了很久，晚上回家很危险。"
    assert case.address == "摆桌子现场"


def test_retried_submission_makes_one_case(world: World, client: Client) -> None:
    assert submit(client).status_code == 302
    assert submit(client).status_code == 302
    assert Case.objects.count() == 1
    r = client.post("/portal/", form(submission_id="b" * 32), HTTP_IDEMPOTENCY_KEY="retry-key-0001")
    r2 = client.post("/portal/", form(submission_id="c" * 32), HTTP_IDEMPOTENCY_KEY="retry-key-0001")
    assert r.status_code == r2.status_code == 302
    assert Case.objects.count() == 2
    assert OutboxMessage.objects.filter(template="receipt").count() == 2


@pytest.mark.parametrize(
    ("kw", "status", "message"),
    [
        ({"phone": "1381234"}, 400, "电话号码格式不正确"),
        ({"content": ""}, 400, "诉求内容"),
        ({"content": "x" * 5001}, 400, "诉求内容"),
        ({"type": "bogus"}, 400, "诉求类型"),
        ({"phone": ""}, 400, "实名提交请填写手机号码"),
        ({"name": ""}, 400, "实名提交请填写姓名"),
        ({"address": ""}, 400, "请选择所在地区或填写详细地址"),
        ({"region": "999999"}, 400, "所选地区不存在"),
        ({"submission_id": "bad key with spaces"}, 400, "Idempotency-Key"),
        ({"sp": "no-such-point"}, 400, "服务点不存在"),
    ],
)
def test_bad_submission_is_4xx_with_chinese_message(
    world: World, client: Client, kw: dict[str, object], status: int, message: str
) -> None:
    r = submit(client, **kw)
    assert r.status_code == status
    assert message in r.content.decode()
    assert Case.objects.count() == 0


def test_anonymous_submission_without_phone(world: World, client: Client) -> None:
    r = submit(client, anonymous="on", name="李四", phone="", confidential="on")
    assert r.status_code == 302
    case = Case.objects.get()
    assert case.anonymous and case.citizen_name == "" and not case.confidential
    assert not OutboxMessage.objects.filter(channel="sms").exists()


def test_confidential_request_is_kept(world: World, client: Client) -> None:
    submit(client, confidential="on", type="report")
    assert Case.objects.get().confidential


def test_uploads_checked_by_content(world: World, client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    r = client.post("/portal/", {**form(), "files": [fake]})
    assert r.status_code == 415 and "不是JPEG、PNG图片或PDF文件" in r.content.decode()
    assert Case.objects.count() == 0
    good = [SimpleUploadedFile("现场.png", PNG, content_type="application/octet-stream"),
            SimpleUploadedFile("证明.exe", PDF, content_type="application/x-msdownload")]
    r = client.post("/portal/", {**form(submission_id="d" * 32), "files": good})
    assert r.status_code == 302
    atts = list(Attachment.objects.order_by("id").values_list("name", "content_type"))
    assert atts == [("现场.png", "image/png"), ("证明.pdf", "application/pdf")]


def test_upload_too_large_is_413(world: World, client: Client, settings: object) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.BANSHI_MAX_UPLOAD_BYTES = 50  # type: ignore[attr-defined]
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 100, content_type="image/png")
    r = client.post("/portal/", {**form(), "files": [big]})
    assert r.status_code == 413 and "超过" in r.content.decode()
    assert Case.objects.count() == 0


def test_rate_limits_by_ip_and_phone_give_429(world: World, client: Client, settings: object) -> None:
    settings.BANSHI_RATE_LIMITS = {"submit_ip": (100, 3600), "submit_phone": (2, 3600)}  # type: ignore[attr-defined]
    for i in range(2):
        assert submit(client, submission_id=f"{i:032d}").status_code == 302
    r = submit(client, submission_id="9" * 32)
    assert r.status_code == 429 and "操作过于频繁" in r.content.decode()
    settings.BANSHI_RATE_LIMITS = {"submit_ip": (3, 3600)}  # type: ignore[attr-defined]
    r = submit(client, phone="13900001111", submission_id="8" * 32)
    assert r.status_code == 429


def _track(client: Client, code: str, phone: str):  # type: ignore[no-untyped-def]
    return client.post("/portal/track/", {"code": code, "phone": phone})


def test_tracking_needs_code_and_phone(world: World, client: Client) -> None:
    submit(client)
    case = Case.objects.get()
    other = Client()
    assert other.get(f"/portal/case/{case.tracking_code}/").status_code == 302  # not granted yet
    assert _track(other, case.tracking_code, "13900000000").status_code == 404
    assert _track(other, case.tracking_code, "").status_code == 404
    assert _track(other, "NOSUCHCODE", "13812345678").status_code == 404
    assert _track(other, case.tracking_code, "notaphone").status_code == 400
    r = _track(other, case.tracking_code.lower(), "+86 138-1234-5678")
    assert r.status_code == 302
    page = other.get(r["Location"]).content.decode()
    assert "小区门口夜间有人聚集" in page and "138****5678" in page and "13812345678" not in page


def test_tracking_anonymous_without_phone_shows_progress_only(world: World, client: Client) -> None:
    submit(client, anonymous="on", phone="", content="匿名反映：某处夜间施工扰民严重。")
    case = Case.objects.get()
    other = Client()
    r = _track(other, case.tracking_code, "")
    assert r.status_code == 302
    page = other.get(r["Location"]).content.decode()
    assert "诉求已受理" in page and "施工扰民" not in page


def test_tracking_lookup_is_rate_limited(world: World, client: Client, settings: object) -> None:
    settings.BANSHI_RATE_LIMITS = {"track_ip": (3, 600)}  # type: ignore[attr-defined]
    codes = [_track(client, f"GUESS{i:05d}", "13812345678").status_code for i in range(4)]
    assert codes == [404, 404, 404, 429]


def test_html_in_content_is_shown_as_text(world: World, client: Client) -> None:
    submit(client, content='<script>alert("x")</script><b>楼道灯坏了</b>')
    page = client.get(f"/portal/case/{Case.objects.get().tracking_code}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<b>楼道灯坏了" not in page


def test_rate_after_final_reply(world: World, client: Client) -> None:
    submit(client)
    case = Case.objects.get()
    url = f"/portal/case/{case.tracking_code}/"
    r = client.post(url + "rate/", {"rating": "5"})
    assert r.status_code == 409 and "尚未办结" in r.content.decode()
    staff_final_reply(world, case.pk)
    page = client.get(url).content.decode()
    assert "经核实，已安排民警加强夜间巡逻" in page and 'id="rate-form"' in page
    assert client.post(url + "rate/", {"rating": "9"}).status_code == 400
    r = client.post(url + "rate/", {"rating": "4", "comment": "處理得很及時"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == State.FOLLOWED_UP and case.satisfaction == 4
    fu = FollowUp.objects.get(case=case)
    assert fu.by_citizen and fu.by is None and fu.comment == "处理得很及时"
    assert "感谢您的评价" in client.get(url).content.decode()
    assert client.post(url + "rate/", {"rating": "4"}).status_code == 409
    assert OutboxMessage.objects.filter(case=case, template__in=["final_reply", "follow_up"]).count() == 2


def test_unsatisfied_rating_reopens(world: World, client: Client) -> None:
    submit(client)
    case = Case.objects.get()
    staff_final_reply(world, case.pk)
    client.post(f"/portal/case/{case.tracking_code}/rate/", {"rating": "1", "comment": "没解决"})
    case.refresh_from_db()
    assert case.state == State.HANDLING and case.reopen_count == 1


def test_supplement_when_asked(world: World, client: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    submit(client)
    case = Case.objects.get()
    url = f"/portal/case/{case.tracking_code}/"
    assert client.post(url + "supplement/", {"text": "补充"}).status_code == 409
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    case_sign(case.pk, actor=world.handler)
    case_documents_request(case.pk, actor=world.handler, text="请提供现场照片")
    page = client.get(url).content.decode()
    assert "请提供现场照片" in page and 'action="/portal/case/' in page
    assert client.post(url + "supplement/", {"text": ""}).status_code == 400
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    r = client.post(url + "supplement/", {"text": "照片已上传", "files": [photo]})
    assert r.status_code == 302
    assert case.events.filter(action="documents_received").count() == 1
    assert Attachment.objects.filter(case=case).count() == 1
    assert "请提供现场照片" not in client.get(url).content.decode().split("办理过程")[0]


def test_display_toggle_sets_cookie_and_class(world: World, client: Client) -> None:
    r = client.get("/portal/display/?mode=large&next=/portal/track/")
    assert r.status_code == 302 and r["Location"] == "/portal/track/"
    assert r.cookies["banshi_display"].value == "large"
    assert '<html lang="zh-Hans" class="large">' in client.get("/portal/track/").content.decode()
    assert client.get("/portal/display/?next=https://evil.example/")["Location"] == "/portal/"


def test_regions_json_for_cascade(world: World, client: Client) -> None:
    top = client.get("/portal/regions.json").json()["regions"]
    assert {r["code"] for r in top} == {world.district.code, world.other_district.code}
    assert client.get(f"/portal/regions.json?parent={world.city.code}").json()["regions"][0]["name"] == "海港区"


def test_qr_png_and_svg_poster(world: World, client: Client) -> None:
    ServicePoint.objects.create(code="window-1", name="诉讼服务大厅1号窗口", channel=Channel.WINDOW, unit=world.court)
    png = client.get("/portal/points/window-1/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    svg = client.get("/portal/points/window-1/poster.svg")
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert "诉讼服务大厅1号窗口" in svg.content.decode()
    assert client.get("/portal/points/nope/qr.png").status_code == 404


def test_service_point_stats(world: World, client: Client) -> None:
    from banshi.intake.qr import service_point_stats

    ServicePoint.objects.create(code="p1", name="站点一", channel=Channel.WECHAT_QR, unit=world.committee)
    submit(client, sp="p1")
    submit(client, sp="p1", submission_id="e" * 32)
    stats = service_point_stats()
    assert stats[0]["code"] == "p1" and stats[0]["received"] == 2
