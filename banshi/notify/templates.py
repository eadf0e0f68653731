"""The default texts of citizen messages (SMS and notices), kept for review in
``banshi/notify/data/templates.yaml``. ``MessageTemplate`` rows, seeded from the same file and
edited by administrators, override them; the default is also the fallback when an edited body
cannot be rendered (notify/worker.py).

:func:`load_templates` reads and validates the file once (a mistake raises
:class:`TemplateDataError` naming the file, the template and the problem).
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from banshi.core.datafiles import DataFileError, read_mapping, value_kind

__all__ = [
    "DATA_FILE",
    "DEFAULT_TEXTS",
    "PLACEHOLDERS",
    "TEMPLATE_NAMES",
    "MessageText",
    "TemplateDataError",
    "load_templates",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "templates.yaml"
# The fields a citizen message's payload carries (notify/outbox.py: outbox_for_event).
PLACEHOLDERS: frozenset[str] = frozenset({"number", "tracking_code", "text"})

_KEYS = ("code", "name", "text")
# Column sizes of notify.MessageTemplate, so the seed migration never truncates or fails.
_MAX_LENGTH = {"code": 40, "name": 80}


class TemplateDataError(DataFileError):
    """The template file is unreadable or wrong; ``errors`` lists every problem (Chinese)."""

    what = "消息模板文件"


@dataclass(frozen=True)
class MessageText:
    """One default message template."""

    code: str
    name: str
    text: str


def load_templates(path: Path | str | None = None) -> tuple[MessageText, ...]:
    """The templates of the file, validated: the shipped one (read once and cached) or ``path``."""
    if path is None:
        return _shipped_templates()
    return _read_templates(Path(path))


@functools.cache
def _shipped_templates() -> tuple[MessageText, ...]:
    return _read_templates(DATA_FILE)


def _read_templates(path: Path) -> tuple[MessageText, ...]:
    raw = read_mapping(path, ("templates",), TemplateDataError)
    errors = [f"未知的顶层字段：{key}" for key in raw if key != "templates"]
    rows = raw.get("templates")
    if not isinstance(rows, list) or not rows:
        errors.append(f"templates 应为非空列表，实际为{value_kind(rows)}")
        rows = []
    out: list[MessageText] = []
    codes: set[str] = set()
    for i, row in enumerate(rows, 1):
        code = row.get("code") if isinstance(row, dict) else None
        label = f"模板 {code}（第{i}个）" if isinstance(code, str) and code else f"第{i}个模板"
        problems = _template_problems(row)
        if isinstance(code, str) and code:
            if code in codes:
                problems.append("模板代码 code 与前面的模板重复")
            codes.add(code)
        errors += [f"{label}：{p}" for p in problems]
        if not problems:
            out.append(MessageText(code=row["code"], name=row["name"], text=row["text"]))
    if errors:
        raise TemplateDataError(path, errors)
    return tuple(out)


def _template_problems(row: Any) -> list[str]:
    if not isinstance(row, dict):
        return [f"应为映射（字段: 值），实际为{value_kind(row)}"]
    problems = [f"缺少必填字段 {key}" for key in _KEYS if key not in row]
    problems += [f"未知字段 {key}" for key in row if key not in _KEYS]
    for key in _KEYS:
        if key in row and (not isinstance(row[key], str) or not row[key].strip()):
            problems.append(f"字段 {key} 应为非空文本，实际为{value_kind(row[key])}")
    if problems:
        return problems
    for key, limit in _MAX_LENGTH.items():
        if len(row[key]) > limit:
            problems.append(f"字段 {key} 超过{limit}个字")
    return problems + text_placeholder_problems(row["text"])


def text_placeholder_problems(text: str) -> list[str]:
    """What is wrong with a message text's ``{placeholders}`` (empty when it renders)."""
    allowed = "、".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return [f"内容中的花括号不成对（占位符写作 {allowed}）"]
    problems: list[str] = []
    for _literal, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            problems.append(f"内容中有未知的占位符 {{{field}}}（可用：{allowed}）")
        elif spec or conversion:
            problems.append(f"占位符 {{{field}}} 不能带格式说明（写作 {{{field}}}）")
    return problems


DEFAULT_TEXTS: dict[str, str] = {t.code: t.text for t in load_templates()}
TEMPLATE_NAMES: dict[str, str] = {t.code: t.name for t in load_templates()}
