"""The briefing as an Excel workbook: 概览, 排名, 超期单位, 热点分类, 热点区域, with native bar charts.

Counts are integers, rates numbers formatted as percentages, so the figures can be checked and
summed in Excel; every text cell goes through `excel_cell` (unit and region names are data)."""

from __future__ import annotations

import io
from datetime import UTC
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from banshi.core.excel import excel_cell
from banshi.stats.reports import press
from banshi.stats.reports.figures import Figures

PERCENT = "0.0%"
CHART_ROWS = 30
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")
RANKING_HEADER = ("排名", "单位", "回访量", "响应率", "解决率", "满意率", "综合得分", "备注",
                  "响应率95%区间", "解决率95%区间", "满意率95%区间")


def _append(ws: Worksheet, values: list[Any]) -> int:
    ws.append([excel_cell(v) for v in values])
    return ws.max_row


def _header(ws: Worksheet, values: tuple[str, ...] | list[str]) -> int:
    row = _append(ws, list(values))
    for cell in ws[row]:
        cell.font = BOLD
    return row


def _widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for col, w in widths.items():
        ws.column_dimensions[col].width = w


def interval_text(iv: list[float] | None) -> str:
    if not iv:
        return ""
    return f"{iv[0] * 100:.1f}%～{iv[1] * 100:.1f}%"


def _bar_chart(ws: Worksheet, title: str, *, data_col: int, label_col: int, first: int, last: int,
               y_title: str, anchor: str, horizontal: bool = True) -> None:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.legend = None
    chart.add_data(Reference(ws, min_col=data_col, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=label_col, min_row=first, max_row=last))
    if horizontal:
        chart.x_axis.scaling.orientation = "maxMin"  # the first row on top, as in the table
    chart.height = max(6.0, 0.7 * (last - first + 1) + 2.5)
    chart.width = 16.0
    ws.add_chart(chart, anchor)


