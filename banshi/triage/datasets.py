"""Reading labelled / unlabelled demand tables and category trees from CSV files."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from pathlib import Path

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class DatasetError(ValueError):
    """A CSV file that cannot be used as asked (missing columns, no rows)."""


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """All rows of a CSV file with a header (UTF-8, with or without BOM)."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [{(k or "").strip(): (v or "") for k, v in row.items()} for row in reader]
    return rows


def split_columns(spec: str) -> list[str]:
    """``"留言主题,留言详情"`` → ``["留言主题", "留言详情"]`` (also accepts ``，``)."""
    return [c.strip() for c in spec.replace("，", ",").split(",") if c.strip()]


def join_text(row: dict[str, str], columns: Sequence[str]) -> str:
    """The row's text columns joined by line breaks (blank ones skipped)."""
    return "\n".join(row[c].strip() for c in columns if row.get(c, "").strip())


def texts_and_labels(
    path: str | Path, text_columns: Sequence[str], label_column: str
) -> tuple[list[str], list[str]]:
    """Texts and labels of a labelled CSV; rows without a label or text are skipped."""
    rows = read_rows(path)
    if not rows:
        raise DatasetError(f"{path}: no rows")
    missing = [c for c in [*text_columns, label_column] if c not in rows[0]]
    if missing:
        raise DatasetError(f"{path}: missing columns {missing}; found {list(rows[0])}")
    texts, labels = [], []
    for row in rows:
        text, label = join_text(row, text_columns), row[label_column].strip()
        if text and label:
            texts.append(text)
            labels.append(label)
    return texts, labels


def unlabelled_texts(path: str | Path, text_columns: Sequence[str]) -> list[str]:
    """Texts of an unlabelled CSV, from whichever of ``text_columns`` it has."""
    rows = read_rows(path)
    if not rows:
        return []
    present = [c for c in text_columns if c in rows[0]]
    if not present:
        raise DatasetError(f"{path}: none of the columns {list(text_columns)}; found {list(rows[0])}")
    return [t for t in (join_text(row, present) for row in rows) if t]


def read_taxonomy(path: str | Path) -> list[list[str]]:
    """Rows of a category tree CSV (header skipped): label first, sub-categories after."""
    with Path(path).open(encoding="utf-8-sig", newline="") as fh:
        rows = [list(r) for r in csv.reader(fh)]
    return [r for r in rows[1:] if any(c.strip() for c in r)]
