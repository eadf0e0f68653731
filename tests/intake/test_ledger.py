from __future__ import annotations

import csv
import io
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from banshi.cases.models import Case
from banshi.intake.ledger import COLUMNS, cases_import
from banshi.notify.models import OutboxMessage
from tests.factories import World

ID_OK = "11010519491231002X"
TYPES = ["咨询", "求助", "投诉", "举报", "建议"]
CHANNELS = ["", "12345热线", "大走访", "擺桌子", "巡回立案", "来信"]
BAD_KINDS = [
    ("电话", "12345678"),
    ("身份证号", "110105194912310021"),
    ("诉求内容", ""),
    ("类型", "表扬"),
    ("受理时间", "去年春天"),
    ("受理时间", "2999-01-01 10:00"),
    ("区划代码", "999999"),
    ("渠道", "飞鸽传书"),
    ("受理时间", "2001-01-01 10:00"),
    ("编号", "DUP"),
]


def ledger_rows(n: int, *, bad_every: int = 100, region: str) -> tuple[list[list[str]], dict[int, str]]:
    """n rows; every `bad_every`-th one broken in one of the ways above. Returns rows and bad row numbers."""
    now = timezone.localtime()
    rows: list[list[str]] = []
    bad: dict[int, str] = {}
    for i in range(n):
        when = (now - timedelta(days=1 + i % 300, minutes=i)).strftime("%Y-%m-%d %H:%M")
        row = {
            "编号": f"TZ{i:06d}", "受理时间": when, "渠道": CHANNELS[i % len(CHANNELS)], "类型": TYPES[i % 5],
            "诉求内容": f"第{i}号台账诉求：小区路灯不亮，夜间出行不便。", "姓名": "" if i % 7 == 0 else f"群众{i}",
            "电话": f"139{i:08d}", "身份证号": ID_OK if i % 11 == 0 else "", "地址": f"文化路{i}号",
            "区划代码": region if i % 3 else "", "分类": "治安",
        }
        if i % bad_every == bad_every - 1:
            column, value = BAD_KINDS[(i // bad_every) % len(BAD_KINDS)]
            row[column] = value if value != "DUP" else f"TZ{i - 1:06d}"
            bad[i + 2] = column
        rows.append([row[c] for c in COLUMNS])
    return rows, bad


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerows(rows)


@pytest.mark.slow
def test_import_10000_rows_reports_every_bad_row(world: World, tmp_path: Path) -> None:
    rows, bad = ledger_rows(10_000, region=world.district.code)
    path = tmp_path / "台账.csv"
    write_csv(path, rows)
    started = time.monotonic()
    err = io.StringIO()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "cases", str(path), "--unit", str(world.committee.pk), stdout=out, stderr=err)
    elapsed = time.monotonic() - started
    assert exit_info.value.code == 2  # some rows failed
    good = 10_000 - len(bad)
    assert Case.objects.count() == good
    assert f"导入{good}" in out.getvalue() and f"错误{len(bad)}" in out.getvalue()
    assert "100% 10000/10000" in err.getvalue()  # the progress bar on stderr
    with open(tmp_path / "台账.csv.errors.csv", encoding="utf-8-sig") as fh:
        reported = {int(r["行号"]): r["原因"] for r in csv.DictReader(fh)}
    assert set(reported) == set(bad)
    assert all(reason for reason in reported.values())
    assert "编号与第" in reported[min(n for n, c in bad.items() if c == "编号")]
    backdated = Case.objects.filter(backdated=True).count()
    assert backdated == good
    assert not OutboxMessage.objects.filter(template="receipt").exists()  # no receipt SMS for old entries
    print(f"imported {good} rows in {elapsed:.1f}s")


def test_reimport_is_idempotent_and_export_round_trips(world: World, tmp_path: Path) -> None:
    rows, _bad = ledger_rows(60, bad_every=20, region=world.district.code)
    path = tmp_path / "ledger.csv"
    write_csv(path, rows)
    first = cases_import(path, unit=world.committee)
    assert (first.imported, len(first.errors), first.accounted) == (57, 3, 60)
    again = cases_import(path, unit=world.committee)
    assert (again.imported, again.skipped, len(again.errors)) == (0, 57, 3)
    assert Case.objects.count() == 57
    case = Case.objects.get(idempotency_key=f"import:{world.committee.pk}:TZ000011")
    assert case.citizen_id_number == ID_OK and case.channel == "letter"  # 来信
    assert Case.objects.get(idempotency_key=f"import:{world.committee.pk}:TZ000002").channel == "field_visit"  # 大走访
    assert Case.objects.get(idempotency_key=f"import:{world.committee.pk}:TZ000003").channel == "field_visit"  # 擺桌子
    assert Case.objects.get(idempotency_key=f"import:{world.committee.pk}:TZ000000").channel == "import"

    out = tmp_path / "export.xlsx"
    call_command("export", "cases", str(out), "--full", stdout=io.StringIO(), stderr=io.StringIO())
    from openpyxl import load_workbook

    ws = load_workbook(out, read_only=True).worksheets[0]
    table = [list(r) for r in ws.iter_rows(values_only=True)]
    assert table[0][: len(COLUMNS)] == COLUMNS and len(table) == 58
    # Re-importing our own export adds nothing: its numbers are this system's case numbers.
    back = cases_import(out, unit=world.committee)
    assert (back.imported, back.skipped, len(back.errors)) == (0, 57, 0)

    masked = tmp_path / "masked.csv"
    call_command("export", "cases", str(masked), stdout=io.StringIO(), stderr=io.StringIO())
    text = masked.read_text(encoding="utf-8-sig")
    assert "139****0011" in text and "13900000011" not in text


def test_xlsx_import_with_excel_types_and_aliases(world: World, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "登记时间", "内容", "诉求类型", "联系电话", "群众姓名", "事发地点"])
    when = timezone.localtime().replace(tzinfo=None) - timedelta(days=3)
    ws.append([1, when, "巡回立案现场登记：邻里纠纷需要调解。", "求助", 13812345678, "王五", "海港区某村"])
    ws.append([2, when.date(), "缺少类型的行", "", 13812345679, "赵六", ""])
    ws.append([None, None, None, None, None, None, None])
    path = tmp_path / "ledger.xlsx"
    wb.save(path)
    report = cases_import(path, unit=world.committee)
    assert (report.imported, report.blank, len(report.errors)) == (1, 1, 1)
    assert report.errors[0][0] == 3 and "类型不正确" in report.errors[0][2]
    case = Case.objects.get()
    assert case.citizen_phone == "13812345678" and case.backdated and case.channel == "import"


