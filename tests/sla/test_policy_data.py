"""The deadline policies' data file (banshi/sla/data/policies.yaml), its loader and the milestone checks."""

from __future__ import annotations

import copy
import importlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from banshi.cases.enums import Channel
from banshi.cases.workflow import all_actions
from banshi.sla.periods import parse_period
from banshi.sla.policies import (
    CHANNEL_POLICY,
    DATA_FILE,
    DEFAULT_POLICIES,
    DEFAULT_POLICY_CODE,
    RESULT_ACTIONS,
    SIGN_ACTIONS,
    PolicyDataError,
    load_policies,
    load_policy_data,
)
from banshi.sla.validation import policy_milestones_check

ACTIONS = all_actions()


def test_shipped_file_loads_once_into_the_public_names():
    data = load_policy_data()
    assert data is load_policy_data()  # cached
    assert load_policies() is DEFAULT_POLICIES
    assert [p["code"] for p in DEFAULT_POLICIES] == [
        "12345", "emergency", "12309", "xinfang", "legal_aid", "mediation", "notary", "legal_aid_application",
        "people_mediation", "notarization", "judicial_aid", "psych_appointment", "crisis"]
    assert RESULT_ACTIONS == ["reply_approve", "answer"]
    assert SIGN_ACTIONS == ["sign", "return", "transfer"]
    assert CHANNEL_POLICY == {"hotline_12309": "12309"}
    assert DEFAULT_POLICY_CODE == "12345"
    legal_aid = next(p for p in DEFAULT_POLICIES if p["code"] == "legal_aid")
    assert legal_aid["source"].startswith("法律援助法第43条") and legal_aid["verified"] is True
    assert legal_aid["milestones"][0] == {
        "kind": "decision", "label": "审查决定", "period": "7d", "start": ["register"], "met_by": ["sign", "return"],
        "pausable": True,
    }


def test_shipped_file_names_only_workflow_actions_and_channels():
    load_policy_data(known_actions=ACTIONS)
    assert set(CHANNEL_POLICY) <= set(Channel.values)
    for p in DEFAULT_POLICIES:
        assert policy_milestones_check(p["milestones"], known_actions=ACTIONS) == [], p["code"]


def test_a_copy_of_the_shipped_file_loads_to_equal_policies(tmp_path: Path):
    path = tmp_path / "policies.yaml"
    shutil.copy(DATA_FILE, path)
    data = load_policy_data(path)
    assert data.policies == DEFAULT_POLICIES
    assert data.channel_policy == CHANNEL_POLICY and data.default_policy_code == DEFAULT_POLICY_CODE


@pytest.mark.django_db
def test_seed_migration_writes_the_file():
    from django.apps import apps

    from banshi.sla.models import Policy

    Policy.objects.all().delete()
    importlib.import_module("banshi.sla.migrations.0002_default_policies").load(apps, None)
    rows = list(Policy.objects.order_by("id").values("code", "name", "source", "milestones", "max_extension", "verified"))
    assert rows == DEFAULT_POLICIES


# ------------------------------------------------------------------------------ broken files


def _good() -> dict[str, Any]:
    return {
        "action_lists": {"result": ["reply_approve", "answer"], "sign": ["sign", "return", "transfer"]},
        "default_policy": "12345",
        "channel_policy": {"hotline_12309": "12345"},
        "policies": [
            {
                "code": "12345", "name": "接诉即办", "source": "条例第11条", "verified": False, "max_extension": "15d",
                "milestones": [
                    {"kind": "sign", "label": "签收", "period": "2h", "start": ["dispatch"], "met_by": ["sign"]},
                    {"kind": "result", "label": "办结", "period": "7d", "start": ["dispatch"],
                     "met_by": ["reply_approve"], "on_reopen": True},
                ],
            },
            {
                "code": "mediation", "name": "人民调解", "source": "规定第33条", "verified": True, "max_extension": "",
                "milestones": [
                    {"kind": "result", "label": "调结", "period": "1m", "start": ["sign"], "met_by": ["answer"],
                     "recurring": True, "next_period": "1m"},
                ],
            },
        ],
    }


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "policies.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_good_small_file_loads(tmp_path: Path):
    data = load_policy_data(_write(tmp_path, _good()), known_actions=ACTIONS)
    assert [p["code"] for p in data.policies] == ["12345", "mediation"]
    assert data.action_lists["sign"] == ["sign", "return", "transfer"]


