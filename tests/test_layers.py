"""Layer rules, checked on the source: only cases/workflow.py writes a case's state, and the
API and web layers call domain functions instead of the transition function or raw state writes."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "banshi"
WRITE_CALLS = {"update", "create", "update_or_create", "get_or_create", "bulk_create", "bulk_update"}


def _sources() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if "migrations" not in p.parts]


def _state_writes(tree: ast.AST) -> list[int]:
    lines: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            lines += [t.lineno for t in targets if isinstance(t, ast.Attribute) and t.attr == "state"]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITE_CALLS:
            lines += [kw.value.lineno for kw in node.keywords if kw.arg == "state"]
        is_setattr = isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
        if is_setattr and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and node.args[1].value == "state":
            lines.append(node.lineno)
    return lines


def test_only_the_workflow_writes_case_state() -> None:
    offenders = []
    for path in _sources():
        if path == ROOT / "cases" / "workflow.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(ROOT)}:{n}" for n in _state_writes(tree)]
    assert offenders == []


def test_api_and_web_do_not_call_the_transition_function_directly() -> None:
    offenders = []
    for layer in ("api", "web"):
        for path in (ROOT / layer).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "import transition" in text or "workflow.transition(" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_the_checker_finds_a_state_write() -> None:
    tree = ast.parse("case.state = 'x'\nCase.objects.filter(pk=1).update(state='y')\nsetattr(c, 'state', 1)\n")
    assert _state_writes(tree) == [1, 2, 3]
