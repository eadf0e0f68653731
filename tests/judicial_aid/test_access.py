"""Strict access: the amounts, the situation and the reasons are seen only by the deciding unit, the
leaders of the organs above it and the region's supervisors, and every full view is logged; anyone
else who may see the case gets them masked — in the file, the decision and the generic case API."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from banshi.cases.models import Case, CaseEvent
from banshi.core.models import AuditLog
from banshi.judicial_aid import domain as jad
from banshi.judicial_aid.access import events_data_for, judicial_aid_file_view, may_see_full
from banshi.judicial_aid.inputs import JaApplyIn
from tests.factories import World
from tests.judicial_aid.conftest import JaUnits

SH = ZoneInfo("Asia/Shanghai")
CIRCUMSTANCES = "丈夫遇害后独自抚养三个孩子，靠低保生活，长子患白血病。"
SECRET_REASONS = "经集体研究，申请人家庭确有特殊困难。"


def _granted_and_paid(ja: JaUnits, world: World) -> Case:
    t0 = datetime(2026, 11, 2, 9, tzinfo=SH)
    case = jad.ja_open(JaApplyIn(unit_id=ja.court.pk, applicant_name="刘海燕", applicant_phone="13900001111",
                                 situation="victim_death_dependants", circumstances=CIRCUMSTANCES,
                                 case_ref="（2026）冀0302刑初77号", amount_requested=Decimal("90000")),
                       actor=world.handler, now=t0)  # proposed by the police station
    jad.ja_grant(case.pk, actor=ja.court_leader, amount=Decimal("87654.32"), reasons=SECRET_REASONS, now=t0)
    jad.ja_pay(case.pk, actor=ja.court_handler, amount=Decimal("50000.00"), paid_on=date(2026, 11, 2),
               method="bank_transfer", reference="YH-REF-778899", now=t0)
    return Case.objects.get(pk=case.pk)


def _leaks(text: str) -> list[str]:
    return [s for s in (CIRCUMSTANCES, SECRET_REASONS, "87654", "87,654", "50000", "90000", "YH-REF-778899",
                        "victim_death_dependants", "近亲属生活困难") if s in text]


@pytest.mark.django_db
def test_who_sees_the_amounts_and_circumstances(world: World, ja: JaUnits) -> None:
    case = _granted_and_paid(ja, world)
    full = {ja.court_handler, ja.court_leader, ja.mid_leader, world.supervisor}
    masked = {ja.mid_handler, world.dispatcher}
    for p in full:
        assert may_see_full(p, case), p
    for p in masked | {world.handler, world.admin, world.other_supervisor, ja.pro_leader}:
        assert not may_see_full(p, case), p
    before = AuditLog.objects.count()
    for p in masked:
        view = judicial_aid_file_view(p, case)
        assert view["masked"] and view["amount_granted"] is None and view["circumstances"] is None
        assert view["situation"] is None and view["paid_total"] is None and view["decision_reasons"] is None
        assert view["payments"][0]["amount"] is None and view["payments"][0]["reference"] is None
        assert view["payment_count"] == 1 and view["decision"] == "granted" and view["case_ref"]  # the procedure shows
        assert _leaks(json.dumps(view, ensure_ascii=False)) == []
    assert AuditLog.objects.count() == before  # a masked view is no full view
    view = judicial_aid_file_view(ja.court_handler, case, ip="10.0.0.8", purpose="审核发放")
    assert not view["masked"] and view["amount_granted"] == "87654.32" and view["circumstances"] == CIRCUMSTANCES
    assert view["paid_total"] == "50000.00" and view["remaining"] == "37654.32" and not view["fully_paid"]
    assert view["proposer"] == "文化路派出所" and view["amount_requested"] == "90000.00"
    log = AuditLog.objects.order_by("-id").first()
    assert log is not None and (log.actor_id, log.action, log.object_type, log.object_id, log.ip) == (
        ja.court_handler.pk, "judicial_aid_view", "case", str(case.pk), "10.0.0.8")
    assert log.data["purpose"] == "审核发放" and "amount_granted" in log.data["fields"]
    judicial_aid_file_view(world.supervisor, case)
    assert AuditLog.objects.filter(action="judicial_aid_view", object_id=str(case.pk)).count() == 2  # one per view


@pytest.mark.django_db
def test_the_event_data_is_masked_the_same_way(world: World, ja: JaUnits) -> None:
    case = _granted_and_paid(ja, world)
    datas = [e.data for e in CaseEvent.objects.filter(case=case).order_by("id")]
    assert any(d.get("amount") == "87654.32" for d in datas)  # the counts read them
    shown = events_data_for(world.dispatcher, case, datas)
    assert _leaks(json.dumps(shown, ensure_ascii=False)) == []
    assert [d.keys() for d in shown] == [d.keys() for d in datas]
    before = AuditLog.objects.count()
    assert events_data_for(ja.court_leader, case, datas) == datas
    assert AuditLog.objects.count() == before + 1
    # Every event's reason (the timeline the case page shows) is neutral.
    for e in CaseEvent.objects.filter(case=case):
        assert _leaks(e.reason) == [], e.action


@pytest.mark.django_db
def test_the_api_applies_the_rule(world: World, ja: JaUnits, api_as) -> None:  # type: ignore[no-untyped-def]
    case = _granted_and_paid(ja, world)
    # The generic case API carries nothing sensitive, for anyone.
    for p in (world.dispatcher, ja.mid_handler, ja.court_handler):
        r = api_as(p).get(f"/cases/{case.pk}")
        assert r.status_code == 200 and r.json()["file"] is None
        assert _leaks(r.content.decode()) == [], p
    # The file: masked for another unit's handler (a superior court's) and a committee dispatcher.
    for p in (ja.mid_handler, world.dispatcher):
        before = AuditLog.objects.count()
        r = api_as(p).get(f"/judicial-aid/{case.pk}/file")
        assert r.status_code == 200 and r.json()["masked"] is True
        assert _leaks(r.content.decode()) == [] and r.json()["amount_granted"] is None
        assert AuditLog.objects.count() == before
        r = api_as(p).get(f"/judicial-aid/{case.pk}/decision")
        assert r.status_code == 403 and "仅作出决定的单位" in r.json()["message"]
    # The proposing police station does not see the court's matter at all.
    assert api_as(world.handler).get(f"/judicial-aid/{case.pk}/file").status_code == 404
    assert api_as(world.other_supervisor).get(f"/cases/{case.pk}").status_code == 404
    # The deciding unit sees it all; each view is one audit row.
    court = api_as(ja.court_handler)
    before = AuditLog.objects.filter(action="judicial_aid_view").count()
    for _ in range(2):
        r = court.get(f"/judicial-aid/{case.pk}/file")
        assert r.status_code == 200 and r.json()["amount_granted"] == "87654.32"
        assert r.json()["circumstances"] == CIRCUMSTANCES and r.json()["payments"][0]["amount"] == "50000.00"
    assert AuditLog.objects.filter(action="judicial_aid_view").count() == before + 2
    r = api_as(ja.court_leader).get(f"/judicial-aid/{case.pk}/decision")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/html")
    assert "捌万柒仟陆佰伍拾肆元叁角贰分" in r.content.decode() and "海港区人民法院（印章）" in r.content.decode()
    assert AuditLog.objects.filter(action="judicial_aid_document_view", actor=ja.court_leader).count() == 1


@pytest.mark.django_db
def test_the_case_events_api_masks_the_amounts(world: World, ja: JaUnits, api_as) -> None:  # type: ignore[no-untyped-def]
    case = _granted_and_paid(ja, world)
    shown = api_as(world.dispatcher).get(f"/cases/{case.pk}/events")
    assert shown.status_code == 200
    assert _leaks(json.dumps(shown.json(), ensure_ascii=False)) == []
    full = api_as(ja.court_leader).get(f"/cases/{case.pk}/events").json()
    assert any(e["data"].get("amount") == "87654.32" for e in full)
