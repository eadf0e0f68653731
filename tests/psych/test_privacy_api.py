"""Health information (敏感个人信息) through the interfaces: the counselling notes never appear in
the case list, the case detail, the events, the queue's Excel export or the case page; only the
matter's counsellor and the station head read them at /api/v1/psych/{id}/notes, every view
logged; everyone else gets 403 (logged too). The psych endpoints answer bad input with a clear
Chinese 400/403/404, never a 500."""

from __future__ import annotations

import json
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from banshi.cases.enums import Kind
from banshi.cases.models import Case
from banshi.core.models import AuditLog
from banshi.psych.models import ConfidentialNote
from tests.factories import World, case_new
from tests.psych.conftest import SELF_HARM, Api, PsychWorld

pytestmark = pytest.mark.django_db
CONCERN = "长期失眠，怀疑自己得了抑郁症"
SESSION = "来访者讲述童年受虐经历，情绪崩溃哭泣"
SECRETS = ("失眠", "抑郁", "童年受虐", "情绪崩溃")


def _no_secret(text: str | Any) -> None:
    """No confidential words in a text, or in an API response (its JSON parsed: JSON escapes CJK)."""
    if not isinstance(text, str):
        text = json.dumps(text.json(), ensure_ascii=False)
    for words in SECRETS:
        assert words not in text, words


def counselled(pw: PsychWorld) -> int:
    """An appointment through the API, scheduled and with one session, by the town counsellor."""
    api = Api(pw.counsellor)
    r = api.post("/psych/appointments", {"station_id": pw.town_station.pk, "citizen_name": "林女士",
                                         "citizen_phone": "13900001111", "service": "individual", "concern": CONCERN})
    assert r.status_code == 201, r.content.decode()
    case_id = r.json()["id"]
    _no_secret(r)
    at = timezone.now().isoformat()
    r = api.post(f"/cases/{case_id}/psych/schedule", {"at": (timezone.now() + timedelta(hours=1)).isoformat()})
    assert r.status_code == 200, r.content.decode()
    r = api.post(f"/cases/{case_id}/psych/sessions", {"at": at, "minutes": 50, "notes": SESSION})
    assert r.status_code == 200, r.content.decode()
    _no_secret(r)
    return case_id


def test_the_notes_never_reach_lists_details_events_exports_or_pages(world: World, pw: PsychWorld) -> None:
    case_id = counselled(pw)
    assert ConfidentialNote.objects.filter(case_id=case_id).count() == 2
    for who in (pw.counsellor, pw.head, world.dispatcher, world.supervisor):
        api = Api(who)
        listed = api.get("/cases")
        assert listed.status_code == 200 and case_id in [c["id"] for c in listed.json()["items"]]
        _no_secret(listed)
        detail = api.get(f"/cases/{case_id}")
        assert detail.status_code == 200 and detail.json()["kind"] == "psych"
        _no_secret(detail)
        events = api.get(f"/cases/{case_id}/events")
        assert events.status_code == 200 and "ps_session" in events.content.decode()
        _no_secret(events)
    web = Client()
    web.force_login(world.dispatcher)
    resp = web.get("/queue/export.xlsx")
    assert resp.status_code == 200
    rows = list(load_workbook(BytesIO(resp.content)).active.iter_rows(values_only=True))
    number = Case.objects.get(pk=case_id).number
    assert any(number in str(row) for row in rows)
    _no_secret(str(rows))
    web.force_login(pw.counsellor)
    page = web.get(f"/cases/{case_id}/")
    assert page.status_code == 200
    _no_secret(page.content.decode())
    doc = Api(pw.counsellor).get(f"/psych/{case_id}/document")
    assert doc.status_code == 404 and doc.json()["message"] == "该预约尚未转介，没有转介单。"


def test_only_the_counsellor_and_the_station_head_read_the_notes_and_every_view_is_logged(world: World,
                                                                                        pw: PsychWorld) -> None:
    case_id = counselled(pw)
    for who in (pw.counsellor, pw.head):
        r = Api(who).get(f"/psych/{case_id}/notes")
        assert r.status_code == 200, r.content.decode()
        assert r["Cache-Control"] == "no-store"
        texts = [n["text"] for n in r.json()["notes"]]
        assert texts == [CONCERN, SESSION]
        assert r.json()["notes"][1]["kind_label"] == "会谈记录" and r.json()["notes"][1]["session_number"] == 1
        assert AuditLog.objects.filter(action="psych_notes_view", actor_id=who.pk, object_type="case",
                                       object_id=str(case_id)).count() == 1
    # the same unit's other staff, other counsellors, supervisors, dispatchers: 403, logged
    for who in (pw.colleague, pw.clerk, pw.district_duty, world.supervisor, world.dispatcher):
        r = Api(who).get(f"/psych/{case_id}/notes")
        assert r.status_code == 403, (who.username, r.content.decode())
        assert r.json()["code"] == "notes_forbidden" and "仅限承办的心理咨询师和站长" in r.json()["message"]
        _no_secret(r)
        assert AuditLog.objects.filter(action="psych_notes_denied", actor_id=who.pk).exists()
    # people who may not see the case at all: 404, as for any case
    for who in (world.handler, world.other_supervisor):
        assert Api(who).get(f"/psych/{case_id}/notes").status_code == 404
    admin = Api(world.admin).get(f"/psych/{case_id}/notes")
    assert admin.status_code == 404
    demand = case_new(world)
    r = Api(world.dispatcher).get(f"/psych/{demand.pk}/notes")
    assert r.status_code == 404 and "不是心理服务" in r.json()["message"]
    assert AuditLog.objects.filter(action="psych_notes_view").count() == 2


