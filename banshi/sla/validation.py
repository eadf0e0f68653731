"""Checks of deadline policy definitions, for the default data file (``sla/data/policies.yaml``)
and for administrators' edits alike. Pure: the caller passes the action names it knows (the
workflow table lives in ``banshi.cases``, above this package), or ``None`` to skip that check.

Messages are Chinese, one per problem, naming the milestone by position and kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from banshi.core.datafiles import value_kind
from banshi.sla.periods import parse_period

__all__ = ["MILESTONE_KEYS", "MILESTONE_REQUIRED_KEYS", "policy_milestones_check", "value_kind"]

MILESTONE_REQUIRED_KEYS: tuple[str, ...] = ("kind", "label", "period", "start", "met_by")
_FLAGS: tuple[str, ...] = ("on_reopen", "recurring", "pausable")
MILESTONE_KEYS: frozenset[str] = frozenset({*MILESTONE_REQUIRED_KEYS, *_FLAGS, "next_period"})



def policy_milestones_check(milestones: list[dict[str, Any]], *, known_actions: set[str] | None) -> list[str]:
    """Every problem of a policy's milestone list (empty when valid).

    Checks required and unknown keys, types, unique kinds, that each period parses, that a
    milestone can start and be met, and, when ``known_actions`` is given, that every action named
    in ``start`` and ``met_by`` exists (a misspelt action would leave the milestone never met).
    """
    if not isinstance(milestones, list):
        return [f"时限节点 milestones 应为列表，实际为{value_kind(milestones)}"]
    if not milestones:
        return ["时限节点 milestones 不能为空"]
    errors: list[str] = []
    kinds: set[str] = set()
    for i, m in enumerate(milestones, 1):
        if not isinstance(m, dict):
            errors.append(f"第{i}个节点应为映射（字段: 值），实际为{value_kind(m)}")
            continue
        kind = m.get("kind")
        where = f"第{i}个节点" + (f"（{kind}）" if isinstance(kind, str) and kind else "")
        errors += [f"{where}：{p}" for p in _milestone_problems(m, known_actions)]
        if isinstance(kind, str) and kind:
            if kind in kinds:
                errors.append(f"{where}：节点代码 kind 与前面的节点重复")
            kinds.add(kind)
    return errors


def _milestone_problems(m: dict[str, Any], known_actions: set[str] | None) -> list[str]:
    problems = [f"缺少必填字段 {key}" for key in MILESTONE_REQUIRED_KEYS if key not in m]
    problems += [f"未知字段 {key}" for key in m if key not in MILESTONE_KEYS]
    for key in ("kind", "label"):
        if key in m and (not isinstance(m[key], str) or not m[key].strip()):
            problems.append(f"字段 {key} 应为非空文本，实际为{value_kind(m[key])}")
    for key in ("period", "next_period"):
        if key in m:
            try:
                parse_period(m[key])
            except ValueError as exc:
                problems.append(f"期限 {key} 无效：{exc}")
    for key in _FLAGS:
        if key in m and not isinstance(m[key], bool):
            problems.append(f"字段 {key} 应为是/否（true 或 false），实际为{value_kind(m[key])}")
    if m.get("recurring") is True and "next_period" not in m:
        problems.append("循环节点（recurring）缺少下一轮期限 next_period")
    if "next_period" in m and m.get("recurring") is not True:
        problems.append("next_period 只用于循环节点（recurring: true）")
    for key in ("start", "met_by"):
        if key not in m:
            continue
        actions = m[key]
        if not isinstance(actions, list) or not all(isinstance(a, str) and a for a in actions):
            problems.append(f"字段 {key} 应为操作名（文本）的列表，如 [sign, transfer]")
            continue
        if known_actions is not None:
            unknown = [a for a in actions if a not in known_actions]
            if unknown:
                problems.append(f"{key} 中有未知的操作：{'、'.join(unknown)}")
    if isinstance(m.get("met_by"), list) and not m["met_by"]:
        problems.append("met_by 为空：没有操作能完成这个节点")
    if isinstance(m.get("start"), list) and not m["start"] and m.get("on_reopen") is not True:
        problems.append("start 为空：这个节点永远不会开始计时")
    return problems


# The workflow (an app above sla) tells which actions exist, at start-up: sla never imports it.
_known_actions_provider: Callable[[], set[str]] | None = None


def known_actions_provider_set(provider: Callable[[], set[str]] | None) -> None:
    global _known_actions_provider
    _known_actions_provider = provider


def known_actions() -> set[str] | None:
    """Every action some workflow definition has, or None before the workflow has registered."""
    return _known_actions_provider() if _known_actions_provider is not None else None
