"""The monthly briefing (月度通报): built from the count tables of a small world moved through the
domain functions, written by `banshi report monthly` as Excel and PDF, kept as a Report that can be
regenerated to the same figures, and made once a month by the worker's hook."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
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
from banshi.cases.sweep import sla_sweep
from banshi.orgs.models import Person, Region, Unit
from banshi.stats.fill import fill
from banshi.stats.models import FillState, Report
from banshi.stats.reports import press
from banshi.stats.reports.figures import figures_monthly
from banshi.stats.reports.monthly import report_due_monthly, report_monthly
from banshi.stats.reports.pdf import html_to_pdf, monthly_pdf
from banshi.stats.reports.workbook import monthly_xlsx
from banshi.stats.settings import rate_config, rate_config_update
from tests.factories import World, person

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 8, 9, 0, tzinfo=SH)
FILLED_AT = datetime(2026, 11, 2, 8, 0, tzinfo=SH)
GENERATED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=SH)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PDFTOTEXT = shutil.which("pdftotext")
PARAGRAPH = (
    "2026年10月，全市政法机关共受理群众诉求13件，派至承办单位办理12件，办结11件，办结率84.6%，按时办结率100%，"
    "平均办理时长4小时；回访群众11人次，群众满意率89.1%，问题解决率90.9%，响应率100%。办理超时2次，重新办理1次。"
    "群众反映较集中的事项为治安管理（5件）、盗窃抢劫（3件）和诈骗（3件）。"
    "诉求较多的街道乡镇为海港区文化路街道（6件）、海港区建设大街街道（3件）和山海关区南关街道（3件）。"
)
PDFTOPPM = shutil.which("pdftoppm")


def register(world: World, when: datetime, region_code: str, category: str) -> Case:
    data = CaseInput(type="help", channel="hotline_12345", content="小区门口夜间有人聚集喝酒吵闹，影响休息，请派出所处理。",
                     citizen_name="张三", citizen_phone="13812345678", region_code=region_code, category=category)
    case, _ = case_register(data=data, intake_unit=world.committee, actor=world.operator, now=when,
                            auto_dispatch=False, link_duplicates=False)
    return case


def handled(world: World, when: datetime, unit: Unit, handler: Person, leader: Person, rating: int | None,
            region_code: str, category: str) -> Case:
    """Registered, dispatched, signed, replied and approved within hours; followed up the next day."""
    case = register(world, when, region_code, category)
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=unit.pk, now=when + timedelta(minutes=5))
    case_sign(case.pk, actor=handler, now=when + timedelta(minutes=30))
    case_reply_submit(case.pk, actor=handler, text="经核实，已处理完毕。", now=when + timedelta(hours=3))
    case_reply_decide(case.pk, actor=leader, approve=True, now=when + timedelta(hours=4))
    if rating is not None:
        case_follow_up(case.pk, actor=world.operator, rating=rating, now=when + timedelta(days=1))
    return case


def october(world: World) -> dict[str, Any]:
    """October 2026 in 海港区 and 山海关区, with the minimum volume for ranking set to 3:

    文化路派出所 4 follow-ups (5, 5, 4, 3)   → 综合得分 99.00, rank 1
    山海关派出所 3 follow-ups (4, 4, 3)      → 98.67, rank 2
    建设大街派出所 3 follow-ups (5, 2, 4)    → 70.00, rank 3 (the 2 reopens the case)
    海港区人民法院 1 follow-up (5)           → 样本不足
    文化路司法所 dispatched, never signed   → 样本不足 (no follow-up), and overdue (the sweep)
    (建设大街派出所's reopened case is overdue too: its new deadline passed before the sweep)
    plus one demand at 23:30 on 31 October (counted) and one at 00:30 on 1 November (not counted).
    """
    town1 = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    village1 = Region.objects.create(code="130302001001", name="文化里社区", level=5, parent=town1)
    town2 = Region.objects.create(code="130302002", name="建设大街街道", level=4, parent=world.district)
    town3 = Region.objects.create(code="130303001", name="南关街道", level=4, parent=world.other_district)
    leader2 = person("leader2", "leader", world.station2)
    other_leader = person("other_leader", "leader", world.other_station)
    rate_config_update(world.admin, weights={"response": "0.1", "resolution": "0.5", "satisfaction": "0.4"},
                       rating_factors={"5": "1", "4": "1", "3": "0.9", "2": "0", "1": "0"}, min_volume=3)
    t = T0
    for i, rating in enumerate((5, 5, 4, 3)):
        handled(world, t + timedelta(days=i), world.station, world.handler, world.leader, rating, village1.code,
                "police.public_order")
    for i, rating in enumerate((4, 4, 3)):
        handled(world, t + timedelta(days=i, hours=1), world.other_station, world.other_handler, other_leader,
                rating, town3.code, "police.theft")
    for i, rating in enumerate((5, 2, 4)):
        handled(world, t + timedelta(days=i, hours=2), world.station2, world.handler2, leader2, rating, town2.code,
                "police.fraud")
    handled(world, t + timedelta(hours=3), world.court, world.court_handler, world.court_leader, 5,
            world.district.code, "court.enforcement")
    late = register(world, datetime(2026, 10, 20, 9, 0, tzinfo=SH), town1.code, "justice.mediation")
    case_dispatch(late.pk, actor=world.dispatcher, unit_id=world.justice_office.pk,
                  now=datetime(2026, 10, 20, 9, 5, tzinfo=SH))
    sla_sweep(now=datetime(2026, 10, 20, 13, 0, tzinfo=SH))
    register(world, datetime(2026, 10, 31, 23, 30, tzinfo=SH), town1.code, "police.public_order")
    register(world, datetime(2026, 11, 1, 0, 30, tzinfo=SH), town1.code, "police.public_order")
    return {"town1": town1, "town2": town2, "town3": town3}


def sheet_rows(ws: Any) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def ranking_table(ws: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(ranked rows, unranked rows) of the 排名 sheet, read back as a user would."""
    rows = sheet_rows(ws)
    header = next(i for i, r in enumerate(rows) if r[0] == "排名")
    assert rows[header][:8] == ("排名", "单位", "回访量", "响应率", "解决率", "满意率", "综合得分", "备注")
    ranked: list[tuple[Any, ...]] = []
    unranked: list[tuple[Any, ...]] = []
    target = ranked
    for r in rows[header + 1:]:
        if r[0] is None and r[1] is None:
            continue
        if isinstance(r[0], str) and r[0].startswith("未参与排名"):
            target = unranked
            continue
        target.append(r)
    return ranked, unranked


def pdf_text(path: Path) -> str:
    assert PDFTOTEXT is not None
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.django_db
def test_monthly_command_writes_the_ranking_and_the_pdf(world: World, tmp_path: Path) -> None:
    october(world)
    fill(now=FILLED_AT)
    out = tmp_path / "out"
    buf = io.StringIO()
    call_command("report", "monthly", "--month", "2026-10", "--out", str(out), stdout=buf)
    printed = buf.getvalue().split()
    xlsx, pdf = out / "banshi-monthly-2026-10.xlsx", out / "banshi-monthly-2026-10.pdf"
    assert printed == [str(xlsx.resolve()), str(pdf.resolve())]

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["概览", "排名", "超期单位", "热点分类", "热点区域"]
    ranked, unranked = ranking_table(wb["排名"])
    assert [(r[0], r[1], r[2], r[6]) for r in ranked] == [
        (1, "文化路派出所", 4, 99.0), (2, "山海关派出所", 3, 98.67), (3, "建设大街派出所", 3, 70.0),
    ]
    assert [(r[0], r[1], r[2]) for r in unranked] == [(None, "海港区人民法院", 1), (None, "文化路司法所", 0)]
    assert all(r[7].startswith("样本不足") for r in unranked), unranked
    # 三率 and their Wilson intervals, as numbers and as text.
    assert ranked[2][3:6] == (1.0, 0.6667, 0.6667)
    assert ranked[2][8] and "～" in ranked[2][8]
    assert any("非官方标准" in str(r[0]) for r in sheet_rows(wb["排名"])[:4])
    assert any("少于3次" in str(r[0]) for r in sheet_rows(wb["排名"])[:4])
    assert len(wb["排名"]._charts) == 1 and len(wb["热点分类"]._charts) == 1

    overview = {r[0]: r[1] for r in sheet_rows(wb["概览"]) if r[0]}
    assert overview["受理量"] == 13  # the 1 November demand is November's (Asia/Shanghai days)
    assert overview["派单量"] == 12 and overview["办结量"] == 11 and overview["回访量"] == 11
    assert overview["办结率"] == round(11 / 13, 4) and overview["超期件数"] == 2
    assert overview["满意率"] == round(9.8 / 11, 4) and overview["平均办理时长（小时）"] == 4
    assert overview["通稿段落"] == PARAGRAPH

    overdue = sheet_rows(wb["超期单位"])
    assert overdue[0][:3] == ("序号", "单位", "超期件数（次）")
    assert [r[:3] for r in overdue[1:]] == [(1, "建设大街派出所", 1), (2, "文化路司法所", 1)]  # ties: more orders first
    categories = [r[1:4] for r in sheet_rows(wb["热点分类"])[1:]]
    assert categories[:3] == [("治安管理", "police.public_order", 5), ("盗窃抢劫", "police.theft", 3),
                              ("诈骗", "police.fraud", 3)]
    spots = [r[1:5] for r in sheet_rows(wb["热点区域"])[1:] if r[0]]
    assert spots[0] == ("文化路街道", "海港区", "130302001", 6)

    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (poppler-utils): the PDF text is not checked")
    text = pdf_text(pdf)
    for name in ("文化路派出所", "山海关派出所", "建设大街派出所", "海港区人民法院", "文化路司法所", "样本不足", "治安管理",
                 "文化路街道"):
        assert name in text, name
    assert squeeze(PARAGRAPH) in squeeze(text)
    if PDFTOPPM is None:
        pytest.skip("pdftoppm is not installed (poppler-utils): no PNG of the first page")
    ARTIFACTS.mkdir(exist_ok=True)
    png = ARTIFACTS / "monthly-report-page1.png"
    subprocess.run([PDFTOPPM, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(png.with_suffix(""))], check=True)
    assert png.stat().st_size > 10000


@pytest.mark.django_db
def test_a_region_report_covers_its_demands_and_its_units(world: World, tmp_path: Path) -> None:
    october(world)
    fill(now=FILLED_AT)
    buf = io.StringIO()
    call_command("report", "monthly", "--month", "2026-10", "--region", world.district.code, "--out", str(tmp_path),
                 stdout=buf)
    xlsx = tmp_path / "banshi-monthly-2026-10-130302.xlsx"
    assert buf.getvalue().split() == [str(xlsx.resolve()), str(xlsx.with_suffix(".pdf").resolve())]
    wb = load_workbook(xlsx)
    ranked, unranked = ranking_table(wb["排名"])
    assert [r[1] for r in ranked] == ["文化路派出所", "建设大街派出所"]  # 山海关派出所 is another district's
    assert [r[1] for r in unranked] == ["海港区人民法院", "文化路司法所"]
    overview = {r[0]: r[1] for r in sheet_rows(wb["概览"]) if r[0]}
    assert overview["受理量"] == 10
    assert overview["通稿段落"].startswith("2026年10月，政法机关共受理海港区群众诉求10件，派至承办单位办理9件，办结8件，办结率80%")
    # Inside one district the towns need no district name.
    assert "诉求较多的街道乡镇为文化路街道（6件）和建设大街街道（3件）。" in overview["通稿段落"]
    report = Report.objects.get()
    assert (report.period, report.region_code, report.params["region_name"]) == ("2026-10", "130302", "海港区")
    notes = [r[1] for r in sheet_rows(wb["概览"]) if r[0] is None and r[1]]
    assert any("单位排名与超期单位按海港区辖区内的单位统计" in str(n) for n in notes), notes


def workbook_values(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: sheet_rows(ws) for ws in wb.worksheets}


@pytest.mark.django_db
def test_the_report_row_keeps_what_reproduces_it(world: World, tmp_path: Path) -> None:
    october(world)
    fill(now=FILLED_AT)
    first = report_monthly("2026-10", actor=world.admin, now=GENERATED_AT)
    second = report_monthly("2026-10", now=GENERATED_AT)

    # The files are kept in MEDIA_ROOT with the hash of what was written.
    for report in (first, second):
        for kind in ("xlsx", "pdf"):
            stored = getattr(report, kind)
            assert re.fullmatch(rf"reports/\d{{4}}/banshi-monthly-2026-10[\w-]*\.{kind}", stored.name), stored.name
            with stored.open("rb") as fh:
                assert hashlib.sha256(fh.read()).hexdigest() == report.sha256[kind]
    assert first.created_by == world.admin and first.kind == "monthly"
    p = first.params
    assert (p["month"], p["region"], p["start"], p["end"], p["full_month"]) == ("2026-10", "", "2026-10-01",
                                                                                "2026-10-31", True)
    assert p["rates"] == rate_config().as_dict() and p["rates"]["min_volume"] == 3 and p["rates"]["customised"]
    state = FillState.objects.get(pk=1)
    assert p["watermark"] == {"done_through": "2026-11-01", "event_id": state.event_id, "case_id": state.case_id,
                              "last_run_at": state.last_run_at.isoformat()}
    assert datetime.fromisoformat(p["generated_at"]) == GENERATED_AT
    assert p["paragraph"] == PARAGRAPH and p["totals"]["received"] == 13

    # Same counts, same settings: the same figures, cell for cell.
    with first.xlsx.open("rb") as a, second.xlsx.open("rb") as b:
        assert workbook_values(a.read()) == workbook_values(b.read())

    # Other settings: other figures, and the row says which settings made them.
    rate_config_update(world.admin, weights={"response": "0.1", "resolution": "0.5", "satisfaction": "0.4"},
                       rating_factors={"5": "1", "4": "1", "3": "0.9", "2": "0", "1": "0"}, min_volume=4)
    third = report_monthly("2026-10", now=GENERATED_AT)
    assert third.params["rates"]["min_volume"] == 4
    with third.xlsx.open("rb") as fh:
        ranked, unranked = ranking_table(load_workbook(fh)["排名"])
    assert [r[1] for r in ranked] == ["文化路派出所"]
    assert [(r[1], r[7]) for r in unranked][:2] == [("山海关派出所", "样本不足：回访3次，少于4次"),
                                                    ("建设大街派出所", "样本不足：回访3次，少于4次")]


@pytest.mark.django_db
def test_the_report_reads_the_counts_not_the_case_register(world: World) -> None:
    october(world)
    fill(now=FILLED_AT)
    with CaptureQueriesContext(connection) as ctx:
        report_monthly("2026-10", region_code=world.district.code, now=GENERATED_AT)
    tables = ("cases_case", "cases_caseevent", "cases_followup", "sla_milestone")
    touched = [q["sql"] for q in ctx.captured_queries if any(f'"{t}"' in q["sql"] for t in tables)]
    assert touched == []
    # The printed briefing needs no resource: WeasyPrint is asked for none.
    refused: list[str] = []
    monthly_pdf(figures_monthly("2026-10", now=GENERATED_AT), refused=refused)
    assert refused == []


@pytest.mark.django_db
def test_report_due_monthly_fills_and_makes_last_month_once(world: World) -> None:
    october(world)  # not filled yet: the hook fills first
    now = datetime(2026, 11, 3, 2, 0, tzinfo=SH)
    report = report_due_monthly(now=now)
    assert report is not None
    assert (report.kind, report.period, report.region_code, report.created_by) == ("monthly", "2026-10", "", None)
    assert report.params["totals"]["received"] == 13 and report.params["watermark"]["done_through"] == "2026-11-02"
    assert report_due_monthly(now=now + timedelta(hours=1)) is None
    assert report_due_monthly(now=datetime(2026, 11, 30, 23, 59, tzinfo=SH)) is None
    # A region's briefing does not stand in for the whole one; a new month brings the next.
    Report.objects.all().delete()
    report_monthly("2026-10", region_code=world.district.code, now=now)
    assert report_due_monthly(now=now) is not None
    nxt = report_due_monthly(now=datetime(2026, 12, 1, 0, 5, tzinfo=SH))
    assert nxt is not None and nxt.period == "2026-11" and nxt.params["totals"]["received"] == 1
    assert Report.objects.filter(region_code="").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2026-13"], "月份不正确：2026-13（月应为01至12）"),
    (["--month", "2026/10"], "月份格式不正确：2026/10（应为 YYYY-MM，如 2026-10）"),
    (["--month", "2026-1"], "月份格式不正确"),
    (["--month", "十月"], "月份格式不正确"),
    (["--month", "1999-12"], "年份超出范围"),
    (["--month", "2099-01"], "2099-01尚未开始，无法生成通报。"),
    (["--month", "2026-10", "--region", "999999"], "区划代码不存在：999999"),
    (["--month", "2026-10", "--region", "130302001001"], "低于街道乡镇级"),
])
def test_bad_arguments_say_what_is_wrong_in_chinese(world: World, tmp_path: Path, args: list[str],
                                                    message: str) -> None:
    town = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    Region.objects.create(code="130302001001", name="文化里社区", level=5, parent=town)
    with pytest.raises(CommandError) as exc:
        call_command("report", "monthly", *args, "--out", str(tmp_path / "out"))
    assert message in str(exc.value)
    assert not Report.objects.exists() and not (tmp_path / "out").exists()


