"""The API runs a 国家司法救助 matter from the application to 已发放完毕 and 结案 (SQLite and
PostgreSQL): POST /judicial-aid opens it, every step after that is a generated case endpoint, the
file is read at /judicial-aid/{id}/file. Bad input gets a clear Chinese 400, 403 or 409, never 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from banshi.cases.models import Case, CaseEvent
from tests.factories import World, case_new
from tests.judicial_aid.conftest import JaUnits

APPLICATION = {"applicant_name": "周凤英", "applicant_phone": "13811112222", "situation": "tort_injury",
               "circumstances": "被无证摩托车撞伤致残，肇事者无力赔偿，失去收入来源。",
               "case_ref": "（2026）冀0302民初456号", "amount_requested": "40000", "documents": ["申请书", "残疾人证"]}


def step(api, case_id: int, path: str, body: dict | None = None) -> dict:  # type: ignore[no-untyped-def, type-arg]
    r = api.post(f"/cases/{case_id}/{path}", body or {})
    assert r.status_code == 200, (path, r.status_code, r.content.decode())
    return r.json()


def refused(r, status: int, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, (r.status_code, r.content.decode())
    body = r.json()
    assert body["code"] and body["message"], body
    for w in words:
        assert w in body["message"], body["message"]


@pytest.mark.django_db
def test_from_application_to_paid_and_closed(world: World, ja: JaUnits, api_as) -> None:  # type: ignore[no-untyped-def]
    handler, leader = api_as(ja.court_handler), api_as(ja.court_leader)
    r = handler.post("/judicial-aid", {"unit_id": ja.court.pk, **APPLICATION})
    assert r.status_code == 201, r.content
    out = r.json()
    case_id = out["id"]
    assert out["number"].startswith("JZ") and out["kind"] == "judicial_aid" and out["kind_label"] == "司法救助"
    assert out["state"] == "ja_review" and out["state_label"] == "审查中" and out["tracking_code"]
    assert out["category_label"] == "国家司法救助" and "撞伤" not in r.content.decode()
    detail = handler.get(f"/cases/{case_id}").json()
    assert {m["kind"] for m in detail["milestones"]} == {"decision"}
    assert {a["action"] for a in detail["allowed_actions"]} >= {"ja_docs_request", "ja_withdraw"}
    assert "ja_complete" not in {a["action"] for a in detail["allowed_actions"]}  # the system's
    assert {a["action"] for a in leader.get(f"/cases/{case_id}").json()["allowed_actions"]} >= {"ja_grant", "ja_refuse"}

    out = step(handler, case_id, "judicial-aid/documents-request", {"documents": ["医疗费票据", "执行情况说明"]})
    assert out["state"] == "ja_docs" and out["milestones"][0]["status"] == "paused"
    out = step(handler, case_id, "judicial-aid/documents-received", {"reason": "已补交"})
    assert out["state"] == "ja_review"
    refused(handler.post(f"/cases/{case_id}/judicial-aid/grant", {"amount": "30000"}), 403, "无权")
    refused(leader.post(f"/cases/{case_id}/judicial-aid/grant", {"amount": "abc"}), 400, "amount")
    refused(leader.post(f"/cases/{case_id}/judicial-aid/grant", {"amount": "-5"}), 400)
    refused(leader.post(f"/cases/{case_id}/judicial-aid/grant", {"amount": "1e400"}), 400)
    refused(leader.post(f"/cases/{case_id}/judicial-aid/grant", {"amount": "999999999"}), 400, "超过限额", "理由")
    refused(leader.post(f"/cases/{case_id}/judicial-aid/grant", {"amount": "30000", "version": 1}), 409, "已被他人更新")
    out = step(leader, case_id, "judicial-aid/grant", {"amount": "30000.00", "reasons": "符合救助条件。"})
    assert out["state"] == "ja_granted" and {m["kind"] for m in out["milestones"]} == {"decision", "payment"}

    today = timezone.localdate().isoformat()
    out = step(handler, case_id, "judicial-aid/payments",
               {"amount": "10000", "paid_on": today, "method": "bank_transfer", "reference": "ZZ001"})
    assert out["state"] == "ja_granted"
    refused(handler.post(f"/cases/{case_id}/judicial-aid/payments", {"amount": "25000", "paid_on": today}),
            409, "尚可发放20,000.00元")
    refused(handler.post(f"/cases/{case_id}/judicial-aid/payments",
                         {"amount": "100", "paid_on": today, "method": "alipay"}), 400, "发放方式不正确")
    refused(handler.post(f"/cases/{case_id}/judicial-aid/payments",
                         {"amount": "100", "paid_on": (timezone.localdate() + timedelta(days=3)).isoformat()}),
            400, "不能晚于今天")
    refused(handler.post(f"/cases/{case_id}/judicial-aid/payments", {"amount": "100", "paid_on": "昨天"}), 400, "paid_on")
    refused(handler.post(f"/cases/{case_id}/judicial-aid/payments", {"paid_on": today}), 400, "amount")
    out = step(handler, case_id, "judicial-aid/payments", {"amount": "20000", "paid_on": today, "method": "cash"})
    assert out["state"] == "ja_paid" and out["state_label"] == "已发放完毕"
    f = handler.get(f"/judicial-aid/{case_id}/file").json()
    assert f["paid_total"] == "30000.00" and f["remaining"] == "0.00" and f["fully_paid"] and f["payment_count"] == 2
    assert [p["method_label"] for p in f["payments"]] == ["银行转账", "现金"]
    assert f["documents"] == ["申请书", "残疾人证", "医疗费票据", "执行情况说明"]
    refused(handler.post(f"/cases/{case_id}/judicial-aid/payments", {"amount": "1", "paid_on": today}), 409, "已发放完毕")
    out = step(handler, case_id, "judicial-aid/close", {"reason": "已回访，归档。"})
    assert out["state"] == "ja_closed"
    events = [e["action"] for e in handler.get(f"/cases/{case_id}/events").json()]
    assert events == ["ja_apply", "ja_docs_request", "ja_docs_received", "ja_grant", "ja_pay", "ja_pay", "ja_complete",
                      "ja_close"]
    paid = [e.data["amount"] for e in CaseEvent.objects.filter(case_id=case_id, action="ja_pay").order_by("id")]
    assert paid == ["10000.00", "20000.00"]


@pytest.mark.django_db
def test_bad_applications_and_reads(world: World, ja: JaUnits, api_as) -> None:  # type: ignore[no-untyped-def]
    court = api_as(ja.court_handler)
    for body, status, words in (
        ({"situation": "lottery"}, 400, ("救助情形不正确",)),
        ({"unit_id": world.justice.pk}, 400, ("人民法院、人民检察院或公安机关",)),
        ({"unit_id": 10**20}, 400, ("unit_id",)),
        ({"unit_id": "x"}, 400, ("unit_id",)),
        ({"circumstances": ""}, 400, ("生活困难情况不能为空",)),
        ({"applicant_name": "王\x00"}, 400, ("NUL",)),
        ({"amount_requested": "0"}, 400, ("amount_requested",)),
        ({"documents": "申请书"}, 400, ("documents",)),
        ({"applicant_id_number": "12345"}, 400, ("身份证",)),
    ):
        refused(court.post("/judicial-aid", {"unit_id": ja.court.pk, **APPLICATION, **body}), status, *words)
    refused(court.post("/judicial-aid", {"unit_id": ja.court.pk}), 400, "请求数据不正确")
    refused(api_as(world.other_handler).post("/judicial-aid", {"unit_id": ja.court.pk, **APPLICATION}), 403, "无权")
    refused(api_as(world.operator).post("/judicial-aid", {"unit_id": ja.court.pk, **APPLICATION}), 403)
    demand = case_new(world)
    refused(court.get(f"/judicial-aid/{demand.pk}/file"), 404)
    refused(api_as(world.dispatcher).get(f"/judicial-aid/{demand.pk}/file"), 404, "不是国家司法救助")
    refused(court.get("/judicial-aid/999999/file"), 404)
    refused(court.get(f"/judicial-aid/{10**20}/file"), 400)
    refused(court.get("/judicial-aid/0/file"), 400)
    cat = court.get("/judicial-aid/catalogue").json()
    assert cat["limit"]["months"] == 36 and cat["limit"]["verified"] is False
    assert cat["payment_methods"] == {"bank_transfer": "银行转账", "cash": "现金", "other": "其他方式"}
    assert "victim_injury" in cat["situations"] and "source" in cat["situations"]["victim_injury"]


@pytest.mark.django_db
def test_a_police_referral_through_the_api(world: World, ja: JaUnits, api_as) -> None:  # type: ignore[no-untyped-def]
    from banshi.cases.domain.lifecycle import case_dispatch

    demand = case_new(world, content="被人打成重伤残疾，打人的没钱赔，家里生活困难。", citizen_name="钱德福")
    case_dispatch(demand.pk, actor=world.dispatcher, unit_id=world.station.pk)
    station = api_as(world.handler)
    refused(station.post(f"/cases/{demand.pk}/refer", {"kind": "judicial_aid", "unit_id": world.justice.pk}), 400,
            "人民法院、人民检察院或公安机关")
    r = station.post(f"/cases/{demand.pk}/refer", {"kind": "judicial_aid", "unit_id": ja.branch.pk,
                                                   "note": "建议分局给予司法救助"})
    assert r.status_code == 200, r.content
    related = r.json()["related"]
    assert related[0]["kind"] == "judicial_aid" and related[0]["relation"] == "derived"
    matter = Case.objects.get(pk=related[0]["id"])
    assert matter.origin_id == demand.pk and matter.lead_unit_id == ja.branch.pk
    # The branch (above the station) decides; its leader sees the file whole, with the proposer.
    f = api_as(ja.branch_leader).get(f"/judicial-aid/{matter.pk}/file").json()
    assert f["proposer"] == "文化路派出所" and f["situation"] == "victim_injury" and not f["masked"]
    out = step(api_as(ja.branch_leader), matter.pk, "judicial-aid/refuse",
               {"reason_code": "compensated", "reasons": "已获社会救助。"})
    assert out["state"] == "ja_refused"
    refused(api_as(ja.branch_leader).post(f"/cases/{matter.pk}/judicial-aid/refuse", {"reason_code": "other", "reasons": "y"}),
            409, "不予救助")
