import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROWS = [
    ("物业乱收费", "小区物业公司乱收费不作为", "城乡建设"),
    ("电梯坏了", "物业不维修电梯", "城乡建设"),
    ("路灯不亮", "小区路灯坏了很久", "城乡建设"),
    ("物业费", "物业费太贵了", "城乡建设"),
    ("公交太少", "希望增加公交线路", "交通运输"),
    ("出租车拒载", "出租车司机拒载绕路", "交通运输"),
    ("公交站台", "公交站台破损", "交通运输"),
    ("公交车", "公交车不按站停车", "交通运输"),
]


def _write_csv(path, rows, header=("标题", "内容", "类别")):
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _run(*args, stdin=None):
    out = io.StringIO()
    call_command("triage", *args, stdout=out, stdin=stdin)
    return out.getvalue()


def test_classify_default_catalogue_reads_json_lines():
    stdin = io.StringIO(
        '{"text": "我的電動車被偷了"}\n\n{"id": 7, "title": "救命", "text": "我家着火了"}\nnot json 法院执行\n'
    )
    lines = [json.loads(line) for line in _run("classify", stdin=stdin).splitlines()]
    assert len(lines) == 3
    assert lines[0]["agency"] == "police" and lines[0]["category"] == "police.theft"
    assert {"agency", "category", "confidence", "urgent", "alternatives", "reason"} <= set(lines[0])
    assert lines[1]["id"] == 7 and lines[1]["urgent"] is True and lines[1]["transfer_to"] == ["119"]
    assert lines[2]["agency"] == "court"


def test_train_classify_eval_with_a_model(tmp_path):
    data = _write_csv(tmp_path / "d.csv", ROWS)
    unl = _write_csv(tmp_path / "u.csv", [("电梯", "电梯坏了没人修", "")])
    tax = _write_csv(
        tmp_path / "t.csv", [("交通运输", "公共交通", "公交"), ("", "", "出租车")], ("一级", "二级", "三级")
    )
    model = tmp_path / "model"
    out = _run(
        "train", "--data", str(data), "--text-columns", "标题,内容", "--label-column", "类别",
        "--taxonomy", str(tax), "--unlabelled", str(unl), "--out", str(model),
    )  # fmt: skip
    assert "trained on 8 labelled rows" in out and (model / "model.npz").exists()
    stdin = io.StringIO(json.dumps({"text": "物業亂收費"}, ensure_ascii=False) + "\n")
    pred = json.loads(_run("classify", "--model", str(model), stdin=stdin))
    assert pred["category"] == "城乡建设" and pred["agency"] == "other"
    report = _run(
        "eval",
        "--data",
        str(data),
        "--text-columns",
        "标题,内容",
        "--label-column",
        "类别",
        "--model",
        str(model),
    )
    assert "accuracy: 1.0000" in report and "macro-F1: 1.0000" in report
    assert "throughput:" in report and "城乡建设" in report


def test_eval_cross_validates(tmp_path):
    data = _write_csv(tmp_path / "d.csv", ROWS)
    report = _run(
        "eval", "--data", str(data), "--text-columns", "标题,内容", "--label-column", "类别", "--folds", "2"
    )
    assert "cross-validation (2-fold × 1): macro-F1" in report
    assert "confusion" in report


def test_missing_column_is_a_command_error(tmp_path):
    data = _write_csv(tmp_path / "d.csv", ROWS)
    with pytest.raises(CommandError, match="missing columns"):
        _run(
            "train",
            "--data",
            str(data),
            "--text-columns",
            "nope",
            "--label-column",
            "类别",
            "--out",
            str(tmp_path / "m"),
        )


def test_console_command_runs_without_database():
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "banshi.cli", "triage", "classify"],
        input='{"text": "想申請法律援助"}\n',
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout)["category"] == "justice.legal_aid"
