"""The specialised services are counted like every matter: legal-aid applications, 绿色通道, grants
and refusals, decisions on time, amounts recovered; mediations concluded, agreements and the
调解成功率, per centre/committee and per 援助事项/纠纷类型."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from banshi.services import legal_aid as aid
from banshi.services import mediation as med
from banshi.services.inputs import AidApplyIn, MedOpenIn
from banshi.stats import queries
from banshi.stats.fill import fill
from tests.factories import ServiceUnits, World

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 5, 9, tzinfo=SH)


def application(svc: ServiceUnits, when: datetime, **kw: str):  # type: ignore[no-untyped-def]
    data = {"unit_id": svc.aid_centre.pk, "applicant_name": "王五", "matter_type": "maintenance", "facts": "请求援助。", **kw}
    return aid.aid_open(AidApplyIn(**data), actor=svc.aid_handler, now=when)


def dispute(svc: ServiceUnits, when: datetime, kind: str = "neighbour"):  # type: ignore[no-untyped-def]
    return med.mediation_open(MedOpenIn(unit_id=svc.committee.pk, dispute_type=kind, facts="纠纷。",
                                        parties=[{"name": "甲"}, {"name": "乙", "role": "respondent"}]),
                              actor=svc.mediator, now=when)


@pytest.mark.django_db
def test_service_counts(world: World, svc: ServiceUnits) -> None:
    # Legal aid: a wage claim (绿色通道) granted at once and closed with 20 000 yuan recovered; a
    # maintenance claim decided late (day 10 > 7 days); a refusal on day 2.
    wages = application(svc, T0, matter_type="labour_pay", exemption="migrant_workers")
    aid.aid_grant(wages.pk, actor=svc.aid_leader, hardship="exempt", now=T0 + timedelta(hours=3))
    aid.aid_assign(wages.pk, actor=svc.aid_leader, lawyer_name="周律师", now=T0 + timedelta(days=1))
    aid.aid_close(wages.pk, actor=svc.aid_handler, outcome="追回工资", amount_recovered=Decimal("20000.40"),
                  now=T0 + timedelta(days=20))
    late = application(svc, T0)
    aid.aid_grant(late.pk, actor=svc.aid_leader, now=T0 + timedelta(days=10))
    refused = application(svc, T0)
    aid.aid_refuse(refused.pk, actor=svc.aid_leader, reason="不属于法律援助事项范围", now=T0 + timedelta(days=2))
    # Mediation: two agreements, one failure, one termination, one still open: success 2 / 4.
    for outcome, kind in (("agree", "neighbour"), ("agree", "family"), ("fail", "neighbour"), ("terminate", "family"),
                          ("open", "neighbour")):
        case = dispute(svc, T0, kind)
        med.med_accept(case.pk, actor=svc.mediator, now=T0 + timedelta(hours=1))
        if outcome == "agree":
            med.med_agree(case.pk, actor=svc.mediator, terms="赔偿500元。", now=T0 + timedelta(days=3))
        elif outcome == "fail":
            med.med_fail(case.pk, actor=svc.mediator, next_channel="litigation", reason="分歧大", now=T0 + timedelta(days=3))
        elif outcome == "terminate":
            med.med_terminate(case.pk, actor=svc.mediator, reason="申请人撤回", now=T0 + timedelta(days=3))
    fill(now=T0 + timedelta(days=30))

    out = io.StringIO()
    call_command("stats", "services", "--from", "2026-10-01", "--to", "2026-10-31", stdout=out)
    rows = {r["unit_id"]: r for r in json.loads(out.getvalue())}
    centre, committee = rows[svc.aid_centre.pk], rows[svc.committee.pk]
    assert (centre["aid_applied"], centre["aid_green"], centre["aid_granted"], centre["aid_refused"]) == (3, 1, 2, 1)
    assert (centre["aid_decided"], centre["aid_decided_late"], centre["aid_on_time_rate"]) == (3, 1, 0.6667)
    assert centre["aid_amount"] == 20000 and centre["aid_closed"] == 1
    assert (committee["med_received"], committee["med_concluded"], committee["med_agreed"]) == (5, 4, 2)
    assert committee["mediation_success_rate"] == 0.5
    by_type = {r["category"]: r for r in queries.service_rows(date(2026, 10, 1), date(2026, 10, 31), "category")}
    assert by_type["mediation.neighbour"]["mediation_success_rate"] == 0.5  # 1 agreed of 2 concluded
    assert by_type["mediation.family"]["name"] == "人民调解·婚姻家庭纠纷"
    assert by_type["legal_aid.labour_pay"]["aid_green"] == 1
    # 受理量 counts demands; the applications are counted as their own measures, not twice.
    totals = queries.totals(queries.EVERYTHING, date(2026, 10, 1), date(2026, 10, 31))
    assert totals.get("received", 0) == 0 and totals["aid_applied"] == 3 and totals["med_received"] == 5
    # The committee's dashboard shows its 调解成功率; the legal-aid centre's its figures, not the committee's.
    from banshi.stats.dashboard import dashboard_data

    med_view = {k["key"]: k for k in dashboard_data(queries.scope_for(svc.med_leader), date(2026, 10, 1),
                                                    date(2026, 10, 31))["services"]}
    assert med_view["mediation_success_rate"]["text"] == "50.0%" and "aid_applied" not in med_view
    assert "med_concluded=" not in med_view["med_concluded"]["drill"] and "m=med_concluded" in med_view["med_concluded"]["drill"]
    aid_view = {k["key"]: k for k in dashboard_data(queries.scope_for(svc.aid_leader), date(2026, 10, 1),
                                                    date(2026, 10, 31))["services"]}
    assert aid_view["aid_amount"]["value"] == 20000 and aid_view["aid_on_time_rate"]["text"] == "66.7%"


@pytest.mark.django_db
def test_the_briefing_reports_the_services(world: World, svc: ServiceUnits) -> None:
    from banshi.stats.reports.figures import figures_monthly
    from banshi.stats.reports.press import press_paragraph

    wages = application(svc, T0, matter_type="labour_pay", exemption="migrant_workers")
    aid.aid_grant(wages.pk, actor=svc.aid_leader, hardship="exempt", now=T0 + timedelta(hours=3))
    aid.aid_assign(wages.pk, actor=svc.aid_leader, lawyer_name="周律师", now=T0 + timedelta(days=1))
    aid.aid_close(wages.pk, actor=svc.aid_handler, outcome="追回工资", amount_recovered=Decimal("20000"),
                  now=T0 + timedelta(days=20))
    for outcome in ("agree", "fail"):
        case = dispute(svc, T0)
        med.med_accept(case.pk, actor=svc.mediator, now=T0 + timedelta(hours=1))
        if outcome == "agree":
            med.med_agree(case.pk, actor=svc.mediator, terms="赔偿500元。", now=T0 + timedelta(days=3))
        else:
            med.med_fail(case.pk, actor=svc.mediator, next_channel="litigation", reason="分歧大", now=T0 + timedelta(days=3))
    fill(now=datetime(2026, 11, 2, 9, tzinfo=SH))
    text = press_paragraph(figures_monthly("2026-10", now=datetime(2026, 11, 2, 9, tzinfo=SH)))
    assert "调解矛盾纠纷2件，调解成功率50%" in text
    assert "受理法律援助申请1件，其中农民工讨薪等绿色通道1件，为受援群众挽回经济损失20000元" in text
