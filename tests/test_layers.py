"""Layer rules, checked on the source: only cases/workflow/engine.py writes a case's state, and the
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
        if path == ROOT / "cases" / "workflow" / "engine.py":
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


# -- the floors of the house (import-linter contracts in pyproject.toml) ---------------------------

import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

REPO = ROOT.parent
LINT = Path(sys.executable).parent / "lint-imports"
PACKAGES = ("core", "orgs", "sla", "notify", "triage", "cases", "intake", "api", "web", "demo", "ops")


def _lint(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--config", str(repo / "pyproject.toml"), "--no-cache"], cwd=repo, capture_output=True,
        text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(repo)},
    )


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("house")
    shutil.copytree(ROOT, dst / "banshi", ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "static", "templates"))
    shutil.copy(REPO / "pyproject.toml", dst / "pyproject.toml")
    return dst


def test_the_layer_contracts_hold(tree_copy: Path) -> None:
    result = _lint(tree_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "upward"), [
    ("core/errors.py", "banshi.cases.models"),  # the ground floor reaching up
    ("sla/periods.py", "banshi.cases.workflow"),  # the clock knowing the workflow
    ("notify/outbox.py", "banshi.orgs.models"),  # allowed: orgs is below notify (control case below)
    ("cases/models.py", "banshi.web.views"),  # the core reaching into an interface
    ("triage/text.py", "banshi.sla.models"),  # siblings on one floor are independent
])
def test_an_upward_import_inside_a_function_breaks_them(tree_copy: Path, module: str, upward: str) -> None:
    path = tree_copy / "banshi" / module
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + f"\n\ndef _sneaky() -> None:\n    import {upward}  # noqa\n", encoding="utf-8")
        result = _lint(tree_copy)
    finally:
        path.write_text(original, encoding="utf-8")
    allowed = module.startswith("notify/")
    assert (result.returncode == 0) is allowed, result.stdout


def _package_graph() -> dict[str, set[str]]:
    import grimp

    graph = grimp.build_graph("banshi", cache_dir=None)
    out: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for src in PACKAGES:
        for dst in PACKAGES:
            if src != dst and graph.chain_exists(importer=f"banshi.{src}", imported=f"banshi.{dst}", as_packages=True):
                out[src].add(dst)
    return out


def test_the_package_import_graph_has_no_cycle() -> None:
    graph = _package_graph()
    seen: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        seen[node] = 1
        for nxt in graph[node]:
            assert seen.get(nxt) != 1, f"import cycle: {' -> '.join([*stack, node, nxt])}"
            if nxt not in seen:
                visit(nxt, [*stack, node])
        seen[node] = 2

    for p in PACKAGES:
        if p not in seen:
            visit(p, [])
    assert graph["core"] == set()
