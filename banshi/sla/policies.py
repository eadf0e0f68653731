"""The default deadline policy catalogue, each with its legal source.

The policies are data, kept for review by domain experts in ``banshi/sla/data/policies.yaml``
(the file's header explains each field); :func:`load_policy_data` reads and validates it once
(a mistake raises :class:`PolicyDataError` naming the file, the policy and the problem). The
names below keep their old shapes: ``DEFAULT_POLICIES`` is a list of plain dicts, as stored in
``sla.Policy`` rows.

Milestone fields: kind, label, period ("2h", "7d", "15wd", "3m"), start (which event starts the
clock: "register", "dispatch", "sign", "transfer", ...), met_by (actions that meet it),
on_reopen (restart when a case is reopened), recurring + next_period (a new milestone after
each one met), pausable (the clock stops while waiting for the citizen's documents).
Periods marked unverified in DOMAIN.md are set here and editable by administrators.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from banshi.core.datafiles import DataFileError, field_problems, read_mapping, value_kind
from banshi.sla.periods import parse_period
from banshi.sla.validation import policy_milestones_check

__all__ = [
    "CHANNEL_POLICY",
    "DATA_FILE",
    "DEFAULT_POLICIES",
    "DEFAULT_POLICY_CODE",
    "POLICY_RULES",
    "RESULT_ACTIONS",
    "SIGN_ACTIONS",
    "PolicyData",
    "PolicyDataError",
    "load_policies",
    "load_policy_data",
    "policy_choose",
]

DATA_FILE = Path(__file__).resolve().parent / "data" / "policies.yaml"

_TOP_KEYS = ("action_lists", "default_policy", "channel_policy", "policy_rules", "policies")
_RULE_CONDITIONS = ("channel", "type", "urgency")
_POLICY_TYPES: dict[str, type] = {
    "code": str, "name": str, "source": str, "verified": bool, "max_extension": str, "milestones": list,
}
# Column sizes of sla.Policy, so the seed migration never truncates or fails.
_MAX_LENGTH = {"code": 32, "name": 80, "source": 255, "max_extension": 12}


class PolicyDataError(DataFileError):
    """The policy file is unreadable or wrong; ``errors`` lists every problem (Chinese)."""

    what = "时限规则文件"


@dataclass(frozen=True)
class PolicyData:
    """What the policy file holds."""

    policies: list[dict[str, Any]]  # as stored in sla.Policy: code, name, source, verified, max_extension, milestones
    channel_policy: dict[str, str]  # intake channel -> policy code
    default_policy_code: str
    action_lists: dict[str, list[str]]  # named action lists shared by milestones ("result", "sign", ...)
    policy_rules: list[dict[str, str]] = field(default_factory=list)  # first match: channel/type/urgency → policy


def load_policy_data(path: Path | str | None = None, *, known_actions: set[str] | None = None) -> PolicyData:
    """The policy file, validated: the shipped one (read once and cached) or ``path``.

    With ``known_actions`` (the workflow's action names, which this package cannot import),
    every action a milestone names must be one of them.
    """
    if path is None and known_actions is None:
        return _shipped_data()
    return _read_policies(DATA_FILE if path is None else Path(path), known_actions)


def load_policies(path: Path | str | None = None, *, known_actions: set[str] | None = None) -> list[dict[str, Any]]:
    """The policies of the file (see :func:`load_policy_data`)."""
    return load_policy_data(path, known_actions=known_actions).policies


@functools.cache
def _shipped_data() -> PolicyData:
    return _read_policies(DATA_FILE, None)


def _read_policies(path: Path, known_actions: set[str] | None) -> PolicyData:
    raw = read_mapping(path, _TOP_KEYS, PolicyDataError)
    errors = [f"缺少顶层字段 {key}" for key in _TOP_KEYS if key not in raw and key != "policy_rules"]
    errors += [f"未知的顶层字段：{key}" for key in raw if key not in _TOP_KEYS]

    action_lists = raw.get("action_lists", {})
    if not isinstance(action_lists, dict):
        errors.append(f"action_lists 应为映射（名称: 操作名列表），实际为{value_kind(action_lists)}")
        action_lists = {}
    for name in ("result", "sign"):
        if name not in action_lists:
            errors.append(f"action_lists 缺少 {name}")
    for name, actions in action_lists.items():
        if not isinstance(actions, list) or not actions or not all(isinstance(a, str) and a for a in actions):
            errors.append(f"action_lists：{name} 应为非空的操作名（文本）列表")
        elif known_actions is not None and any(a not in known_actions for a in actions):
            errors.append(f"action_lists：{name} 中有未知的操作：{'、'.join(a for a in actions if a not in known_actions)}")

    rows = raw.get("policies", [])
    if not isinstance(rows, list) or not rows:
        errors.append(f"policies 应为非空列表，实际为{value_kind(rows)}")
        rows = []
    codes: set[str] = set()
    for i, row in enumerate(rows, 1):
        code = row.get("code") if isinstance(row, dict) else None
        label = f"规则 {code}（第{i}条）" if isinstance(code, str) and code else f"第{i}条规则"
        errors += [f"{label}：{p}" for p in _policy_problems(row, known_actions)]
        if isinstance(code, str) and code:
            if code in codes:
                errors.append(f"{label}：规则编码 code 与前面的规则重复")
            codes.add(code)

    default = raw.get("default_policy")
    if "default_policy" in raw and (not isinstance(default, str) or default not in codes):
        errors.append(f"default_policy 应为某条规则的编码（加英文引号），实际为 {default!r}")
    channel_policy = raw.get("channel_policy", {})
    if not isinstance(channel_policy, dict):
        errors.append(f"channel_policy 应为映射（渠道: 规则编码），实际为{value_kind(channel_policy)}")
        channel_policy = {}
    for channel, code in channel_policy.items():
        if not isinstance(channel, str) or not isinstance(code, str) or code not in codes:
            errors.append(f"channel_policy：渠道 {channel} 应对应某条规则的编码（加英文引号），实际为 {code!r}")
    policy_rules = raw.get("policy_rules", [])
    if not isinstance(policy_rules, list):
        errors.append(f"policy_rules 应为列表，实际为{value_kind(policy_rules)}")
        policy_rules = []
    for i, rule in enumerate(policy_rules, 1):
        if not isinstance(rule, dict) or not isinstance(rule.get("policy"), str) or rule["policy"] not in codes:
            errors.append(f"policy_rules 第{i}条：policy 应为某条规则的编码（加英文引号）")
            continue
        unknown = set(rule) - {"policy", *_RULE_CONDITIONS}
        if unknown or not set(rule) & set(_RULE_CONDITIONS):
            errors.append(f"policy_rules 第{i}条：条件只能是 {'、'.join(_RULE_CONDITIONS)}，且至少写一个")
        elif not all(isinstance(rule[k], str) for k in _RULE_CONDITIONS if k in rule):
            errors.append(f"policy_rules 第{i}条：条件的值应为文本")
    if errors:
        raise PolicyDataError(path, errors)
    return PolicyData(
        policies=rows, channel_policy=channel_policy, default_policy_code=str(default), action_lists=action_lists,
        policy_rules=[dict(r) for r in policy_rules],
    )


def _policy_problems(row: Any, known_actions: set[str] | None) -> list[str]:
    if not isinstance(row, dict):
        return [f"应为映射（字段: 值），实际为{value_kind(row)}"]
    problems = field_problems(row, _POLICY_TYPES, quote_numbers=("code",))
    for key, limit in _MAX_LENGTH.items():
        if isinstance(row.get(key), str) and len(row[key]) > limit:
            problems.append(f"字段 {key} 超过{limit}个字")
    for key in ("code", "name", "source"):
        if isinstance(row.get(key), str) and not row[key].strip():
            problems.append(f"字段 {key} 不能为空")
    if isinstance(row.get("max_extension"), str) and row["max_extension"]:
        try:
            parse_period(row["max_extension"])
        except ValueError as exc:
            problems.append(f"最长延期 max_extension 无效：{exc}（不允许延期时写 \"\"）")
    if isinstance(row.get("milestones"), list):
        problems += policy_milestones_check(row["milestones"], known_actions=known_actions)
    return problems


_DATA = load_policy_data()
DEFAULT_POLICIES: list[dict[str, Any]] = _DATA.policies
RESULT_ACTIONS: list[str] = _DATA.action_lists["result"]
SIGN_ACTIONS: list[str] = _DATA.action_lists["sign"]

# Which policy a new case gets when the caller does not say (channel first, then catalogue).
CHANNEL_POLICY: dict[str, str] = _DATA.channel_policy
DEFAULT_POLICY_CODE: str = _DATA.default_policy_code
POLICY_RULES: list[dict[str, str]] = _DATA.policy_rules


def policy_choose(*, channel: str, type: str, urgency: str, suggested: str | None) -> str:
    """The policy code of a new demand (the caller may still name one): the first rule of the data
    file whose conditions all hold, then the channel's policy, the catalogue's suggestion, the default."""
    facts = {"channel": channel, "type": type, "urgency": urgency}
    for rule in POLICY_RULES:
        if all(facts[k] == v for k, v in rule.items() if k != "policy"):
            return rule["policy"]
    return CHANNEL_POLICY.get(channel) or suggested or DEFAULT_POLICY_CODE
