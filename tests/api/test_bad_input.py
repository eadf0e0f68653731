"""Bad input gets a clear Chinese error with the right status, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from banshi.cases.models import Case
from tests.factories import World, case_new


@pytest.fixture
def op(world: World, api_as):  # type: ignore[no-untyped-def]
    return api_as(world.operator)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid_input"),
        ({"type": "help", "channel": "hotline_12345"}, "invalid_input"),
        ({"type": "nonsense", "channel": "hotline_12345", "content": "x"}, "invalid_类型"),
        ({"type": "help", "channel": "pigeon", "content": "x"}, "invalid_渠道"),
        ({"type": "help", "channel": "hotline_12345", "content": "   "}, "content_required"),
        ({"type": "help", "channel": "hotline_12345", "content": "x" * 5001}, "content_too_long"),
        ({"type": "help", "channel": "hotline_12345", "content": "x", "citizen_phone": "12345"}, "invalid_phone"),
        ({"type": "help", "channel": "hotline_12345", "content": "x", "citizen_id_number": "110101199003071234"}, "invalid_id_number"),
        ({"type": "help", "channel": "hotline_12345", "content": "x", "region_code": "999999"}, "invalid_region"),
        ({"type": "help", "channel": "hotline_12345", "content": "x", "received_at": "2099-01-01T00:00:00+08:00"}, "received_in_future"),
        ({"type": "help", "channel": "hotline_12345", "content": "x", "received_at": "2026-01-01T00:00:00"}, "naive_datetime"),
        ({"type": "help", "channel": "hotline_12345", "content": "x", "received_at": "yesterday"}, "invalid_input"),
        ({"type": "help", "channel": "hotline_12345", "content": "x", "policy_code": "nope"}, "invalid_policy"),
        ({"type": "help", "channel": "hotline_12345", "content": "x", "urgency": 5}, "invalid_input"),
        ({"type": ["a"], "channel": "hotline_12345", "content": "x"}, "invalid_input"),
    ],
)
def test_create_rejects(op, body, code) -> None:  # type: ignore[no-untyped-def]
    r = op.post("/cases", body)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["message"])
    assert Case.objects.count() == 0


def test_malformed_json_is_400(world: World, op) -> None:  # type: ignore[no-untyped-def]
    r = op.client.post("/api/v1/cases", "{not json", content_type="application/json", HTTP_AUTHORIZATION=op.auth)
    assert r.status_code == 400


def test_no_token_is_401(db: None, client: Client) -> None:
    r = client.get("/api/v1/cases")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    r = client.get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer nope")
    assert r.status_code == 401


def test_unknown_case_is_404(op) -> None:  # type: ignore[no-untyped-def]
    assert op.get("/cases/999999").status_code == 404
    assert op.post("/cases/999999/sign").status_code == 404
    assert op.get("/cases/not-a-number").status_code in (400, 404)


@pytest.mark.parametrize(
    "params",
    [{"state": "flying"}, {"type": "x"}, {"channel": "x"}, {"region": "0"}, {"due": "x"}, {"sort": "x"},
     {"queue": "x"}, {"limit": "0"}, {"limit": "100000"}, {"offset": "-1"}, {"received_from": "2026-13-01"}],
)
def test_bad_list_filters_are_400(world: World, op, params) -> None:  # type: ignore[no-untyped-def]
    assert op.get("/cases", **params).status_code == 400


def test_action_bodies(world: World, api_as) -> None:  # type: ignore[no-untyped-def]
    case = case_new(world)
    disp = api_as(world.dispatcher)
    assert disp.post(f"/cases/{case.pk}/dispatch", {"unit_id": 999999}).json()["code"] == "invalid_unit"
    assert disp.post(f"/cases/{case.pk}/dispatch", {"unit_id": world.station.pk, "periods": {"result": "7x"}}).status_code == 400
    assert disp.post(f"/cases/{case.pk}/dispatch", {"unit_id": "abc"}).status_code == 400
    assert disp.post(f"/cases/{case.pk}/merge", {"into_id": case.pk}).status_code == 400
    assert disp.post(f"/cases/{case.pk}/dispatch", {"unit_id": world.station.pk, "version": 99}).status_code == 409
    r = disp.post(f"/cases/{case.pk}/dispatch", {"unit_id": world.station.pk})
    assert r.status_code == 200
    h = api_as(world.handler)
    h.post(f"/cases/{case.pk}/sign")
    assert h.post(f"/cases/{case.pk}/extension-request", {"period": "forever", "reason": "x"}).status_code == 400
    assert h.post(f"/cases/{case.pk}/extension-request", {"period": "3d", "reason": ""}).status_code == 400
    assert api_as(world.operator).post(f"/cases/{case.pk}/follow-up", {"rating": 9}).status_code == 400
    assert api_as(world.leader).post(f"/cases/{case.pk}/extension-decision", {"approve": True}).status_code == 409


def test_idempotency_key_yields_one_case(world: World, op) -> None:  # type: ignore[no-untyped-def]
    body = {"type": "help", "channel": "hotline_12345", "content": "重复提交测试"}
    first = op.post("/cases", body, **{"Idempotency-Key": "abc-123"})
    again = op.post("/cases", body, **{"Idempotency-Key": "abc-123"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Case.objects.count() == 1


def test_sla_due_endpoint(op) -> None:  # type: ignore[no-untyped-def]
    r = op.get("/sla/due", start="2026-09-28T10:00:00+08:00", period="7d")
    assert r.status_code == 200 and r.json()["due_at"] == "2026-10-08T23:59:59+08:00"
    assert op.get("/sla/due", start="2026-09-28T10:00:00", period="7d").status_code == 400
    assert op.get("/sla/due", start="2026-09-28T10:00:00+08:00", period="7y").status_code == 400