def test_yaml_anchors_share_action_lists(tmp_path: Path):
    path = tmp_path / "policies.yaml"
    text = yaml.safe_dump(_good(), allow_unicode=True, sort_keys=False)
    text = text.replace("  result:\n  - reply_approve\n  - answer\n", "  result: &result [reply_approve, answer]\n")
    text = text.replace("    met_by:\n    - reply_approve\n", "    met_by: *result\n")
    path.write_text(text, encoding="utf-8")
    data = load_policy_data(path)
    assert data.policies[0]["milestones"][1]["met_by"] == ["reply_approve", "answer"]


def _policy(index: int, key: str, value: Any = None, *, drop: bool = False):
    def change(d: dict[str, Any]) -> None:
        if drop:
            del d["policies"][index][key]
        else:
            d["policies"][index][key] = value
    return change


def _milestone(index: int, m: int, key: str, value: Any = None, *, drop: bool = False):
    def change(d: dict[str, Any]) -> None:
        if drop:
            del d["policies"][index]["milestones"][m][key]
        else:
            d["policies"][index]["milestones"][m][key] = value
    return change


def _duplicate_policy(d: dict[str, Any]) -> None:
    d["policies"].append(copy.deepcopy(d["policies"][1]))


def _duplicate_kind(d: dict[str, Any]) -> None:
    d["policies"][0]["milestones"][1]["kind"] = "sign"