def test_bad_files_are_reported(world: World, tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    bad_header = tmp_path / "x.csv"
    bad_header.write_text("名字,电话\n张三,13812345678\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少必需的列"):
        call_command("import", "cases", str(bad_header), "--unit", str(world.committee.pk))
    other = tmp_path / "x.doc"
    other.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CommandError, match="只支持"):
        call_command("import", "cases", str(other), "--unit-name", world.committee.name)
    with pytest.raises(CommandError, match="受理单位"):
        call_command("import", "cases", str(bad_header), "--unit", "99999")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_defuses_formulas_strips_control_characters_and_round_trips(
        world: World, tmp_path: Path, suffix: str) -> None:
    """Issue 14, findings 1 and 9, in the ledger export; our own export still re-imports as before."""
    from django.db import connection

    from tests.factories import case_new

    nul = "\x00" if connection.vendor == "sqlite" else ""
    evil = case_new(world, content="=HYPERLINK(\"http://evil.example\",\"点我\") 路灯坏了")
    bad = case_new(world, content="路灯\x01坏了")
    Case.objects.filter(pk=bad.pk).update(content=f"路灯\x01坏了{nul}\x1f")
    out = tmp_path / f"export{suffix}"
    call_command("export", "cases", str(out), "--full", stdout=io.StringIO(), stderr=io.StringIO())
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(out).worksheets[0]
        rows = {r[0].value: r[4] for r in ws.iter_rows(min_row=2)}
        assert rows[evil.number].data_type == "s" and rows[evil.number].value.startswith("'=")
        assert rows[bad.number].value == "路灯坏了"
    else:
        text = out.read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in text and "\x01" not in text and "路灯坏了" in text
    back = cases_import(out, unit=world.committee)
    assert (back.imported, back.errors) == (0, [])
