"""The shared YAML data-file reader (banshi.core.datafiles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from banshi.core.datafiles import (
    DataFileError,
    YamlReadError,
    field_problems,
    read_mapping,
    read_yaml,
    type_name,
    value_kind,
)


def _file(tmp_path: Path, text: str, name: str = "data.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_is_read_with_plain_values(tmp_path: Path) -> None:
    path = _file(tmp_path, "# 注释\nitems:\n  - code: \"12345\"\n    name: 市民热线\n    verified: true\n    days: 15\n"
                           "lists:\n  result: &result [reply, answer]\n  again: *result\n")
    assert read_yaml(path) == {
        "items": [{"code": "12345", "name": "市民热线", "verified": True, "days": 15}],
        "lists": {"result": ["reply", "answer"], "again": ["reply", "answer"]},
    }


def test_a_key_given_twice_is_refused_with_its_position(tmp_path: Path) -> None:
    path = _file(tmp_path, "items:\n  - code: a\n    name: 甲\n    name: 乙\n")
    with pytest.raises(YamlReadError) as caught:
        read_yaml(path)
    exc = caught.value
    assert (exc.reason, exc.key, exc.line, exc.column) == ("duplicate_key", "name", 4, 5)
    assert str(exc) == "YAML 格式错误，第4行第5列：字段 name 重复出现"
    assert exc.path == path


def test_the_same_key_in_different_mappings_is_fine(tmp_path: Path) -> None:
    path = _file(tmp_path, "a: {name: 甲}\nb: {name: 乙}\n")
    assert read_yaml(path) == {"a": {"name": "甲"}, "b": {"name": "乙"}}


def test_a_merged_key_may_be_overridden(tmp_path: Path) -> None:
    path = _file(tmp_path, "base: &base {name: 甲, days: 7}\nitem:\n  <<: *base\n  name: 乙\n")
    assert read_yaml(path)["item"] == {"name": "乙", "days": 7}


def test_a_syntax_error_names_the_line_and_column(tmp_path: Path) -> None:
    path = _file(tmp_path, "name: 市民热线\ncode: a: b\n")
    with pytest.raises(YamlReadError) as caught:
        read_yaml(path)
    exc = caught.value
    assert (exc.reason, exc.line, exc.column) == ("yaml", 2, 8)
    assert str(exc) == f"YAML 格式错误，第2行第8列：{exc.problem}"
    assert "mapping values are not allowed" in exc.problem


def test_an_unhashable_key_is_a_yaml_error_not_a_crash(tmp_path: Path) -> None:
    path = _file(tmp_path, "? [a, b]\n: 1\n")
    with pytest.raises(YamlReadError, match=r"YAML 格式错误，第\d+行第\d+列：.*unhashable"):
        read_yaml(path)


def test_python_objects_are_not_built(tmp_path: Path) -> None:
    path = _file(tmp_path, "x: !!python/object/apply:os.system [echo hi]\n")
    with pytest.raises(YamlReadError, match="YAML 格式错误"):
        read_yaml(path)


def test_a_missing_or_non_utf8_file(tmp_path: Path) -> None:
    with pytest.raises(YamlReadError, match=r"^无法读取文件：") as caught:
        read_yaml(tmp_path / "missing.yaml")
    assert caught.value.reason == "unreadable"
    path = tmp_path / "gbk.yaml"
    path.write_bytes("名称: 市民热线\n".encode("gbk"))
    with pytest.raises(YamlReadError, match=r"^文件不是 UTF-8 编码$"):
        read_yaml(path)


def test_data_file_error_lists_every_problem(tmp_path: Path) -> None:
    class SampleError(DataFileError):
        what = "示例文件"

    exc = SampleError(tmp_path / "x.yaml", ["第一个问题", "第二个问题"])
    assert isinstance(exc, ValueError) and exc.errors == ["第一个问题", "第二个问题"]
    assert str(exc) == f"示例文件 {tmp_path / 'x.yaml'} 有误：\n  - 第一个问题\n  - 第二个问题"


def test_read_mapping_reports_in_the_loader_s_error_class(tmp_path: Path) -> None:
    class SampleError(DataFileError):
        what = "示例文件"

    assert read_mapping(_file(tmp_path, "items: []\n"), ("items",), SampleError) == {"items": []}
    with pytest.raises(SampleError) as caught:
        read_mapping(_file(tmp_path, "- a\n- b\n"), ("items", "notes"), SampleError)
    assert caught.value.errors == ["文件顶层应为映射（items、notes），实际为列表"]
    with pytest.raises(SampleError) as caught:
        read_mapping(_file(tmp_path, "a: 1\na: 2\n"), ("a",), SampleError)
    assert caught.value.errors == ["YAML 格式错误，第2行第1列：字段 a 重复出现"]
    assert isinstance(caught.value.__cause__, YamlReadError)


def test_value_kind_and_type_name() -> None:
    assert [value_kind(v) for v in (None, True, 3, 1.5, "a", [], {}, b"")] == [
        "空值", "是/否（true/false）", "数字", "数字", "文本", "列表", "映射（字段: 值）", "bytes",
    ]
    assert [type_name(t) for t in (str, bool, list, dict)] == ["文本", "是/否（true 或 false）", "列表", "映射（字段: 值）"]


def test_field_problems() -> None:
    required = {"code": str, "keywords": list}
    assert field_problems({"code": "a", "keywords": []}, required) == []
    assert field_problems({"code": 12345, "extra": 1, "notes": 2}, required, {"notes": str}, quote_numbers=["code"]) == [
        "缺少必填字段 keywords",
        "未知字段 extra",
        "字段 code 应为文本，实际为数字（数字编码要加英文引号，如 \"12345\"）",
        "字段 notes 应为文本，实际为数字",
    ]
