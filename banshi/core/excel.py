"""One cell sanitiser for every spreadsheet export (xlsx, and CSV meant for Excel).

Two hazards a citizen's text brings into a staff member's spreadsheet:
- characters Excel refuses (control characters other than tab, newline and carriage return; NUL),
  which make openpyxl raise and the whole export fail;
- formula injection: a text starting with ``= + - @`` (also after leading whitespace) would become a
  live formula (``=HYPERLINK(…)``). Such a text is prefixed with a single quote so it stays text.

Numbers, dates and other non-text values pass unchanged, so they stay typed.
"""

from __future__ import annotations

import re
from typing import Any

# The same set as openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE (tested to agree).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
FORMULA_PREFIX_RE = re.compile(r"^\s*[=+\-@]")
QUOTE = "'"


def excel_cell(value: Any) -> Any:
    """The value as it may safely go into a spreadsheet cell."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if FORMULA_PREFIX_RE.match(text):
        text = QUOTE + text
    return text


def excel_row(values: list[Any]) -> list[Any]:
    return [excel_cell(v) for v in values]


def excel_uncell(text: str) -> str:
    """Undo `excel_cell`'s quote on a text read back from our own export."""
    if text.startswith(QUOTE) and FORMULA_PREFIX_RE.match(text[1:]):
        return text[1:]
    return text
