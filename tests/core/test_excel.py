"""core/excel.py: the one cell sanitiser every spreadsheet export uses (issue 14, findings 1 and 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as OPENPYXL_ILLEGAL

from banshi.core.excel import ILLEGAL_CHARACTERS_RE, excel_cell, excel_row, excel_uncell


def test_illegal_set_is_openpyxls() -> None:
    for code in range(0x3000):
        ch = chr(code)
        assert bool(ILLEGAL_CHARACTERS_RE.search(ch)) == bool(OPENPYXL_ILLEGAL.search(ch)), hex(code)


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)",
                                  " =1+1", "\t=1+1", "\n-1", "\x01=1+1"])
def test_formula_prefix_becomes_text(text: str) -> None:
    cell = excel_cell(text)
    assert cell.startswith("'") and excel_uncell(cell) == ILLEGAL_CHARACTERS_RE.sub("", text)


def test_control_characters_are_stripped_and_tab_newline_kept() -> None:
    assert excel_cell("a\x00b\x01c\x08d\x0be\x0cf\x1fg\th\ni\rj") == "abcdefg\th\ni\rj"


def test_plain_text_numbers_and_dates_unchanged() -> None:
    when = datetime(2026, 9, 28, 10, 0, tzinfo=UTC)
    assert excel_row(["噪音扰民", "a=b", 12, -3, 1.5, None, when, date(2026, 1, 1)]) == [
        "噪音扰民", "a=b", 12, -3, 1.5, None, when, date(2026, 1, 1)]
    assert excel_uncell("'plain") == "'plain"


def test_sanitised_row_saves_and_reads_back_as_text() -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("s")
    ws.append(excel_row(["=HYPERLINK(\"http://evil\",\"x\")", "bad\x01\x00text", -5]))
    buf = BytesIO()
    wb.save(buf)
    cells = next(iter(load_workbook(BytesIO(buf.getvalue())).active.iter_rows()))
    assert [c.data_type for c in cells] == ["s", "s", "n"]
    assert cells[1].value == "badtext" and cells[2].value == -5
