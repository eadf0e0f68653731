"""The citizen message templates' data file (banshi/notify/data/templates.yaml) and its loader."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from banshi.notify.templates import (
    DATA_FILE,
    DEFAULT_TEXTS,
    PLACEHOLDERS,
    TEMPLATE_NAMES,
    TemplateDataError,
    load_templates,
)


def test_shipped_file_loads_once_into_the_public_names():
    assert load_templates() is load_templates()  # cached
    assert list(DEFAULT_TEXTS) == list(TEMPLATE_NAMES) == [
        "receipt", "documents_request", "progress_reply", "final_reply", "follow_up", "reopened", "matter_receipt", "nt_booked", "nt_reminder", "nt_docs", "nt_result", "aid_docs",
        "aid_decision",
    ]
    assert TEMPLATE_NAMES["receipt"] == "受理回执"
    assert DEFAULT_TEXTS["progress_reply"] == "【办实事】您的诉求{number}办理进展：{text}"
    assert {"number", "tracking_code", "text"} == PLACEHOLDERS


def test_every_default_text_renders_with_a_citizen_payload():
    for text in DEFAULT_TEXTS.values():
        assert "{" not in text.format(number="A1", tracking_code="T1", text="已处理")


def test_a_copy_of_the_shipped_file_loads_to_equal_templates(tmp_path: Path):
    path = tmp_path / "templates.yaml"
    shutil.copy(DATA_FILE, path)
    assert load_templates(path) == load_templates()


@pytest.mark.django_db
def test_seed_migration_writes_the_file():
    from django.apps import apps

    from banshi.notify.models import MessageTemplate

    MessageTemplate.objects.all().delete()
    importlib.import_module("banshi.notify.migrations.0002_default_templates").add(apps, None)
    rows = list(MessageTemplate.objects.order_by("id").values_list("code", "name", "body"))
    assert rows == [(code, TEMPLATE_NAMES[code], text) for code, text in DEFAULT_TEXTS.items()]


# ------------------------------------------------------------------------------ broken files


def _good() -> dict[str, Any]:
    return {"templates": [
        {"code": "receipt", "name": "受理回执", "text": "您的诉求已受理，编号{number}，查询码{tracking_code}。"},
        {"code": "progress_reply", "name": "办理进展", "text": "诉求{number}进展：{text}（花括号写作{{}}）"},
    ]}


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "templates.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_good_small_file_loads(tmp_path: Path):
    templates = load_templates(_write(tmp_path, _good()))
    assert [(t.code, t.name) for t in templates] == [("receipt", "受理回执"), ("progress_reply", "办理进展")]


def _set(index: int, key: str, value: Any = None, *, drop: bool = False):
    def change(d: dict[str, Any]) -> None:
        if drop:
            del d["templates"][index][key]
        else:
            d["templates"][index][key] = value
    return change


def _duplicate(d: dict[str, Any]) -> None:
    d["templates"].append(dict(d["templates"][0]))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(0, "title", "x"), "模板 receipt（第1个）：未知字段 title"),
        (_set(1, "name", drop=True), "模板 progress_reply（第2个）：缺少必填字段 name"),
        (_set(0, "text", 110), "模板 receipt（第1个）：字段 text 应为非空文本，实际为数字"),
        (_set(0, "text", ""), "模板 receipt（第1个）：字段 text 应为非空文本"),
        (_set(0, "code", None), "第1个模板：字段 code 应为非空文本，实际为空值"),
        (_duplicate, "模板 receipt（第3个）：模板代码 code 与前面的模板重复"),
        (_set(0, "text", "编号{numbr}"), "模板 receipt（第1个）：内容中有未知的占位符 {numbr}"),
        (_set(0, "text", "编号{number"), "模板 receipt（第1个）：内容中的花括号不成对"),
        (_set(0, "text", "编号{number:>8}"), "模板 receipt（第1个）：占位符 {number} 不能带格式说明"),
        (_set(0, "text", "编号{0}"), "模板 receipt（第1个）：内容中有未知的占位符 {0}"),
        (_set(0, "name", "长" * 81), "模板 receipt（第1个）：字段 name 超过80个字"),
    ],
)
def test_a_broken_file_names_the_file_the_template_and_the_problem(tmp_path: Path, change, expected: str):
    data = _good()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(TemplateDataError) as info:
        load_templates(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message, message
    assert isinstance(info.value, ValueError) and info.value.path == path


def test_wrong_top_level_a_key_given_twice_and_a_syntax_error(tmp_path: Path):
    with pytest.raises(TemplateDataError, match="templates 应为非空列表"):
        load_templates(_write(tmp_path, {"templates": []}))
    with pytest.raises(TemplateDataError, match="未知的顶层字段：template"):
        load_templates(_write(tmp_path, {"template": [], **_good()}))
    path = tmp_path / "templates.yaml"
    text = yaml.safe_dump(_good(), allow_unicode=True, sort_keys=False)
    path.write_text(text.replace("  name: 受理回执\n", "  name: 受理回执\n  name: 回执\n", 1), encoding="utf-8")
    with pytest.raises(TemplateDataError, match="字段 name 重复出现"):
        load_templates(path)
    path.write_text("templates:\n  - code: receipt\n   name: x\n", encoding="utf-8")
    with pytest.raises(TemplateDataError, match=r"YAML 格式错误，第\d+行"):
        load_templates(path)
