"""统计考核 pages through Django's test client, on a small October 2026 world run through the real
workflow and counted by `banshi.stats.fill.fill()`:

- station (文化路派出所): three demands handled and rated 非常满意, 满意, 基本满意;
- court (海港区人民法院): two, rated 非常满意 and 不满意 (which reopens it);
- station2 (建设大街派出所): one, rated 非常满意 (one follow-up: 样本不足 at a minimum of two);
- two more demands only registered in another town, one in September, one in the other district.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import (
    case_dispatch,
    case_follow_up,
    case_reply_decide,
    case_reply_submit,
    case_sign,
)
from banshi.cases.models import Case
from banshi.core.models import AuditLog
from banshi.orgs.models import Person, Region, Unit
from banshi.stats.dashboard import dashboard_data, last_full_month, today_local
from banshi.stats.fill import fill
from banshi.stats.models import RateSettings, Report
from banshi.stats.queries import scope_for
from banshi.stats.settings import rate_config_update
from tests.factories import World, person
from tests.web.test_no_codes import assert_words, visible

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=SH)
OCT = "from=2026-10-01&to=2026-10-31"


def client_for(p: Person) -> Client:
    c = Client()
    c.force_login(p)
    return c


def register(world: World, when: datetime, region: Region, *, channel: str = "hotline_12345",
             category: str = "", intake: Unit | None = None, actor: Person | None = None, n: int = 0) -> Case:
    data = CaseInput(type="help", channel=channel, content="小区门口夜间有人聚集喝酒吵闹，影响休息，请派出所处理。",
                     citizen_name="张三", citizen_phone=f"1381234{n:04d}", region_code=region.code, category=category)
    case, _ = case_register(data=data, intake_unit=intake or world.committee, actor=actor or world.operator, now=when,
                            auto_dispatch=False, link_duplicates=False)
    return case


def handled(world: World, case: Case, unit: Unit, handler: Person, leader: Person, when: datetime, rating: int) -> None:
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=unit.pk, now=when + timedelta(minutes=5))
    case_sign(case.pk, actor=handler, now=when + timedelta(hours=1))
    case_reply_submit(case.pk, actor=handler, text="已到现场处理完毕。", now=when + timedelta(hours=2))
    case_reply_decide(case.pk, actor=leader, approve=True, now=when + timedelta(hours=3))
    case_follow_up(case.pk, actor=world.operator, rating=rating, now=when + timedelta(days=1))


@pytest.fixture
def town(world: World) -> dict[str, Any]:
    """The October world, filled; returns its regions and cases by group."""
    wenhua = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    jianshe = Region.objects.create(code="130302002", name="建设大街街道", level=4, parent=world.district)
    leader2 = person("leader2", "leader", world.station2)
    other_operator = person("other_operator", "operator", world.other_committee)
    out: dict[str, list[Case]] = {"station": [], "court": [], "station2": [], "registered": []}
    n = 0
    for k, rating in enumerate((5, 4, 3)):
        n += 1
        c = register(world, T0 + timedelta(days=k), wenhua, channel="wechat_qr" if k == 0 else "hotline_12345",
                     category="police.fraud", n=n)
        handled(world, c, world.station, world.handler, world.leader, T0 + timedelta(days=k), rating)
        out["station"].append(c)
    for k, rating in enumerate((5, 2)):
        n += 1
        c = register(world, T0 + timedelta(days=5 + k), wenhua, category="court.enforcement", n=n)
        handled(world, c, world.court, world.court_handler, world.court_leader, T0 + timedelta(days=5 + k), rating)
        out["court"].append(c)
    n += 1
    c = register(world, T0 + timedelta(days=8), wenhua, n=n)
    handled(world, c, world.station2, world.handler2, leader2, T0 + timedelta(days=8), 5)
    out["station2"].append(c)
    for k in range(2):
        n += 1
        out["registered"].append(register(world, T0 + timedelta(days=10 + k), jianshe, n=n))
    out["september"] = [register(world, datetime(2026, 9, 20, 10, 0, tzinfo=SH), wenhua, n=90)]
    out["other"] = [register(world, T0 + timedelta(days=3), world.other_district, intake=world.other_committee,
                             actor=other_operator, n=91)]
    fill(now=datetime(2026, 11, 2, 8, 0, tzinfo=SH))
    rate_config_update(world.admin, weights={"response": "0.1", "resolution": "0.5", "satisfaction": "0.4"},
                       rating_factors={"5": "1", "4": "1", "3": "0.9", "2": "0", "1": "0"}, min_volume=2)
    return {"wenhua": wenhua, "jianshe": jianshe, "cases": out}


def queue_ids(client: Client, query: str) -> set[int]:
    resp = client.get(f"/queue/?{query}")
    assert resp.status_code == 200, resp.content.decode()[:500]
    return set(resp.context["page"].paginator.ids)


# -- the dashboard ---------------------------------------------------------------------------------

def test_dashboard_figures_for_a_supervisor(world: World, town: dict[str, Any]) -> None:
    resp = client_for(world.supervisor).get(f"/stats/?{OCT}")
    assert resp.status_code == 200
    data = resp.context["data"]
    kpi = {k: v["value"] for k, v in data["kpi"].items()}
    # The district's October: 8 received (not September's, not the other district's), 6 dispatched,
    # 6 replied, 6 follow-ups of which one unsatisfied (one 重办).
    assert kpi["received"] == 8 and kpi["dispatched"] == 6 and kpi["replied"] == 6
    assert kpi["reopen_rate"] == pytest.approx(1 / 6, abs=1e-4)
    assert kpi["response_rate"] == 1.0 and kpi["resolution_rate"] == pytest.approx(5 / 6, abs=1e-4)
    assert kpi["satisfaction_rate"] == pytest.approx((4 + 0.9) / 6, abs=1e-4)
    assert kpi["on_time_rate"] == 1.0 and kpi["breached"] == 0
    assert kpi["average_hours"] == 3.0  # received at T, reply approved at T + 3 h
    body = resp.content.decode()
    # Every KPI with its label and definition; the 三率 marked as the common public computation.
    for label in ("受理量", "派单量", "办结量", "按时办结率", "超期件数", "退单量", "延期量", "督办量", "重办率",
                  "平均办理时长", "响应率", "解决率", "满意率", "综合得分"):
        assert f'<h3 class="kpi-label">{label}</h3>' in body, label
    assert "登记的群众诉求件数，按受理时间（北京时间）计日" in body
    assert body.count("常见公开口径，非官方标准") >= 4
    # The charts' data: labelled in Chinese, the hot categories by name.
    charts = data["charts"]
    assert dict(zip(charts["channel"]["names"], charts["channel"]["values"], strict=True)) == {"12345热线": 7, "微信扫码": 1}
    assert dict(zip(charts["category"]["names"], charts["category"]["values"], strict=True)) == {
        "诈骗": 3, "申请执行与执行难": 2, "治安管理": 3}  # the last: the triage's suggestion
    assert data["volume"] == "received" and charts["trend"]["series"][0]["name"] == "受理量"
    assert sum(charts["trend"]["series"][0]["data"]) == 8 and len(charts["trend"]["labels"]) == 31
    assert charts["deadline"]["values"] == [6, 0]
    assert charts["rates"]["labels"] == ["2026-10"]
    assert 'id="stats-data"' in body and "web/stats.js" in body and "<script>" not in body
    # Regions: the two towns by name, heat classes, no other district.
    names = {r["name"]: r for r in data["regions"]}
    assert set(names) == {"文化路街道", "建设大街街道"}
    assert names["文化路街道"]["received"] == 6 and names["建设大街街道"]["received"] == 2
    assert names["文化路街道"]["heat_volume"] == 4 and names["建设大街街道"]["heat_volume"] == 0
    assert "heat-4" in body
    assert_words("/stats/", visible(body))
    # A handful of grouped reads of the count tables, whatever the size of the register.
    for scope in (scope_for(world.supervisor), scope_for(world.leader), scope_for(world.admin)):
        with CaptureQueriesContext(connection) as ctx:
            dashboard_data(scope, date(2026, 10, 1), date(2026, 10, 31))
        assert len(ctx.captured_queries) <= 10, [q["sql"] for q in ctx.captured_queries]


def test_dashboard_for_a_unit_leader_shows_only_the_unit(world: World, town: dict[str, Any]) -> None:
    resp = client_for(world.leader).get(f"/stats/?{OCT}")
    assert resp.status_code == 200
    data = resp.context["data"]
    kpi = {k: v["value"] for k, v in data["kpi"].items()}
    # What counted toward the station: its three dispatches, replies and follow-ups; no intake.
    assert kpi["received"] == 0 and kpi["dispatched"] == 3 and kpi["replied"] == 3
    assert kpi["satisfaction_rate"] == pytest.approx(2.9 / 3, abs=1e-4)
    assert data["scope_label"] == "文化路派出所"
    assert [(r["name"], r["dispatched"]) for r in data["regions"]] == [("海港区 · 文化路街道", 3)]
    # A unit that takes in nothing itself: the breakdowns count what was dispatched to it.
    assert data["volume"] == "dispatched"
    category = data["charts"]["category"]
    assert category["measure_label"] == "派单量" and dict(zip(category["names"], category["values"], strict=True)) == {
        "诈骗": 3}
    assert queue_ids(client_for(world.leader), category["drills"][0]) == {c.pk for c in town["cases"]["station"]}
    # An administrator sees every figure but no link to case lists.
    admin = client_for(world.admin).get(f"/stats/?{OCT}")
    assert admin.status_code == 200 and admin.context["data"]["kpi"]["received"]["value"] == 9
    assert "/queue/?" not in admin.content.decode()


def test_default_period_is_this_month_to_date(world: World, town: dict[str, Any]) -> None:
    resp = client_for(world.supervisor).get("/stats/")
    assert resp.status_code == 200
    today = today_local()
    assert resp.context["start"] == today.replace(day=1) and resp.context["end"] == today
    assert resp.context["preset"] == "month"
    last = client_for(world.supervisor).get("/stats/?p=last_month")
    assert (last.context["start"], last.context["end"]) == last_full_month(today)
    assert '本月' in resp.content.decode() and "近30天" in resp.content.decode()
    only_to = client_for(world.supervisor).get("/stats/?to=2026-10-20")
    assert (only_to.context["start"], only_to.context["end"]) == (date(2026, 10, 1), date(2026, 10, 20))
    only_from = client_for(world.supervisor).get("/stats/?from=2026-10-20")
    assert (only_from.context["start"], only_from.context["end"]) == (date(2026, 10, 20), today)


def test_figures_drill_down_to_exactly_their_cases(world: World, town: dict[str, Any]) -> None:
    cases = town["cases"]
    supervisor = client_for(world.supervisor)
    kpi = supervisor.get(f"/stats/?{OCT}").context["data"]["kpi"]
    handled_ids = {c.pk for g in ("station", "court", "station2") for c in cases[g]}
    assert queue_ids(supervisor, kpi["dispatched"]["drill"]) == handled_ids
    assert queue_ids(supervisor, kpi["received"]["drill"]) == handled_ids | {c.pk for c in cases["registered"]}
    assert queue_ids(supervisor, kpi["reopen_rate"]["drill"]) == {cases["court"][1].pk}  # 重办率 → the 重办 cases
    queue = supervisor.get(f"/queue/?{kpi['dispatched']['drill']}").content.decode()
    assert "以下为统计数字“派单量”（2026-10-01至2026-10-31）所含的诉求" in queue
    # The station's leader: the three cases that counted toward the station.
    leader = client_for(world.leader)
    lk = leader.get(f"/stats/?{OCT}").context["data"]["kpi"]
    assert queue_ids(leader, lk["replied"]["drill"]) == {c.pk for c in cases["station"]}
    # The link stays within the viewer's scope: another district's supervisor opening it sees nothing.
    assert queue_ids(client_for(world.other_supervisor), kpi["dispatched"]["drill"]) == set()
    # A chart bar drills too: the WeChat channel's one case.
    charts = supervisor.get(f"/stats/?{OCT}").context["charts"]
    wechat = charts["channel"]["drills"][charts["channel"]["names"].index("微信扫码")]
    assert queue_ids(supervisor, wechat) == {cases["station"][0].pk}


# -- the ranking and its downloads -----------------------------------------------------------------

def test_ranking_order_intervals_and_small_samples(world: World, town: dict[str, Any]) -> None:
    resp = client_for(world.supervisor).get(f"/stats/ranking/?by=unit&{OCT}")
    assert resp.status_code == 200
    ranked = [(r["rank"], r["name"]) for r in resp.context["ranked"]]
    assert ranked == [(1, "文化路派出所"), (2, "海港区人民法院")]
    unranked = resp.context["unranked"]
    assert [(r["name"], r["note"]) for r in unranked] == [("建设大街派出所", "样本不足")]
    body = resp.content.decode()
    assert '样本不足<span class="note-why">（回访1次，少于2次）</span>' in body
    assert '<strong class="min-volume">2</strong>' in body
    station = resp.context["ranked"][0]
    assert station["composite_text"] == "98.67"
    assert station["texts"]["response_rate"].startswith("100.0%（") and "–" in station["texts"]["response_rate"]
    # Each count links to its cases.
    cell = next(c for c in station["cells"] if c["measure"] == "replied")
    assert f'href="/queue/?{cell["drill"]}"'.replace("&", "&amp;") in body
    assert queue_ids(client_for(world.supervisor), cell["drill"]) == {c.pk for c in town["cases"]["station"]}
    # By region (the district's towns) and by agency.
    by_region = client_for(world.supervisor).get(f"/stats/ranking/?by=region&region=130302&{OCT}")
    assert by_region.status_code == 200
    rows = by_region.context["ranked"] + by_region.context["unranked"]
    assert {r["name"] for r in rows} == {"文化路街道", "建设大街街道"}
    by_agency = client_for(world.supervisor).get(f"/stats/ranking/?by=agency&{OCT}")
    assert {r["name"] for r in by_agency.context["ranked"]} == {"公安", "法院"}
    assert_words("/stats/ranking/", visible(body))


def test_ranking_downloads_csv_and_excel(world: World, town: dict[str, Any]) -> None:
    c = client_for(world.supervisor)
    resp = c.get(f"/stats/ranking/export.csv?by=unit&{OCT}")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    assert "attachment" in resp["Content-Disposition"]
    text = resp.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    name_col = rows[0].index("name")
    assert [r[name_col] for r in rows[1:]] == ["文化路派出所", "海港区人民法院", "建设大街派出所"]
    assert rows[3][rows[0].index("note")] == "样本不足"
    resp = c.get(f"/stats/ranking/export.xlsx?by=unit&{OCT}")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    header = [cell.value for cell in ws[1]]
    assert "排名" in header and "综合得分" in header
    names = [row[header.index("名称")] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert names == ["文化路派出所", "海港区人民法院", "建设大街派出所"]
    assert AuditLog.objects.filter(action="stats_export", actor=world.supervisor).count() == 2


# -- settings --------------------------------------------------------------------------------------

def test_settings_are_for_administrators_and_audited(world: World, town: dict[str, Any]) -> None:
    for p in (world.supervisor, world.leader, world.handler):
        resp = client_for(p).get("/stats/settings/")
        assert resp.status_code == 403 and "只有系统管理员" in resp.content.decode()
        assert client_for(p).post("/stats/settings/", {"min_volume": "1"}).status_code == 403
    admin = client_for(world.admin)
    page = admin.get("/stats/settings/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "记入审计日志" in body and 'name="weight_resolution"' in body and 'value="2"' in body
    form = {"weight_response": "0.2", "weight_resolution": "0.4", "weight_satisfaction": "0.4",
            "factor_5": "1", "factor_4": "1", "factor_3": "0.8", "factor_2": "0", "factor_1": "0", "min_volume": "3"}
    before = AuditLog.objects.filter(action="stats.rate_settings").count()
    resp = admin.post("/stats/settings/", form)
    assert resp.status_code == 302
    row = RateSettings.objects.get()
    assert str(row.weight_response) == "0.200" and row.min_volume == 3 and row.rating_factors["3"] == "0.800"
    log = AuditLog.objects.filter(action="stats.rate_settings").latest("at")
    assert AuditLog.objects.filter(action="stats.rate_settings").count() == before + 1
    assert log.actor_id == world.admin.pk and log.data["after"]["min_volume"] == 3
    assert "0.2" in admin.get("/stats/settings/").content.decode()
    # The ranking follows: at three follow-ups the court (two) is 样本不足 too.
    ranking = client_for(world.supervisor).get(f"/stats/ranking/?{OCT}")
    assert [r["name"] for r in ranking.context["ranked"]] == ["文化路派出所"]
    # Bad values: Chinese errors, nothing saved.
    bad = admin.post("/stats/settings/", {**form, "weight_response": "0.5"})
    assert bad.status_code == 400 and "三项权重之和应为1" in bad.content.decode()
    bad = admin.post("/stats/settings/", {**form, "factor_3": "abc"})
    assert bad.status_code == 400 and "0至1之间" in bad.content.decode()
    bad = admin.post("/stats/settings/", {**form, "min_volume": "0"})
    assert bad.status_code == 400 and "最少回访量" in bad.content.decode()
    assert RateSettings.objects.get().min_volume == 3


# -- the public page -------------------------------------------------------------------------------

def test_public_page_needs_no_login_and_suppresses_small_counts(world: World, town: dict[str, Any]) -> None:
    resp = Client().get(f"/open/stats/?{OCT}")
    assert resp.status_code == 200
    data = resp.context["data"]
    assert data["total"]["received"] == "9"  # everything: both districts
    regions = {r["name"]: r for r in data["regions"]}
    assert regions["海港区 · 文化路街道"]["received"] == "6"
    assert regions["海港区 · 文化路街道"]["satisfaction_rate"] == f"{(4 + 0.9) / 6 * 100:.1f}%"
    assert regions["海港区 · 建设大街街道"]["received"] == "<5"
    assert regions["海港区 · 建设大街街道"]["completion_rate"] == "—"
    assert regions["海港区 · 建设大街街道"]["satisfaction_rate"] == "—"
    assert regions["山海关区（区县本级）"]["received"] == "<5"
    categories = {r["name"]: r for r in data["categories"]}
    assert all(r["received"] in ("<5", "0") or int(r["received"].replace(",", "")) >= 5 for r in categories.values())
    body = resp.content.decode()
    assert "&lt;5" in body
    # No case content, no personal data, no unit.
    for secret in ("张三", "13812340", "喝酒吵闹", "派出所", "人民法院", "政法委"):
        assert secret not in body, secret
    assert "/login/" not in body
    assert_words("/open/stats/", visible(body))
    # The default period: the last full month.
    default = Client().get("/open/stats/")
    assert default.status_code == 200
    assert (default.context["start"], default.context["end"]) == last_full_month(today_local())


# -- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "message"), [
    ("/stats/?from=2026-13-01", "不是有效的日期"),
    ("/stats/?from=abc", "格式不正确"),
    ("/stats/?from=2026-10-31&to=2026-10-01", "结束日期不能早于开始日期"),
    ("/stats/?from=2000-01-01&to=2026-10-01", "不能超过十年"),
    ("/stats/?p=decade", "快捷选项不正确"),
    ("/stats/?from=" + "2" * 80, "参数过长"),
    ("/stats/screen/?to=2026-02-30", "不是有效的日期"),
    ("/stats/ranking/?by=person", "排名对象不正确"),
    ("/stats/ranking/?region=999999", "区划代码不存在"),
    ("/stats/ranking/?region=abc", "区划代码不正确"),
    ("/stats/ranking/export.csv?by=x", "排名对象不正确"),
    ("/stats/ranking/export.xlsx?from=2026-10-05&to=2026-10-01", "结束日期不能早于开始日期"),
    ("/queue/?m=nothing", "统计口径不正确"),
    ("/queue/?m=dispatched&m_from=yesterday", "统计开始日期格式不正确"),
    ("/queue/?m=dispatched&m_unit=abc", "单位不正确"),
])
def test_bad_input_is_a_chinese_400(world: World, path: str, message: str) -> None:
    resp = client_for(world.supervisor).get(path)
    assert resp.status_code == 400, (path, resp.status_code)
    assert message in resp.content.decode(), resp.content.decode()[:800]


@pytest.mark.parametrize(("path", "message"), [
    ("/open/stats/?from=20261001", "格式不正确"),
    ("/open/stats/?from=2026-11-01&to=2026-10-01", "结束日期不能早于开始日期"),
    ("/open/stats/?p=" + "x" * 100, "参数过长"),
    ("/open/stats/?to=2026-10-01%00", "空字符"),
    ("/stats/?to=2026-10-01%00", "空字符"),
])
def test_bad_public_input_is_a_chinese_400(world: World, path: str, message: str) -> None:
    resp = client_for(world.supervisor).get(path) if path.startswith("/stats/") else Client().get(path)
    assert resp.status_code == 400
    assert message in resp.content.decode()


def test_unknown_pages_and_anonymous_visitors(world: World) -> None:
    c = client_for(world.supervisor)
    assert c.get("/stats/nothing/").status_code == 404
    assert c.get("/stats/reports/1/docx").status_code == 404
    assert c.get("/stats/reports/99999/pdf").status_code == 404
    assert c.post("/open/stats/").status_code == 405
    for path in ("/stats/", "/stats/ranking/", "/stats/screen/", "/stats/settings/", "/stats/reports/",
                 "/stats/ranking/export.csv"):
        resp = Client().get(path)
        assert resp.status_code == 302 and resp["Location"].startswith("/login/"), path


def test_big_screen_and_nav(world: World, town: dict[str, Any]) -> None:
    resp = client_for(world.supervisor).get(f"/stats/screen/?{OCT}")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert '<meta http-equiv="refresh" content="60">' in body
    assert 'class="screen"' in body and "<script>" not in body
    assert [k["key"] for k in resp.context["screen_kpis"]][:2] == ["received", "replied"]
    assert resp.context["charts"]["drill"] is False
    home = client_for(world.handler).get("/").content.decode()
    assert 'href="/stats/"' in home and "统计考核" in home
    assert 'href="/stats/"' in client_for(world.admin).get("/").content.decode()
    assert date(2026, 10, 1) == resp.context["start"]


# -- monthly briefings (stats/reports/monthly.py makes them) ---------------------------------------

def test_monthly_briefings_are_made_listed_and_downloaded_within_scope(
        world: World, town: dict[str, Any], settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    supervisor = client_for(world.supervisor)
    page = supervisor.get("/stats/reports/")
    assert page.status_code == 200
    assert 'name="month"' in page.content.decode() and page.context["choices"][0] == ("130302", "海港区")
    # Bad requests: Chinese 400s, nothing made.
    for form, message in (({"month": "2026-13", "region": "130302"}, "月份格式不正确"),
                          ({"month": "October", "region": "130302"}, "月份格式不正确"),
                          ({"month": "2099-01", "region": "130302"}, "尚未开始的月份"),
                          ({"month": "2026-10", "region": "130303"}, "不能为该区划生成通报")):
        bad = supervisor.post("/stats/reports/", form)
        assert bad.status_code == 400 and message in bad.content.decode(), form
    assert not Report.objects.exists()
    resp = supervisor.post("/stats/reports/", {"month": "2026-10", "region": "130302"})
    assert resp.status_code == 302, resp.content.decode()[:800]
    report = Report.objects.get()
    assert (report.period, report.region_code, report.created_by_id) == ("2026-10", "130302", world.supervisor.pk)
    listing = supervisor.get("/stats/reports/").content.decode()
    assert f"/stats/reports/{report.pk}/xlsx" in listing and f"/stats/reports/{report.pk}/pdf" in listing
    xlsx = supervisor.get(f"/stats/reports/{report.pk}/xlsx")
    assert xlsx.status_code == 200 and "banshi-monthly-2026-10-130302.xlsx" in xlsx["Content-Disposition"]
    load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    pdf = supervisor.get(f"/stats/reports/{report.pk}/pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    # A handler of the district reads the district's briefing but may not make one.
    handler = client_for(world.handler)
    assert f"/stats/reports/{report.pk}/pdf" in handler.get("/stats/reports/").content.decode()
    assert 'name="month"' not in handler.get("/stats/reports/").content.decode()
    assert handler.post("/stats/reports/", {"month": "2026-10", "region": "130302"}).status_code == 403
    # Another district's supervisor neither sees nor downloads it.
    other = client_for(world.other_supervisor)
    assert f"/stats/reports/{report.pk}/" not in other.get("/stats/reports/").content.decode()
    assert other.get(f"/stats/reports/{report.pk}/xlsx").status_code == 404
