"""A whole case through the API, from registration to archive, with return, transfer,
extension and reopen. Runs on SQLite, and on PostgreSQL when `make test` finds it."""

from __future__ import annotations

from banshi.cases.models import CaseEvent
from banshi.notify.models import OutboxMessage
from banshi.sla.models import Milestone
from tests.factories import World


def _ok(r, status: int = 200):  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.content.decode()
    return r.json()


def test_case_from_registration_to_archive(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    op, disp, h, ld = api_as(world.operator), api_as(world.dispatcher), api_as(world.handler), api_as(world.leader)
    h2, court = api_as(world.handler2), api_as(world.court_handler)
    created = _ok(op.post("/cases", {
        "type": "complaint", "channel": "hotline_12345", "content": "邻居深夜装修噪音扰民，多次沟通无果。",
        "citizen_name": "李四", "citizen_phone": "+86 139-1234-5678", "region_code": world.district.code,
    }), 201)
    cid = created["id"]
    assert created["number"].startswith("BS")
    # Dispatch to the court by mistake; the court returns it (the leader decides the return).
    _ok(disp.post(f"/cases/{cid}/dispatch", {"unit_id": world.court.pk, "periods": {"result": "15d"}}))
    _ok(court.post(f"/cases/{cid}/return-request", {"reason": "不属于法院职责"}))
    r = _ok(api_as(world.court_leader).post(f"/cases/{cid}/return", {"reason": "同意退回，建议派公安"}))
    assert r["state"] == "returned"
    # Re-dispatch to the wrong police station, which signs and then transfers it.
    _ok(disp.post(f"/cases/{cid}/dispatch", {"unit_id": world.station2.pk}))
    _ok(h2.post(f"/cases/{cid}/sign"))
    r = _ok(disp.post(f"/cases/{cid}/transfer", {"unit_id": world.station.pk, "reason": "属文化路辖区"}))
    assert r["state"] == "dispatched" and r["lead_unit_id"] == world.station.pk
    # The right station signs, asks for more time, the leader approves, handler replies.
    r = _ok(h.get(f"/cases/{cid}"))
    version = r["version"]
    r = _ok(h.post(f"/cases/{cid}/sign", {"version": version}))
    assert r["state"] == "handling"
    before = {m["kind"]: m["due_at"] for m in r["milestones"] if m["status"] == "pending"}
    _ok(h.post(f"/cases/{cid}/extension-request", {"period": "3d", "reason": "需协调住建部门"}))
    r = _ok(ld.post(f"/cases/{cid}/extension-decision", {"approve": True}))
    after = {m["kind"]: m["due_at"] for m in r["milestones"] if m["status"] == "pending"}
    assert after["result"] > before["result"]
    _ok(h.post(f"/cases/{cid}/progress-reply", {"text": "已约谈施工方"}))
    _ok(h.post(f"/cases/{cid}/reply", {"text": "已责令施工方夜间停工。"}))
    r = _ok(ld.post(f"/cases/{cid}/reply-decision", {"approve": True}))
    assert r["state"] == "replied"
    # Unsatisfied follow-up reopens with a new deadline; second round closes.
    r = _ok(op.post(f"/cases/{cid}/follow-up", {"rating": 2, "comment": "仍有噪音"}))
    assert r["state"] == "handling" and r["reopen_count"] == 1
    assert sum(1 for m in r["milestones"] if m["kind"] == "result" and m["status"] == "pending") == 1
    _ok(h.post(f"/cases/{cid}/reply", {"text": "已联合城管执法，噪音已消除。"}))
    _ok(ld.post(f"/cases/{cid}/reply-decision", {"approve": True}))
    r = _ok(op.post(f"/cases/{cid}/follow-up", {"rating": 5}))
    assert r["state"] == "followed_up"
    r = _ok(disp.post(f"/cases/{cid}/archive"))
    assert r["state"] == "archived"
    assert all(m["status"] != "pending" for m in r["milestones"])

    events = _ok(op.get(f"/cases/{cid}/events"))
    assert [e["action"] for e in events] == [
        "register", "dispatch", "return_request", "return", "dispatch", "sign", "transfer", "sign",
        "extend_request", "extend_approve", "progress_reply", "reply_submit", "reply_approve", "follow_up",
        "reopen", "reply_submit", "reply_approve", "follow_up", "archive",
    ]
    assert CaseEvent.objects.filter(case_id=cid).count() == len(events)
    sms = list(OutboxMessage.objects.filter(case_id=cid, channel="sms").values_list("template", flat=True))
    assert sms == ["receipt", "progress_reply", "final_reply", "follow_up", "reopened", "final_reply", "follow_up"]
    assert OutboxMessage.objects.filter(case_id=cid, channel="sms", recipient="13912345678").count() == len(sms)
    assert Milestone.objects.filter(case_id=cid, kind="result", extended=True).exists()


def test_consultation_answered_on_the_spot(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    op = api_as(world.operator)
    cid = _ok(op.post("/cases", {"type": "consultation", "channel": "hotline_12345", "content": "法律援助怎么申请？"}), 201)["id"]
    r = _ok(op.post(f"/cases/{cid}/answer", {"text": "携带身份证到区法律援助中心申请。"}))
    assert r["state"] == "replied"
    r = _ok(op.post(f"/cases/{cid}/follow-up", {"rating": 1}))
    # No unit ever handled it: an unsatisfied consultation goes back to the dispatcher.
    assert r["state"] == "registered"


def test_co_handling_blocks_closing_until_reported(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    op, disp, h, ld = api_as(world.operator), api_as(world.dispatcher), api_as(world.handler), api_as(world.leader)
    cid = _ok(op.post("/cases", {"type": "help", "channel": "window", "content": "家暴求助，需要法律援助"}), 201)["id"]
    _ok(disp.post(f"/cases/{cid}/dispatch", {"unit_id": world.station.pk}))
    _ok(h.post(f"/cases/{cid}/sign"))
    _ok(ld.post(f"/cases/{cid}/co-units", {"unit_id": world.justice_office.pk}))
    r = h.post(f"/cases/{cid}/reply", {"text": "已处理"})
    assert r.status_code == 409 and r.json()["code"] == "co_units_pending"
    _ok(api_as(world.justice_handler).post(f"/cases/{cid}/co-report", {"text": "已提供法律援助"}))
    _ok(h.post(f"/cases/{cid}/reply", {"text": "已处理"}))


def test_staff_attach_checked_by_content(world: World, api_as, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.BANSHI_MAX_UPLOAD_BYTES = 1000
    op = api_as(world.operator)
    cid = _ok(op.post("/cases", {"type": "help", "channel": "window", "content": "现场照片"}), 201)["id"]

    def upload(name: str, data: bytes):  # type: ignore[no-untyped-def]
        return op.client.post(f"/api/v1/cases/{cid}/attachments", {"files": [SimpleUploadedFile(name, data)]},
                              HTTP_AUTHORIZATION=op.auth)

    png = b"\x89PNG\r\n\x1a\n" + b"0" * 100
    assert upload("photo.jpg.exe", b"MZ\x90\x00 not an image").status_code == 415
    assert upload("big.png", png + b"0" * 2000).status_code == 413
    r = upload("现场.png", png)
    assert r.status_code == 200, r.content
    events = _ok(op.get(f"/cases/{cid}/events"))
    assert events[-1]["action"] == "attach" and events[-1]["data"]["attachments"][0]["name"] == "现场.png"
