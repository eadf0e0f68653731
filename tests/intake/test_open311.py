"""An Open311 GeoReport v2 client written from the public spec (wiki.open311.org/GeoReport_v2):
form-encoded POST with api_key; responses read by their documented field names, JSON and XML."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from banshi.cases.enums import State
from banshi.cases.models import Case
from tests.factories import World
from tests.intake.conftest import staff_final_reply

BASE = "/open311/v2"


@pytest.fixture
def api_key(world: World) -> str:
    out = io.StringIO()
    call_command("open311", "key", "--name", "海港随手拍App", stdout=out, stderr=io.StringIO())
    return out.getvalue().strip()


def new_request(client: Client, key: str, **kw: str) -> Any:
    data = {"api_key": key, "service_code": "help", "lat": "39.935", "long": "119.600",
            "address_string": "海港区文化路", "description": "路口信号灯坏了，行人过马路很危险。",
            "first_name": "三", "last_name": "张", "phone": "13812345678", "email": "z@example.com"}
    data.update(kw)
    return client.post(f"{BASE}/requests.json", data)  # application/x-www-form-urlencoded per spec


def test_key_is_stored_only_as_hash(api_key: str) -> None:
    from banshi.intake.models import Open311Client

    client = Open311Client.objects.get()
    assert api_key not in client.key_hash and len(client.key_hash) == 64


def test_services_list_and_definition(world: World, client: Client) -> None:
    r = client.get(f"{BASE}/services.json")
    assert r.status_code == 200
    services = r.json()
    codes = {s["service_code"] for s in services}
    assert {"consultation", "help", "complaint", "report", "suggestion"} <= codes
    for s in services:
        assert {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"} <= set(s)
        assert s["type"] in ("realtime", "batch", "blackbox")
    d = client.get(f"{BASE}/services/help.json").json()
    assert d["service_code"] == "help"
    assert {a["code"] for a in d["attributes"]} >= {"region_code", "confidential"}
    xml = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert xml.tag == "services" and xml.find("service/service_code") is not None
    xml_def = ET.fromstring(client.get(f"{BASE}/services/help.xml").content)
    assert xml_def.tag == "service_definition" and xml_def.find("attributes/attribute/code") is not None


def test_file_request_and_read_status(world: World, client: Client, api_key: str) -> None:
    r = new_request(client, api_key, **{"attribute[region_code]": world.district.code})
    assert r.status_code in (200, 201)
    body = r.json()
    assert isinstance(body, list) and len(body) == 1
    request_id = body[0]["service_request_id"]
    assert request_id and "service_notice" in body[0]
    case = Case.objects.get(tracking_code=request_id)
    assert (case.channel, case.citizen_name, case.region_id) == ("open311", "张三", world.district.code)

    one = client.get(f"{BASE}/requests/{request_id}.json", {"api_key": api_key}).json()
    assert len(one) == 1
    sr = one[0]
    assert sr["service_request_id"] == request_id and sr["status"] == "open"
    assert sr["service_code"] == "help" and sr["requested_datetime"].endswith("+08:00")
    assert sr["lat"] == pytest.approx(39.935) and "信号灯" in sr["description"]

    staff_final_reply(world, case.pk, text="已联系交警修复信号灯，联系电话13900001111。")
    sr = client.get(f"{BASE}/requests/{request_id}.json", {"api_key": api_key}).json()[0]
    assert sr["status"] == "closed" and "139****1111" in sr["status_notes"]

    xml = ET.fromstring(client.get(f"{BASE}/requests/{request_id}.xml").content)
    assert xml.tag == "service_requests"
    assert xml.findtext("request/service_request_id") == request_id
    assert xml.findtext("request/status") == "closed"
    assert xml.find("request/description") is None  # without the filing client's key: status only


def test_requests_list_filters(world: World, client: Client, api_key: str) -> None:
    first = new_request(client, api_key).json()[0]["service_request_id"]
    second = new_request(client, api_key, service_code="suggestion").json()[0]["service_request_id"]
    staff_final_reply(world, Case.objects.get(tracking_code=first).pk)
    listing = client.get(f"{BASE}/requests.json", {"api_key": api_key}).json()
    assert {r["service_request_id"] for r in listing} == {first, second}
    opened = client.get(f"{BASE}/requests.json", {"api_key": api_key, "status": "open"}).json()
    assert [r["service_request_id"] for r in opened] == [second]
    by_code = client.get(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "help"}).json()
    assert [r["service_request_id"] for r in by_code] == [first]
    by_id = client.get(f"{BASE}/requests.json", {"api_key": api_key, "service_request_id": f"{first},{second}"}).json()
    assert len(by_id) == 2
    window = client.get(f"{BASE}/requests.json", {"api_key": api_key, "start_date": "2000-01-01T00:00:00Z",
                                                  "end_date": "2000-01-02T00:00:00Z"}).json()
    assert window == []
    xml = ET.fromstring(client.get(f"{BASE}/requests.xml", {"api_key": api_key}).content)
    assert len(xml.findall("request")) == 2


def test_idempotency_key_on_open311_create(world: World, client: Client, api_key: str) -> None:
    a = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "help", "address_string": "x路",
                                              "description": "重复提交测试内容"}, HTTP_IDEMPOTENCY_KEY="dev-123-abc")
    b = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "help", "address_string": "x路",
                                              "description": "重复提交测试内容"}, HTTP_IDEMPOTENCY_KEY="dev-123-abc")
    assert a.json()[0]["service_request_id"] == b.json()[0]["service_request_id"]
    assert Case.objects.count() == 1


def _error(r: Any) -> tuple[int, str]:
    body = r.json()
    assert isinstance(body, list) and {"code", "description"} <= set(body[0])
    return body[0]["code"], body[0]["description"]


@pytest.mark.parametrize(
    ("kw", "status"),
    [
        ({"api_key": "wrong"}, 403),
        ({"api_key": ""}, 403),
        ({"service_code": "nope"}, 400),
        ({"service_code": ""}, 400),
        ({"lat": "", "long": "", "address_string": ""}, 400),
        ({"lat": "91", "long": "0"}, 400),
        ({"lat": "abc"}, 400),
        ({"lat": "39.9", "long": ""}, 400),
        ({"description": ""}, 400),
        ({"phone": "123"}, 400),
        ({"attribute[region_code]": "999999"}, 400),
        ({"media_url": "javascript:alert(1)"}, 400),
    ],
)
def test_bad_requests_get_spec_errors(world: World, client: Client, api_key: str, kw: dict[str, str], status: int) -> None:
    r = new_request(client, api_key, **kw)
    assert r.status_code == status
    code, description = _error(r)
    assert code == status and description
    assert Case.objects.count() == 0


def test_read_errors(world: World, client: Client, api_key: str) -> None:
    assert client.get(f"{BASE}/requests/NOPE123.json").status_code == 404
    assert _error(client.get(f"{BASE}/services/nope.json"))[0] == 404
    assert client.get(f"{BASE}/requests.json").status_code == 403  # listing needs a key
    assert client.get(f"{BASE}/requests.json", {"api_key": api_key, "status": "pending"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", {"api_key": api_key, "start_date": "yesterday"}).status_code == 400
    assert client.get(f"{BASE}/services.yaml").status_code == 400
    xml = client.get(f"{BASE}/requests/NOPE123.xml")
    assert xml.status_code == 404 and ET.fromstring(xml.content).findtext("error/code") == "404"


def test_other_client_sees_status_only(world: World, client: Client, api_key: str) -> None:
    request_id = new_request(client, api_key).json()[0]["service_request_id"]
    out = io.StringIO()
    call_command("open311", "key", "--name", "other", stdout=out, stderr=io.StringIO())
    other = client.get(f"{BASE}/requests/{request_id}.json", {"api_key": out.getvalue().strip()}).json()[0]
    assert "description" not in other and other["status"] == "open"
    assert client.get(f"{BASE}/requests.json", {"api_key": out.getvalue().strip()}).json() == []
    assert Case.objects.get().state == State.REGISTERED