def _overview(ws: Worksheet, fig: Figures) -> None:
    ws.title = "概览"
    ws.append([excel_cell(fig.title)])
    ws["A1"].font = TITLE
    _append(ws, ["统计期间", f"{fig.start.isoformat()} 至 {fig.end.isoformat()}", fig.period_text])
    _append(ws, ["范围", fig.region_name or fig.whole or "全部", fig.region_code])
    ws.append([])
    row = _append(ws, ["通稿段落", fig.paragraph])
    ws.cell(row, 1).font = BOLD
    ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=3)
    ws.cell(row, 2).alignment = WRAP
    ws.row_dimensions[row].height = max(60, 15 * (len(fig.paragraph) // 40 + 1))
    ws.append([])
    _header(ws, ("指标", "数值", "口径"))
    for t in fig.total_rows():
        r = _append(ws, [t.label, t.value, t.definition])
        cell = ws.cell(r, 2)
        if t.kind == "rate":
            cell.number_format = PERCENT
        elif t.kind in ("hours", "score"):
            cell.number_format = "0.00"
        ws.cell(r, 3).alignment = WRAP
    ws.append([])
    row = _append(ws, ["说明"])
    ws.cell(row, 1).font = BOLD
    for text in fig.notes:
        r = _append(ws, ["", text])
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        ws.cell(r, 2).alignment = WRAP
    ws.append([])
    row = _append(ws, ["生成参数"])
    ws.cell(row, 1).font = BOLD
    w = fig.config["weights"]
    _append(ws, ["", "权重", f"响应率 {w['response']}，解决率 {w['resolution']}，满意率 {w['satisfaction']}"])
    factors = "，".join(f"{k}分 {v}" for k, v in fig.config["rating_factors"].items())
    _append(ws, ["", "满意度折算", factors])
    _append(ws, ["", "最少回访量", fig.config["min_volume"]])
    _append(ws, ["", "统计设置", "已调整" if fig.config["customised"] else "默认（公开报道常见口径）"])
    _append(ws, ["", "数据填充至", fig.watermark["done_through"] or "（尚未填充）"])
    _widths(ws, {"A": 22, "B": 60, "C": 60})


def _ranking(ws: Worksheet, fig: Figures) -> None:
    ws.title = "排名"
    ws.append([excel_cell(f"三率排名（{fig.period_text}）")])
    ws["A1"].font = TITLE
    _append(ws, [press.note("rates")])
    _append(ws, [press.note("min_volume", min_volume=fig.min_volume)])
    _append(ws, [press.note("interval")])
    ws.append([])
    header = _header(ws, RANKING_HEADER)
    first = header + 1

    def row_of(r: dict[str, Any], rank: int | None, remark: str) -> None:
        iv = r.get("intervals") or {}
        # An unranked row keeps its rates (with their wide intervals) but gets no score to compare.
        n = _append(ws, [rank, r["name"], r["followups"], r["response_rate"], r["resolution_rate"],
                         r["satisfaction_rate"], r["composite"] if r["ranked"] else None, remark,
                         interval_text(iv.get("response_rate")),
                         interval_text(iv.get("resolution_rate")), interval_text(iv.get("satisfaction_rate"))])
        for col in (4, 5, 6):
            ws.cell(n, col).number_format = PERCENT
        ws.cell(n, 7).number_format = "0.00"

    for r in fig.ranked:
        row_of(r, r["rank"], "")
    last = ws.max_row
    if fig.unranked:
        ws.append([])
        label = _append(ws, [f"未参与排名（回访量少于{fig.min_volume}次，样本不足）"])
        ws.cell(label, 1).font = BOLD
        for r in fig.unranked:
            row_of(r, None, unranked_remark(r, fig.min_volume))
    if fig.ranked:
        shown = min(last, first + CHART_ROWS - 1)
        title = "综合得分" if shown == last else f"综合得分（前{CHART_ROWS}名）"
        _bar_chart(ws, title, data_col=7, label_col=2, first=first, last=shown, y_title="综合得分",
                   anchor=f"M{header}")
    _widths(ws, {"A": 8, "B": 28, "C": 10, "D": 10, "E": 10, "F": 10, "G": 10, "H": 30, "I": 18, "J": 18, "K": 18})


def unranked_remark(r: dict[str, Any], min_volume: int) -> str:
    if r.get("note"):
        return f"{r['note']}：回访{r['followups']}次，少于{min_volume}次"
    return "无回访，不参与排名"


def _overdue(ws: Worksheet, fig: Figures) -> None:
    ws.title = "超期单位"
    header = _header(ws, ("序号", "单位", "超期件数（次）", "派单量", "办结量", "超期办结量", "按时办结率"))
    for r in fig.overdue:
        n = _append(ws, [r["rank"], r["name"], r["breached"], r["dispatched"], r["replied"], r["replied_late"],
                         r["on_time_rate"]])
        ws.cell(n, 7).number_format = PERCENT
    if fig.overdue:
        _bar_chart(ws, "超期件数", data_col=3, label_col=2, first=header + 1, last=ws.max_row, y_title="次",
                   anchor="I2")
    else:
        _append(ws, ["", "期间内没有记录超期的单位"])
    _widths(ws, {"A": 6, "B": 28, "C": 14, "D": 10, "E": 10, "F": 12, "G": 12})


def _categories(ws: Worksheet, fig: Figures) -> None:
    ws.title = "热点分类"
    header = _header(ws, ("排名", "事项分类", "编码", "受理量", "占受理量", "办结量"))
    for r in fig.categories:
        n = _append(ws, [r["rank"], r["label"], r["code"], r["received"], r["share"], r["replied"]])
        ws.cell(n, 5).number_format = PERCENT
    if fig.categories:
        _bar_chart(ws, "热点分类（受理量）", data_col=4, label_col=2, first=header + 1, last=ws.max_row,
                   y_title="件", anchor="H2")
    _widths(ws, {"A": 6, "B": 24, "C": 28, "D": 10, "E": 10, "F": 10})


def _hotspots(ws: Worksheet, fig: Figures) -> None:
    ws.title = "热点区域"
    header = _header(ws, ("排名", "街道乡镇", "所属区县", "区划代码", "受理量", "占受理量", "办结量"))
    for r in fig.hotspots:
        n = _append(ws, [r["rank"], r["name"], r["county"], r["code"], r["received"], r["share"], r["replied"]])
        ws.cell(n, 6).number_format = PERCENT
    last = ws.max_row
    if fig.hotspots:
        _bar_chart(ws, "热点区域（受理量）", data_col=5, label_col=2, first=header + 1, last=last, y_title="件",
                   anchor="I2")
    if fig.unlocated:
        ws.append([])
        _append(ws, ["", f"另有{fig.unlocated}件诉求只登记到区县或未登记区划，不计入上表。"])
    _widths(ws, {"A": 6, "B": 20, "C": 14, "D": 14, "E": 10, "F": 10, "G": 10})


def monthly_xlsx(fig: Figures) -> bytes:
    wb = Workbook()
    overview = wb.active
    assert overview is not None
    _overview(overview, fig)
    _ranking(wb.create_sheet(), fig)
    _overdue(wb.create_sheet(), fig)
    _categories(wb.create_sheet(), fig)
    _hotspots(wb.create_sheet(), fig)
    generated = fig.generated_at.astimezone(UTC).replace(tzinfo=None)
    wb.properties.creator = "banshi"
    wb.properties.title = fig.title
    wb.properties.created = generated
    wb.properties.modified = generated
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
