"""Rate rows as CSV and Excel (the command line, the API and the pages share these)."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook

from banshi.core.excel import excel_cell

COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "排名"), ("name", "名称"), ("dispatched", "派单量"), ("replied", "办结量"), ("followups", "回访量"),
    ("contacted", "已联系"), ("resolved", "已解决"), ("rating_5", "非常满意"), ("rating_4", "满意"),
    ("rating_3", "基本满意"), ("rating_2", "不满意"), ("rating_1", "非常不满意"),
    ("response_rate", "响应率"), ("resolution_rate", "解决率"), ("satisfaction_rate", "满意率"),
    ("composite", "综合得分"), ("on_time_rate", "按时办结率"), ("reopen_rate", "重办率"), ("note", "备注"),
)


def _key_column(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    for key, label in (("unit_id", "单位编号"), ("region_code", "区划代码"), ("agency", "条线")):
        if rows and key in rows[0]:
            return [(key, label)]
    return []


def _flat(row: dict[str, Any], cols: list[tuple[str, str]]) -> list[Any]:
    return [row.get(k) for k, _ in cols]


def rows_csv(rows: list[dict[str, Any]]) -> str:
    cols = _key_column(rows) + [c for c in COLUMNS if c[0] != "rank" or (rows and "rank" in rows[0])]
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([k for k, _ in cols])
    for r in rows:
        w.writerow(["" if v is None else excel_cell(v) for v in _flat(r, cols)])
    return buf.getvalue()


def rows_xlsx(rows: list[dict[str, Any]], *, title: str = "三率") -> bytes:
    cols = _key_column(rows) + [c for c in COLUMNS if c[0] != "rank" or (rows and "rank" in rows[0])]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title[:31]
    ws.append([label for _, label in cols])
    for r in rows:
        ws.append([excel_cell(v) for v in _flat(r, cols)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