def test_out_must_be_a_directory(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(CommandError, match="--out 应为目录"):
        call_command("report", "monthly", "--month", "2026-10", "--out", str(target))


def test_figures_are_written_the_chinese_way() -> None:
    assert [press.cn_count(n) for n in (0, 1286, 99999, 120000, 124636, 2059700)] == [
        "0件", "1286件", "99999件", "12万件", "12.4万余件", "205.9万余件"]
    assert press.cn_count(803, "人次") == "803人次"
    assert [press.cn_percent(x) for x in (0.942, 0.99, 0.7, 1.0, 0.0, 0.99996, 0.0004, 0.84615)] == [
        "94.2%", "99%", "70%", "100%", "0%", "99.9%", "0.1%", "84.6%"]
    assert [press.cn_duration(h) for h in (4.0, 18.46, 77.0)] == ["4小时", "18.5小时", "3.2天"]
    assert press.cn_list(["甲", "乙", "丙"]) == "甲、乙和丙" and press.cn_list(["甲"]) == "甲"
    assert press.wording()["whole_words"]["市"] == "全市"


@pytest.mark.django_db
def test_the_paragraph_claims_only_what_the_counts_hold(world: World) -> None:
    # Replied, never followed up: no 回访 clause, no 满意率; nothing overdue recorded: no 超时 clause.
    Unit.objects.filter(pk=world.station.pk).update(name="=HYPERLINK(\"http://x\")派出所")
    for i in range(2):
        handled(world, T0 + timedelta(days=i), world.station, world.handler, world.leader, None,
                world.district.code, "police.public_order")
    fill(now=FILLED_AT)
    fig = figures_monthly("2026-10", now=GENERATED_AT)
    assert fig.paragraph == ("2026年10月，全市政法机关共受理群众诉求2件，派至承办单位办理2件，办结2件，办结率100%，"
                             "按时办结率100%，平均办理时长4小时。群众反映较集中的事项为治安管理（2件）。")
    assert not fig.ranking[0]["ranked"]
    # A unit name is data: in the workbook it stays text, never a formula.
    _, unranked = ranking_table(load_workbook(io.BytesIO(monthly_xlsx(fig)))["排名"])
    assert unranked[0][1] == "'=HYPERLINK(\"http://x\")派出所"
    # A month without demands says so; the current month runs to yesterday and says that too.
    quiet = figures_monthly("2026-09", now=GENERATED_AT)
    assert quiet.paragraph == "2026年9月，全市政法机关未受理群众诉求。"
    register(world, datetime(2026, 11, 3, 10, 0, tzinfo=SH), world.district.code, "police.fraud")
    fill(now=datetime(2026, 11, 16, 1, 0, tzinfo=SH))
    partial = figures_monthly("2026-11", now=datetime(2026, 11, 16, 9, 0, tzinfo=SH))
    assert (partial.full_month, partial.end.isoformat()) == (False, "2026-11-15")
    assert partial.paragraph.startswith("2026年11月1日至11月15日，全市政法机关共受理群众诉求1件。")
    assert "本月尚未结束，数据截至2026年11月15日。" in partial.notes


def test_the_pdf_never_fetches_a_resource() -> None:
    refused: list[str] = []
    html = ('<html><head><link rel="stylesheet" href="https://example.invalid/a.css"></head><body>'
            '<p style="font-family: \'WenQuanYi Micro Hei\'">离线</p><img src="http://127.0.0.1:9/x.png">'
            '<img src="logo.png"></body></html>')
    pdf = html_to_pdf(html, refused=refused)
    assert pdf.startswith(b"%PDF")
    assert "https://example.invalid/a.css" in refused and "http://127.0.0.1:9/x.png" in refused
    assert any(u.startswith("file:") and u.endswith("/logo.png") for u in refused)
