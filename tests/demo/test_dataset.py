"""The demo's data files: the shipped ones load, and a mistake is reported with its file and entry."""

from __future__ import annotations

import ast
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from banshi.cases.models import Case
from banshi.demo import build
from banshi.demo.dataset import DATA_DIR, FILES, DemoDataError, demo_data_load
from banshi.orgs.models import Person, Unit
from banshi.sla.models import Policy

BANSHI = Path(__file__).resolve().parents[2] / "banshi"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the shipped data files to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_files_load_with_a_header_each(db: None) -> None:
    data = demo_data_load()
    assert [p.key for p in data.places] == ["haigang", "nangang", "hantai", "decheng", "dongcheng", "chaoyang"]
    assert data.places[0].county == ("130302", "海港区") and data.places[4].city is None
    assert {t.target for t in data.demands.templates} <= set(data.replies.final)
    data.policies_check(Policy.objects.values_list("code", flat=True))
    for name in FILES:
        assert (DATA_DIR / name).read_text(encoding="utf-8").startswith("# "), name
    assert sorted(p.name for p in DATA_DIR.iterdir()) == sorted(FILES)


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("units.yaml", "kind: police_branch", "kind: polic_branch", "units[3].kind：未知的取值 “polic_branch”"),
        ("units.yaml", "parent: police,", "parent: justice,", "units[4].parent：未知的上级单位"),
        ("demands.yaml", "{year}年与{other}", "{year}年与{someone}", "templates[0].text：未知的占位符 {someone}"),
        ("demands.yaml", "    unit: court\n", "    unit: cour\n", "templates[0].unit：未知的单位 “cour”"),
        ("demands.yaml", "    type: complaint\n", "    type: 投诉\n", "templates[0].type：未知的取值 “投诉”"),
        ("places.yaml", '{code: "130302", name: 海港区}', "{code: 130302, name: 海港区}", "places[0].county.code：应为文本"),
        ("places.yaml", "    weight: 0.3\n", "    weight: -1\n", "places[0].weight：应为正数"),
        ("staff.yaml", "role: supervisor", "role: boss", "staff[0].people[2].role：未知的取值 “boss”"),
        ("staff.yaml", "      - {role: supervisor, count: 1, login: supervisor}\n", "",
         "staff：单位 committee 缺少督办"),
        ("replies.yaml", "  hrss:\n", "  hrss_old:\n", "final_replies.hrss_old：未知的单位"),
        ("replies.yaml", "  merge: 与{number}为", "  merge: 与{case}为", "notes.merge：未知的占位符 {case}"),
        ("replies.yaml", "  reply_approved: 同意答复。", "  reply_approve: 同意答复。", "notes：缺少 reply_approved"),
        ("mix.yaml", "  archived: 0.34", "  archive: 0.34", "states.archive：未知的取值 “archive”"),
        ("mix.yaml", "    notary: 10wd", "    notary: 10 weeks", "extension_period.by_policy.notary：无法识别的期限"),
        ("mix.yaml", "reopen_ratings: [1, 2]", "reopen_ratings: [1, 3]", "reopen_ratings[1]：3 不是不满意的评价"),
        ("mix.yaml", "  court: {intake: court, share: 0.55,", "  court: {intake: court, share: 0.55, shar: 1,",
         "unit_intake.court：不认识的键 shar"),
        ("mix.yaml", "  notary: {intake", "  archived: {intake: court, share: 0.5, channels: {window: 1}}\n  notary: {intake",
         "unit_intake.archived：未知的单位"),
        ("people.yaml", 'mobile_prefixes: ["130",', "mobile_prefixes: [130,", "mobile_prefixes[0]：应为文本"),
    ],
)
def test_a_mistake_names_the_file_and_the_entry(data_dir: Path, name: str, old: str, new: str, expected: str) -> None:
    edit(data_dir, name, old, new)
    with pytest.raises(DemoDataError) as caught:
        demo_data_load(data_dir)
    message = str(caught.value)
    assert f"演示数据文件 {data_dir / name} 有误" in message
    assert expected in message


def test_broken_yaml_and_repeated_keys_say_where(data_dir: Path) -> None:
    edit(data_dir, "mix.yaml", "  portal: 12", "  portal: 12\n  portal: 3")
    with pytest.raises(DemoDataError, match=r"mix\.yaml 有误：第 \d+ 行第 3 列：不是有效的 YAML（重复的键“portal”）"):
        demo_data_load(data_dir)
    edit(data_dir, "mix.yaml", "  portal: 3", "  portal: [3")
    with pytest.raises(DemoDataError, match=r"mix\.yaml 有误：第 \d+ 行"):
        demo_data_load(data_dir)
    (data_dir / "people.yaml").unlink()
    with pytest.raises(DemoDataError, match=r"people\.yaml 有误：无法读取"):
        demo_data_load(data_dir)


def test_an_unknown_policy_is_reported_before_anything_is_written(db: None, data_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    edit(data_dir, "demands.yaml", "policy: xinfang", "policy: xinfang2")
    monkeypatch.setattr(build, "demo_data", lambda: demo_data_load(data_dir))
    with pytest.raises(CommandError, match=r"demands\.yaml 有误：templates\[\d+\]\.policy：未知的时限规则“xinfang2”"):
        call_command("demo", "--cases", "5", stdout=StringIO())
    assert (Case.objects.count(), Unit.objects.count(), Person.objects.count()) == (0, 0, 0)


def test_nothing_below_the_top_floor_imports_the_demo() -> None:
    offenders = []
    for path in BANSHI.rglob("*.py"):
        if path.is_relative_to(BANSHI / "demo"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "banshi.demo" or n.startswith("banshi.demo.") for n in names):
                offenders.append(f"{path.relative_to(BANSHI)}:{node.lineno}")
    assert offenders == []