def _top(key: str, value: Any = None, *, drop: bool = False):
    def change(d: dict[str, Any]) -> None:
        if drop:
            del d[key]
        else:
            d[key] = value
    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_policy(0, "sources", "x"), "规则 12345（第1条）：未知字段 sources"),
        (_policy(1, "source", drop=True), "规则 mediation（第2条）：缺少必填字段 source"),
        (_policy(0, "code", 12345), "第1条规则：字段 code 应为文本，实际为数字（数字编码要加英文引号"),
        (_policy(1, "verified", "yes"), "规则 mediation（第2条）：字段 verified 应为是/否（true 或 false），实际为文本"),
        (_policy(1, "max_extension", "一个月"), "规则 mediation（第2条）：最长延期 max_extension 无效"),
        (_policy(1, "milestones", []), "规则 mediation（第2条）：时限节点 milestones 不能为空"),
        (_policy(1, "milestones", "7d"), "规则 mediation（第2条）：字段 milestones 应为列表，实际为文本"),
        (_duplicate_policy, "规则 mediation（第3条）：规则编码 code 与前面的规则重复"),
        (_duplicate_kind, "规则 12345（第1条）：第2个节点（sign）：节点代码 kind 与前面的节点重复"),
        (_milestone(0, 0, "period", "2小时"), "规则 12345（第1条）：第1个节点（sign）：期限 period 无效：无法识别的期限“2小时”"),
        (_milestone(0, 0, "period", drop=True), "规则 12345（第1条）：第1个节点（sign）：缺少必填字段 period"),
        (_milestone(0, 0, "label", drop=True), "第1个节点（sign）：缺少必填字段 label"),
        (_milestone(0, 0, "metby", ["sign"]), "第1个节点（sign）：未知字段 metby"),
        (_milestone(0, 0, "start", "dispatch"), "第1个节点（sign）：字段 start 应为操作名（文本）的列表"),
        (_milestone(0, 1, "met_by", ["reply_approve", 3]), "第2个节点（result）：字段 met_by 应为操作名（文本）的列表"),
        (_milestone(0, 1, "on_reopen", "yes"), "第2个节点（result）：字段 on_reopen 应为是/否（true 或 false）"),
        (_milestone(0, 0, "met_by", []), "第1个节点（sign）：met_by 为空"),
        (_milestone(1, 0, "next_period", drop=True), "规则 mediation（第2条）：第1个节点（result）：循环节点（recurring）缺少下一轮期限"),
        (_milestone(1, 0, "next_period", "1月"), "第1个节点（result）：期限 next_period 无效"),
        (_top("default_policy", "12309"), "default_policy 应为某条规则的编码"),
        (_top("default_policy", 12345), "default_policy 应为某条规则的编码"),
        (_top("channel_policy", {"hotline_12309": "12309"}), "channel_policy：渠道 hotline_12309 应对应某条规则的编码"),
        (_top("action_lists", drop=True), "缺少顶层字段 action_lists"),
        (_top("action_list", {}), "未知的顶层字段：action_list"),
        (_top("action_lists", {"result": ["answer"]}), "action_lists 缺少 sign"),
    ],
)
def test_a_broken_file_names_the_file_the_policy_and_the_problem(tmp_path: Path, change, expected: str):
    data = _good()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(PolicyDataError) as info:
        load_policy_data(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message, message
    assert isinstance(info.value, ValueError) and info.value.path == path


def test_an_unknown_action_in_the_file_is_caught_when_the_actions_are_known(tmp_path: Path):
    data = _good()
    data["policies"][0]["milestones"][0]["met_by"] = ["sigh"]
    path = _write(tmp_path, data)
    assert load_policy_data(path).policies[0]["milestones"][0]["met_by"] == ["sigh"]  # no action list given
    with pytest.raises(PolicyDataError, match="规则 12345（第1条）：第1个节点（sign）：met_by 中有未知的操作：sigh"):
        load_policy_data(path, known_actions=ACTIONS)


def test_a_key_given_twice_and_a_syntax_error(tmp_path: Path):
    path = tmp_path / "policies.yaml"
    text = yaml.safe_dump(_good(), allow_unicode=True, sort_keys=False)
    path.write_text(text.replace("  verified: true\n", "  verified: true\n  verified: false\n", 1), encoding="utf-8")
    with pytest.raises(PolicyDataError, match="字段 verified 重复出现"):
        load_policy_data(path)
    path.write_text("policies:\n  - code: '12345\n", encoding="utf-8")
    with pytest.raises(PolicyDataError, match="YAML 格式错误"):
        load_policy_data(path)


# ------------------------------------------------------------------------------ policy_milestones_check


def _ms(**changes: Any) -> list[dict[str, Any]]:
    m = {"kind": "result", "label": "办结", "period": "7d", "start": ["dispatch"], "met_by": ["reply_approve"]}
    m.update(changes)
    return [m]


def test_milestones_check_accepts_a_valid_list():
    assert policy_milestones_check(_ms(), known_actions=ACTIONS) == []
    assert policy_milestones_check(_ms(), known_actions=None) == []


def test_milestones_check_catches_an_unknown_action():
    errors = policy_milestones_check(_ms(met_by=["reply_aprove"], start=["dispach"]), known_actions=ACTIONS)
    assert errors == ["第1个节点（result）：start 中有未知的操作：dispach",
                      "第1个节点（result）：met_by 中有未知的操作：reply_aprove"]
    assert policy_milestones_check(_ms(met_by=["reply_aprove"]), known_actions=None) == []


def test_milestones_check_catches_a_bad_period():
    with pytest.raises(ValueError) as info:
        parse_period("7天")
    errors = policy_milestones_check(_ms(period="7天"), known_actions=ACTIONS)
    assert errors == [f"第1个节点（result）：期限 period 无效：{info.value}"]


def test_milestones_check_reports_every_problem():
    ms = [*_ms(), {"kind": "result", "period": "0d", "start": "sign", "met_by": [], "pausable": 1}, "x"]
    errors = policy_milestones_check(ms, known_actions=ACTIONS)
    assert any("缺少必填字段 label" in e for e in errors)
    assert any("期限 period 无效" in e for e in errors)
    assert any("字段 start 应为操作名" in e for e in errors)
    assert any("met_by 为空" in e for e in errors)
    assert any("字段 pausable 应为是/否（true 或 false）" in e for e in errors)
    assert any("kind 与前面的节点重复" in e for e in errors)
    assert errors[-1] == "第3个节点应为映射（字段: 值），实际为文本"
    assert policy_milestones_check([], known_actions=None) == ["时限节点 milestones 不能为空"]
