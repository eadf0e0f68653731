"""Reading the YAML data files that domain experts review (the routing catalogue, the deadline
policies, the message templates, the demo world), and the pieces of their Chinese error messages.

:func:`read_yaml` is the one reader: safe loading only (no Python objects; libyaml's
``CSafeLoader`` when PyYAML was built with it), a mapping key given twice is an error rather than
the last one silently winning, and a file that cannot be read or parsed raises
:class:`YamlReadError`, whose text names the line and column. Each loader checks the shape of what
it read and reports every problem through a :class:`DataFileError` subclass of its own
(:func:`read_mapping` reads a file whose top level must be a mapping and reports in that class);
:func:`value_kind`, :func:`type_name` and :func:`field_problems` word those problems alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar, Literal

import yaml

try:
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = [
    "DataFileError",
    "YamlReadError",
    "field_problems",
    "read_mapping",
    "read_yaml",
    "type_name",
    "value_kind",
]

_MERGE_TAG = "tag:yaml.org,2002:merge"

ReadFailure = Literal["unreadable", "not_utf8", "yaml", "duplicate_key"]


class YamlReadError(ValueError):
    """A data file could not be read, or is not valid YAML.

    ``str()`` is the Chinese message (without the path); loaders that word it their own way use
    ``reason``, ``problem``, ``line`` and ``column`` (1-based, ``None`` when unknown) and, for
    ``reason == "duplicate_key"``, ``key``.
    """

    def __init__(
        self,
        path: Path,
        reason: ReadFailure,
        problem: str,
        *,
        line: int | None = None,
        column: int | None = None,
        key: Any = None,
    ) -> None:
        self.path = path
        self.reason: ReadFailure = reason
        self.problem = problem
        self.line = line
        self.column = column
        self.key = key
        super().__init__(self._message())

    def _message(self) -> str:
        if self.reason == "unreadable":
            return f"无法读取文件：{self.problem}"
        if self.reason == "not_utf8":
            return "文件不是 UTF-8 编码"
        if self.line is None or self.column is None:
            return f"YAML 格式错误：{self.problem}"
        return f"YAML 格式错误，第{self.line}行第{self.column}列：{self.problem}"


class _DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"字段 {key} 重复出现", mark)
        self.key = key


class _UniqueKeyLoader(_SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping (the last would silently win).

    Keys brought in by a merge (``<<: *anchor``) may be overridden; only the mapping's own keys
    must differ.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            try:
                repeated = key in seen
            except TypeError:
                continue  # an unhashable key: construct_mapping below reports it
            if repeated:
                raise _DuplicateKey(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    """The content of the YAML file at ``path`` (UTF-8); raises :class:`YamlReadError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise YamlReadError(path, "unreadable", str(exc.strerror or exc)) from exc
    except UnicodeDecodeError as exc:
        raise YamlReadError(path, "not_utf8", str(exc)) from exc
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # a safe loader (no Python objects)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise YamlReadError(
            path,
            "duplicate_key" if isinstance(exc, _DuplicateKey) else "yaml",
            getattr(exc, "problem", None) or str(exc),
            line=None if mark is None else mark.line + 1,
            column=None if mark is None else mark.column + 1,
            key=exc.key if isinstance(exc, _DuplicateKey) else None,
        ) from exc


class DataFileError(ValueError):
    """A data file is unreadable or wrong; ``errors`` lists every problem (Chinese).

    Subclasses name the file in ``what`` (e.g. "事项目录文件").
    """

    what: ClassVar[str] = "数据文件"

    def __init__(self, path: Path, errors: list[str]) -> None:
        self.path = path
        self.errors = list(errors)
        super().__init__(f"{self.what} {path} 有误：\n" + "\n".join(f"  - {e}" for e in self.errors))


def read_mapping(path: Path, top_keys: Iterable[str], error: type[DataFileError]) -> dict[Any, Any]:
    """The YAML file at ``path``, which must hold a mapping (of ``top_keys``, named in the message);
    any failure raises ``error`` with one problem."""
    try:
        raw = read_yaml(path)
    except YamlReadError as exc:
        raise error(path, [str(exc)]) from exc
    if not isinstance(raw, dict):
        raise error(path, [f"文件顶层应为映射（{'、'.join(top_keys)}），实际为{value_kind(raw)}"])
    return raw


def value_kind(value: Any) -> str:
    """A value's type as a reviewer would name it."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否（true/false）"
    if isinstance(value, int | float):
        return "数字"
    if isinstance(value, str):
        return "文本"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射（字段: 值）"
    return type(value).__name__


_TYPE_NAMES: dict[type, str] = {
    str: "文本", bool: "是/否（true 或 false）", list: "列表", dict: "映射（字段: 值）", int: "整数",
}


def type_name(expected: type) -> str:
    """What a field of type ``expected`` should be, in a message (``字段 x 应为{type_name(str)}``)."""
    return _TYPE_NAMES.get(expected, expected.__name__)


def field_problems(
    row: Mapping[Any, Any],
    required: Mapping[str, type],
    optional: Mapping[str, type] | None = None,
    *,
    quote_numbers: Iterable[str] = (),
) -> list[str]:
    """The missing, unknown and mistyped fields of one entry of a data file.

    ``required`` and ``optional`` map each field to its type. A field in ``quote_numbers`` that YAML
    read as a number (an unquoted code like 12345) gets a hint to quote it.
    """
    optional = optional or {}
    quoted = frozenset(quote_numbers)
    problems = [f"缺少必填字段 {key}" for key in required if key not in row]
    problems += [f"未知字段 {key}" for key in row if key not in required and key not in optional]
    for key, expected in {**required, **optional}.items():
        if key in row and not isinstance(row[key], expected):
            hint = "（数字编码要加英文引号，如 \"12345\"）" if key in quoted and isinstance(row[key], int) else ""
            problems.append(f"字段 {key} 应为{type_name(expected)}，实际为{value_kind(row[key])}{hint}")
    return problems
