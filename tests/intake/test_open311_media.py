"""Open311 GeoReport v2: discovery, and requests posted as multipart/form-data with a `media` file
(wiki.open311.org/GeoReport_v2), checked and attached as the portal does with its photos."""

from __future__ import annotations

import io
import struct
import xml.etree.ElementTree as ET
import zlib
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from banshi.cases.models import Attachment, Case, CaseEvent
from banshi.intake.models import Open311Request
from tests.factories import World

BASE = "/open311/v2"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def api_key(world: World) -> str:
    out = io.StringIO()
    call_command("open311", "key", "--name", "海港随手拍App", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG (8-bit RGB, one red colour) built with the standard library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))  # filter byte + pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def fields(key: str, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"api_key": key, "service_code": "help", "lat": "39.935", "long": "119.600",
                            "address_string": "海港区文化路", "description": "路口信号灯坏了，行人过马路很危险。",
                            "first_name": "三", "last_name": "张", "phone": "13812345678"}
    data.update(kw)
    return data


def post_media(client: Client, key: str, media: Any, fmt: str = "json", **kw: Any) -> Any:
    # The test client encodes a dict holding a file as multipart/form-data.
    return client.post(f"{BASE}/requests.{fmt}", {**fields(key, **kw), "media": media})


def photo(name: str = "现场.png", data: bytes | None = None, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes() if data is None else data, content_type=content_type)


def error_of(r: Any) -> tuple[int, str]:
    if r["Content-Type"].startswith("text/xml"):
        root = ET.fromstring(r.content)
        assert root.tag == "errors"
        return int(root.findtext("error/code") or 0), root.findtext("error/description") or ""
    body = r.json()
    assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"code", "description"}
    return body[0]["code"], body[0]["description"]


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# -- discovery -----------------------------------------------------------------------------------

def test_discovery_json(world: World, client: Client) -> None:
    r = client.get(f"{BASE}/discovery.json")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    d = r.json()
    assert set(d) == {"changeset", "contact", "key_service", "endpoints"}
    assert has_chinese(d["contact"]) and has_chinese(d["key_service"])
    assert d["changeset"].startswith("20")
    [endpoint] = d["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2", "url": "http://testserver/open311/v2",
        "changeset": d["changeset"], "type": "production", "formats": ["text/xml", "application/json"],
    }
    # The url is the host the client reached, and the spec's paths hang off it.
    other = client.get(f"{BASE}/discovery.json", HTTP_HOST="localhost:8000").json()
    assert other["endpoints"][0]["url"] == "http://localhost:8000/open311/v2"
    assert client.get(endpoint["url"].removeprefix("http://testserver") + "/services.json").status_code == 200