def test_the_crisis_record_document_and_notes(world: World, pw: PsychWorld) -> None:
    demand = case_new(world, content=SELF_HARM, region_code=pw.town.code)
    crisis = Case.objects.get(origin=demand, kind=Kind.CRISIS)
    api = Api(pw.counsellor)
    r = api.post(f"/cases/{crisis.pk}/crisis/contact", {"mode": "phone", "risk": "high", "notes": "对方说" + SESSION})
    assert r.status_code == 200, r.content.decode()
    _no_secret(r)
    r = api.post(f"/cases/{crisis.pk}/crisis/handover", {"to": "ambulance_120", "receiver": "120急救中心"})
    assert r.status_code == 200 and r.json()["state"] == "cr_handed_over"
    from banshi.psych.files import psych_matter_file

    file = psych_matter_file(Case.objects.get(pk=crisis.pk))
    assert file is not None and file["handover_to_label"] == "急救中心（120）" and file["risk_label"].startswith("高风险")
    assert file["first_contact_minutes"] is not None
    _no_secret(json.dumps(file, ensure_ascii=False))
    doc = api.get(f"/psych/{crisis.pk}/document")
    assert doc.status_code == 200 and doc["Content-Type"].startswith("text/html")
    html = doc.content.decode()
    for words in ("心理危机干预记录", "海港区社会心理服务指导中心", crisis.number, demand.number, "急救中心（120）",
                  "首次接触", "高风险"):
        assert words in html, words
    _no_secret(html)
    notes = api.get(f"/psych/{crisis.pk}/notes")
    assert notes.status_code == 200 and SESSION in notes.json()["notes"][0]["text"]
    assert Api(pw.colleague).get(f"/psych/{crisis.pk}/notes").status_code == 403


def test_bad_input_is_a_clear_chinese_error(world: World, pw: PsychWorld) -> None:
    api = Api(pw.counsellor)
    cases = [
        ({}, "citizen_name"),
        ({"station_id": pw.town_station.pk, "citizen_name": "甲", "service": "magic"}, "服务类型不正确"),
        ({"station_id": 0, "citizen_name": "甲"}, "station_id"),
        ({"station_id": 99999, "citizen_name": "甲"}, "请选择心理服务站点"),
        ({"station_id": pw.town_station.pk, "citizen_name": "甲", "citizen_phone": "abc"}, "电话号码格式不正确"),
        ({"station_id": pw.town_station.pk, "citizen_name": "甲", "channel": "pigeon"}, "渠道不正确"),
        ({"station_id": pw.town_station.pk, "citizen_name": "甲", "concern": "x" * 6000}, "不能超过"),
    ]
    for body, words in cases:
        r = api.post("/psych/appointments", body)
        assert r.status_code == 400, (body, r.status_code)
        assert words in r.json()["message"], r.json()
    r = Api(world.handler).post("/psych/appointments", {"station_id": pw.town_station.pk, "citizen_name": "甲"})
    assert r.status_code == 403 and r.json()["message"] == "您无权在该单位登记。"
    case_id = counselled(pw)
    for path, body, status, words in (
        ("psych/sessions", {"at": "not a time", "notes": "x"}, 400, "at"),
        ("psych/sessions", {"at": timezone.now().isoformat(), "notes": "x", "minutes": 2}, 400, "minutes"),
        ("psych/sessions", {"at": "2026-10-12T09:00:00", "notes": "x"}, 400, "时区"),
        ("psych/refer", {"target": "火星"}, 400, "转介去向不正确"),
        ("psych/schedule", {"at": timezone.now().isoformat()}, 409, "不能执行"),
        ("crisis/contact", {"risk": "high", "notes": "x"}, 400, "不是心理危机干预事项"),
    ):
        r = api.post(f"/cases/{case_id}/{path}", body)
        assert r.status_code == status, (path, r.status_code, r.content.decode())
        assert words in r.json()["message"], r.json()
    assert api.get("/psych/notanumber/notes").status_code in (400, 404, 422)
    assert api.get("/psych/activities", date_from="yesterday").status_code == 400
    r = api.get("/psych/activities", date_from="2026-10-05", date_to="2026-10-01")
    assert r.status_code == 400 and "开始日期不能晚于结束日期" in r.json()["message"]


def test_group_activities_and_stations_through_the_api(world: World, pw: PsychWorld) -> None:
    body = {"station_id": pw.village_station.pk, "kind": "lecture", "topic": "老年人心理健康讲座", "held_on": "2026-10-10",
            "place": "文化里社区活动室", "attendance": 45, "counsellors": ["李心怡"]}
    r = Api(pw.counsellor).post("/psych/activities", body)
    assert r.status_code == 201, r.content.decode()
    assert r.json()["kind_label"] == "心理健康讲座"
    r = Api(world.handler).post("/psych/activities", body)
    assert r.status_code == 403 and "团体活动" in r.json()["message"]
    r = Api(pw.counsellor).post("/psych/activities", {**body, "attendance": -1})
    assert r.status_code == 400 and "attendance" in r.json()["message"]
    listed = Api(world.supervisor).get("/psych/activities", date_from="2026-10-01")
    assert listed.status_code == 200 and listed.json()["count"] == 1 and listed.json()["attendance"] == 45
    assert Api(world.handler).get("/psych/activities").json()["count"] == 0
    stations = Api(pw.head).get("/psych/stations").json()
    assert [s["level"] for s in stations] == ["district", "town", "village"]
    town = stations[1]
    assert town["level_label"] == "镇街社会心理服务站（心灵驿站）"
    assert {c["name"] for c in town["counsellors"]} == {"李心怡", "王站长"}
    cat = Api(pw.head).get("/psych/catalogue").json()
    assert "hotline_12356" in cat["referral_targets"] and "ambulance_120" in cat["handover_targets"]
