"""The notary API from booking to certificate: the public matters and free places, a citizen's
booking without a token, the office's day list and the matter's generated case steps
(/api/v1/cases/{id}/notary/…); bad input gets a clear Chinese 400/404/409, never a 500."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from banshi.notary.models import NotarySlot
from tests.factories import World
from tests.notary.support import NotaryUnits


def _next_weekday(days: int = 7) -> Any:
    day = timezone.localdate() + timedelta(days=days)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _at(day: Any, hour: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00+08:00"


def publish(api: Any, nt: NotaryUnits, day: Any, **kw: Any) -> list[dict[str, Any]]:
    body = {"office_id": nt.office.pk,
            "slots": [{"starts_at": _at(day, 9), "ends_at": _at(day, 11), "capacity": 2, **kw}]}
    r = api.post("/notary/slots", body)
    assert r.status_code == 201, r.content.decode()
    return r.json()  # type: ignore[no-any-return]


def public_post(client: Client, path: str, body: Any) -> Any:
    return client.post(f"/api/v1{path}", body, content_type="application/json")


def step(api: Any, case_id: int, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    r = api.post(f"/cases/{case_id}/{path}", body or {})
    assert r.status_code == 200, (path, r.status_code, r.content.decode())
    return r.json()  # type: ignore[no-any-return]


@pytest.mark.django_db
def test_from_booking_to_certificate(world: World, nt: NotaryUnits, api_as: Any, client: Client) -> None:
    matters = client.get("/api/v1/notary/matters")  # public: shown before the visit
    assert matters.status_code == 200
    by_code = {m["code"]: m for m in matters.json()["matters"]}
    assert by_code["will"]["video"] is False and "公证法第26条" in by_code["will"]["in_person"]
    assert by_code["birth"]["period"] == "5wd" and by_code["birth"]["materials"]
    assert matters.json()["default_period"] == "15wd"

    day = _next_weekday()
    office = api_as(nt.handler)
    [s] = publish(office, nt, day, video=True)
    assert s["free"] == 2 and s["video"] is True
    free = client.get("/api/v1/notary/slots", {"office": nt.office.pk, "date": day.isoformat(), "matter": "education"})
    assert free.status_code == 200 and [x["id"] for x in free.json()] == [s["id"]]

    # A citizen books without a token: the code, the matter opened, and its 查询码.
    r = public_post(client, "/notary/bookings", {"slot_id": s["id"], "matter": "education", "mode": "video",
                                                  "citizen_name": "刘同学", "citizen_phone": "13712345678"})
    assert r.status_code == 201, r.content.decode()
    b = r.json()
    assert len(b["code"]) == 8 and b["state"] == "nt_booked" and b["state_label"] == "已预约"
    assert b["case_number"].startswith("GZ") and b["tracking_code"] and b["slot"]["free"] == 1
    case_id = b["case_id"]

    day_list = office.get("/notary/day", office=nt.office.pk, date=day.isoformat())
    assert day_list.status_code == 200
    rows = day_list.json()["slots"][0]["bookings"]
    assert [x["code"] for x in rows] == [b["code"]] and rows[0]["citizen_phone"] == "137****5678"

    detail = office.get(f"/cases/{case_id}").json()
    assert detail["kind"] == "notary" and detail["kind_label"] == "公证"
    assert {a["action"] for a in detail["allowed_actions"]} >= {"nt_accept", "nt_cancel"}
    out = step(office, case_id, "notary/accept", {"version": detail["version"]})
    assert out["state"] == "nt_review" and [m["period"] for m in out["milestones"]] == ["5wd"]
    r = office.post(f"/cases/{case_id}/notary/accept", {})
    assert r.status_code == 409 and "不能执行" in r.json()["message"]
    step(office, case_id, "notary/documents-request", {"documents": ["学位在线验证报告"]})
    out = step(office, case_id, "notary/documents-received", {"in_person": False})
    assert out["state"] == "nt_review"
    r = office.post(f"/cases/{case_id}/notary/issue", {"certificate_number": "（2026）冀秦海证字第3001号",
                                                        "delivery": "on_spot"})
    assert r.status_code == 400 and "视频办理的公证书" in r.json()["message"]
    out = step(office, case_id, "notary/issue", {"certificate_number": "（2026）冀秦海证字第3001号", "delivery": "mail"})
    assert out["state"] == "nt_issued" and out["state_label"] == "已出具公证书"
    events = office.get(f"/cases/{case_id}/events").json()
    issued = next(e for e in events if e["action"] == "nt_issue")
    assert issued["data"]["on_time"] is True and issued["data"]["one_visit"] is True and issued["data"]["video"] is True
    # The supervisor of the region sees the office's day too; another office's staff do not.
    assert api_as(world.supervisor).get("/notary/day", office=nt.office.pk, date=day.isoformat()).status_code == 200
    r = api_as(nt.other_handler).get("/notary/day", office=nt.office.pk, date=day.isoformat())
    assert r.status_code == 403 and "无权" in r.json()["message"]


@pytest.mark.django_db
def test_cancel_and_book_again(world: World, nt: NotaryUnits, api_as: Any, client: Client) -> None:
    day = _next_weekday(10)
    [s] = publish(api_as(nt.handler), nt, day, capacity=1)
    body = {"slot_id": s["id"], "matter": "birth", "citizen_name": "王小明", "citizen_phone": "13900001111"}
    code = public_post(client, "/notary/bookings", body).json()["code"]
    r = public_post(client, "/notary/bookings", {**body, "citizen_phone": "13900002222"})
    assert r.status_code == 409 and r.json()["code"] == "slot_full" and "已约满" in r.json()["message"]
    r = public_post(client, f"/notary/bookings/{code}/cancel", {"phone": "13900009999"})
    assert r.status_code == 404 and "预约码或手机号不正确" in r.json()["message"]
    r = public_post(client, f"/notary/bookings/{code}/cancel", {"phone": "13900001111", "reason": "改期"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["state"] == "nt_cancelled"
    assert NotarySlot.objects.get(pk=s["id"]).booked == 0
    assert public_post(client, "/notary/bookings", {**body, "citizen_phone": "13900002222"}).status_code == 201
    r = public_post(client, f"/notary/bookings/{code}/cancel", {"phone": "13900001111"})
    assert r.status_code == 409 and "不能取消" in r.json()["message"]
    # Staff book for a walk-in with their token; another office's staff cannot.
    [s2] = publish(api_as(nt.handler), nt, day + timedelta(days=1))
    r = api_as(nt.operator).post("/notary/bookings", {**body, "slot_id": s2["id"]})
    assert r.status_code == 201
    r = api_as(nt.other_handler).post("/notary/bookings", {**body, "slot_id": s2["id"], "citizen_phone": "13900003333"})
    assert r.status_code == 403
    # The office cancels through the case's generated step.
    r = api_as(nt.operator).post("/notary/bookings", {**body, "slot_id": s2["id"], "citizen_phone": "13900004444"})
    case_id = r.json()["case_id"]
    out = step(api_as(nt.handler), case_id, "notary/cancel", {"reason": "当事人电话取消"})
    assert out["state"] == "nt_cancelled" and out["state_label"] == "已取消预约"
    assert NotarySlot.objects.get(pk=s2["id"]).booked == 1


@pytest.mark.django_db
def test_bad_input_is_a_clear_chinese_error(world: World, nt: NotaryUnits, api_as: Any, client: Client) -> None:
    day = _next_weekday(12)
    office = api_as(nt.handler)
    [s] = publish(office, nt, day)
    good = {"slot_id": s["id"], "matter": "birth", "citizen_name": "王小明", "citizen_phone": "13900001111"}
    for body, status, words in (
        ({**good, "matter": "moon"}, 400, "公证事项不正确"),
        ({**good, "mode": "fax"}, 400, "办理方式不正确"),
        ({**good, "citizen_phone": "123"}, 400, "手机号"),
        ({**good, "citizen_name": "王\x00"}, 400, "空字符"),
        ({**good, "slot_id": 10**20}, 400, "请求数据不正确"),
        ({**good, "slot_id": 10**12}, 404, "预约时段不存在"),
        ({**good, "slot_id": "abc"}, 400, "请求数据不正确"),
        ({"matter": "birth"}, 400, "请求数据不正确"),
        ({**good, "citizen_name": "x" * 500}, 400, "不能超过"),
    ):
        r = public_post(client, "/notary/bookings", body)
        assert r.status_code == status, (body, r.status_code, r.content.decode())
        if words:
            assert words in r.json()["message"], r.json()
    r = client.post("/api/v1/notary/bookings", "{not json", content_type="application/json")
    assert 400 <= r.status_code < 500
    r = client.post("/api/v1/notary/bookings", good, content_type="application/json", HTTP_AUTHORIZATION="Bearer nope")
    assert r.status_code == 401 and "令牌" in r.json()["message"]
    for params, words in (({"office": nt.office.pk, "date": "2026-13-40"}, "请求数据不正确"),
                          ({"office": world.court.pk, "date": day.isoformat()}, "请选择公证处"),
                          ({"date": day.isoformat()}, "请求数据不正确"),
                          ({"office": nt.office.pk, "date": day.isoformat(), "matter": "moon"}, "公证事项不正确"),
                          ({"office": 10**20, "date": day.isoformat()}, "请求数据不正确")):
        r = client.get("/api/v1/notary/slots", params)
        assert r.status_code == 400 and words in r.json()["message"], (params, r.content.decode())
    assert client.get("/api/v1/notary/day", {"office": nt.office.pk, "date": day.isoformat()}).status_code == 401
    r = public_post(client, "/notary/bookings/NOPE/cancel", {"phone": "13900001111"})
    assert r.status_code == 404
    r = office.post("/notary/slots", {"office_id": nt.office.pk,
                                      "slots": [{"starts_at": _at(day, 9), "ends_at": _at(day, 8), "capacity": 2}]})
    assert r.status_code == 400 and "结束时间应晚于开始时间" in r.json()["message"]
    r = office.post("/notary/slots", {"office_id": nt.office.pk,
                                      "slots": [{"starts_at": _at(day, 9), "ends_at": _at(day, 11), "capacity": 0}]})
    assert r.status_code == 400
    r = api_as(nt.other_handler).post("/notary/slots", {"office_id": nt.office.pk,
                                                        "slots": [{"starts_at": _at(day, 14), "ends_at": _at(day, 15),
                                                                   "capacity": 2}]})
    assert r.status_code == 403 and "本公证处" in r.json()["message"]
    # The generated steps: a refusal needs its situation and reasons; a bad code is a 400.
    case_id = public_post(client, "/notary/bookings", {**good, "citizen_phone": "13900005555"}).json()["case_id"]
    step(office, case_id, "notary/accept")
    leader = api_as(nt.leader)
    r = leader.post(f"/cases/{case_id}/notary/refuse", {"reason_code": "x", "reason": "材料不全"})
    assert r.status_code == 400 and "不予办理的情形不正确" in r.json()["message"]
    r = leader.post(f"/cases/{case_id}/notary/refuse", {"reason_code": "insufficient"})
    assert r.status_code == 400
    r = office.post(f"/cases/{case_id}/notary/refuse", {"reason_code": "insufficient", "reason": "拒绝补充材料"})
    assert r.status_code == 403
    out = step(leader, case_id, "notary/refuse", {"reason_code": "insufficient", "reason": "当事人拒绝补充出生医学证明。"})
    assert out["state"] == "nt_refused"
    r = office.post(f"/cases/{case_id}/notary/issue", {"certificate_number": "X1"})
    assert r.status_code == 409