def test_discovery_xml(world: World, client: Client) -> None:
    r = client.get(f"{BASE}/discovery.xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoints = root.findall("endpoints/endpoint")
    assert len(endpoints) == 1
    ep = endpoints[0]
    assert ep.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert ep.findtext("url") == "http://testserver/open311/v2"
    assert ep.findtext("changeset") == root.findtext("changeset")
    assert ep.findtext("type") == "production"
    assert [f.text for f in ep.findall("formats/format")] == ["text/xml", "application/json"]


def test_discovery_texts_come_from_settings(world: World, client: Client, settings: Any) -> None:
    settings.BANSHI_OPEN311_CONTACT = "请致电12345转政法委信息科"
    settings.BANSHI_OPEN311_KEY_SERVICE = "请发函至市委政法委申请api_key"
    d = client.get(f"{BASE}/discovery.json").json()
    assert (d["contact"], d["key_service"]) == ("请致电12345转政法委信息科", "请发函至市委政法委申请api_key")


def test_discovery_errors(world: World, client: Client) -> None:
    assert error_of(client.get(f"{BASE}/discovery.yaml"))[0] == 400
    r = client.post(f"{BASE}/discovery.xml")
    assert r.status_code == 405 and error_of(r)[0] == 405


# -- media upload --------------------------------------------------------------------------------

def test_multipart_media_creates_case_with_audited_attachment(world: World, client: Client, api_key: str) -> None:
    r = post_media(client, api_key, photo(), media_url="https://img.example.com/1.jpg")
    assert r.status_code == 200, r.content
    request_id = r.json()[0]["service_request_id"]
    case = Case.objects.get(tracking_code=request_id)
    [att] = case.attachments.all()
    data = png_bytes()
    assert (att.name, att.content_type, att.size) == ("现场.png", "image/png", len(data))
    assert att.uploaded_by is None
    with att.file.open("rb") as f:
        assert f.read() == data
    [event] = CaseEvent.objects.filter(case=case, action="attach")
    assert event.actor_id is None
    assert event.data["attachments"] == [{"id": att.pk, "name": "现场.png", "size": len(data)}]
    assert Open311Request.objects.get(case=case).media_url == "https://img.example.com/1.jpg"
    # The filing client reads its request back as before.
    sr = client.get(f"{BASE}/requests/{request_id}.json", {"api_key": api_key}).json()[0]
    assert sr["media_url"] == "https://img.example.com/1.jpg" and "信号灯" in sr["description"]


def test_media_pdf_is_accepted_as_in_the_portal(world: World, client: Client, api_key: str) -> None:
    r = post_media(client, api_key, SimpleUploadedFile("证明.exe", PDF, content_type="application/octet-stream"))
    assert r.status_code == 200
    assert list(Attachment.objects.values_list("name", "content_type")) == [("证明.pdf", "application/pdf")]


def test_media_xml_variant(world: World, client: Client, api_key: str) -> None:
    r = post_media(client, api_key, photo(), fmt="xml")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/xml")
    root = ET.fromstring(r.content)
    assert root.tag == "service_requests"
    request_id = root.findtext("request/service_request_id")
    assert request_id and "受理" in (root.findtext("request/service_notice") or "")
    assert Case.objects.get(tracking_code=request_id).attachments.count() == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_fake_png_is_415_and_no_case(world: World, client: Client, api_key: str, fmt: str) -> None:
    """As in the portal, the file is checked before anything is saved: no case, no attachment."""
    fake = photo("photo.png", b"<html>not an image</html>", "image/png")
    r = post_media(client, api_key, fake, fmt=fmt)
    assert r.status_code == 415
    code, description = error_of(r)
    assert code == 415 and "不是JPEG、PNG图片或PDF文件" in description
    assert (Case.objects.count(), Attachment.objects.count(), Open311Request.objects.count()) == (0, 0, 0)


def test_oversize_media_is_413_and_no_case(world: World, client: Client, api_key: str, settings: Any) -> None:
    settings.BANSHI_MAX_UPLOAD_BYTES = 50
    r = post_media(client, api_key, photo(data=png_bytes(16, 16)))
    assert r.status_code == 413
    code, description = error_of(r)
    assert code == 413 and "超过" in description
    assert (Case.objects.count(), Attachment.objects.count()) == (0, 0)


def test_oversize_body_is_413_in_open311_format(world: World, client: Client, api_key: str, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # Django's limit on the non-file fields
    r = post_media(client, api_key, photo(), description="内容" * 1000)
    assert r.status_code == 413 and has_chinese(error_of(r)[1])
    assert Case.objects.count() == 0


@pytest.mark.parametrize("key", ["", "wrong"])
def test_media_without_valid_key_is_403(world: World, client: Client, key: str) -> None:
    r = post_media(client, key, photo())
    assert r.status_code == 403
    code, description = error_of(r)
    assert code == 403 and "api_key" in description
    assert (Case.objects.count(), Attachment.objects.count()) == (0, 0)


def test_media_rate_limited_is_429(world: World, client: Client, api_key: str, settings: Any) -> None:
    settings.BANSHI_RATE_LIMITS = {"open311_write": (1, 60)}
    assert post_media(client, api_key, photo()).status_code == 200
    r = post_media(client, api_key, photo())
    assert r.status_code == 429 and error_of(r)[0] == 429 and has_chinese(error_of(r)[1])
    assert Case.objects.count() == 1


def test_bad_media_fields_are_400(world: World, client: Client, api_key: str) -> None:
    r = client.post(f"{BASE}/requests.json", {**fields(api_key), "media": [photo("a.png"), photo("b.png")]})
    assert r.status_code == 400 and has_chinese(error_of(r)[1])
    r = client.post(f"{BASE}/requests.json", {**fields(api_key), "media": "https://img.example.com/1.jpg"})
    assert r.status_code == 400 and "media_url" in error_of(r)[1]
    r = post_media(client, api_key, photo(data=b""))
    assert r.status_code == 400 and "空文件" in error_of(r)[1]
    assert Case.objects.count() == 0


def test_attach_failure_commits_nothing(world: World, client: Client, api_key: str,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Case, Open311 row and attachment are one transaction (as the portal's citizen_submit): a
    storage failure leaves nothing half-accepted, and the client is told to retry (503, not 500)."""
    from banshi.cases import uploads

    def broken(*args: Any, **kw: Any) -> Any:
        raise OSError("disk full")

    monkeypatch.setattr(uploads, "attachments_save", broken)
    r = post_media(client, api_key, photo(), HTTP_IDEMPOTENCY_KEY="retry-me-123")
    assert r.status_code == 503
    assert error_of(r)[0] == 503 and "未提交" in error_of(r)[1]
    assert (Case.objects.count(), Open311Request.objects.count(), CaseEvent.objects.count()) == (0, 0, 0)
    monkeypatch.undo()
    r = post_media(client, api_key, photo(), HTTP_IDEMPOTENCY_KEY="retry-me-123")
    assert r.status_code == 200
    assert Case.objects.get().attachments.count() == 1


def test_retried_media_post_attaches_once(world: World, client: Client, api_key: str) -> None:
    a = client.post(f"{BASE}/requests.json", {**fields(api_key), "media": photo()}, HTTP_IDEMPOTENCY_KEY="dev-1-abc")
    b = client.post(f"{BASE}/requests.json", {**fields(api_key), "media": photo()}, HTTP_IDEMPOTENCY_KEY="dev-1-abc")
    assert a.json()[0]["service_request_id"] == b.json()[0]["service_request_id"]
    assert (Case.objects.count(), Attachment.objects.count()) == (1, 1)


def test_form_encoded_with_media_url_still_works(world: World, client: Client, api_key: str) -> None:
    body = urlencode(fields(api_key, media_url="https://img.example.com/2.jpg"))
    r = client.post(f"{BASE}/requests.json", body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 200
    case = Case.objects.get(tracking_code=r.json()[0]["service_request_id"])
    assert case.attachments.count() == 0 and case.open311.media_url == "https://img.example.com/2.jpg"
