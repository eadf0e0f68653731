from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from banshi.orgs.models import Region


def run(path: Path, *extra: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("regions", "import", str(path), *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding=encoding)
    return path


GOOD = """code,name
130302001001,文化里社区
130302001,文化路街道
130302,海港区
130300,秦皇岛市
130000,河北省
110000,北京市
110101,东城区
"""


def test_good_rows_children_before_parents_and_derived_levels(db: None, tmp_path: Path) -> None:
    out, err = run(write(tmp_path, GOOD))
    assert "新增 7 条" in out and err == ""
    regions = {r.code: r for r in Region.objects.all()}
    assert regions["130000"].level == 1 and regions["130000"].parent_id is None
    assert regions["130300"].level == 2 and regions["130300"].parent_id == "130000"
    assert regions["130302"].level == 3 and regions["130302"].parent_id == "130300"
    assert regions["130302001"].level == 4 and regions["130302001"].parent_id == "130302"
    assert regions["130302001001"].level == 5
    assert regions["130302001001"].path == "130000/130300/130302/130302001/130302001001/"
    # A district of a 直辖市 hangs under the province when there is no 市辖区 row.
    assert regions["110101"].parent_id == "110000" and regions["110101"].level == 3


def test_idempotent_and_updates(db: None, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    run(path)
    out, _ = run(path)
    assert "新增 0 条" in out and "未变化 7 条" in out
    assert Region.objects.count() == 7
    out, _ = run(write(tmp_path, GOOD.replace("海港区", "海港区（新）")))
    assert "更新 1 条" in out
    assert Region.objects.get(code="130302").name == "海港区（新）"


def test_bad_rows_are_reported_and_the_rest_imported(db: None, tmp_path: Path) -> None:
    text = (
        "code,name,level\n"
        "130000,河北省,\n"
        "13AB00,坏代码,\n"
        "1303,太短,\n"
        "130300,,\n"
        "130300,秦皇岛市,\n"
        "130300,秦皇岛市重复,\n"
        "520102,南明区,\n"
        "130303,山海关区,9\n"
        "130304,北戴河区,区县\n"
    )
    out, err = run(write(tmp_path, text))
    assert "新增 3 条" in out and "错误 6 行" in out
    for line, word in ((3, "只能包含数字"), (4, "6位、9位或12位"), (5, "名称为空"), (7, "重复"), (8, "520100"), (9, "级别")):
        assert f"第{line}行" in err and word in err, (line, word, err)
    assert set(Region.objects.values_list("code", flat=True)) == {"130000", "130300", "130304"}


def test_explicit_parent_and_level_columns_and_long_codes(db: None, tmp_path: Path) -> None:
    text = (
        "code,name,parent_code,level\n"
        "130000000000,河北省,,省\n"
        "130300000000,秦皇岛市,130000,2\n"
        "130302000000,海港区,130300,3\n"
        "130302001000,文化路街道,130302000000,4\n"
        "999999,孤儿,888888,3\n"
    )
    out, err = run(write(tmp_path, text))
    assert "新增 4 条" in out
    assert "第6行" in err and "888888" in err
    assert Region.objects.get(code="130302001").parent_id == "130302"


def test_gbk_file_and_moving_a_subtree(db: None, tmp_path: Path) -> None:
    run(write(tmp_path, GOOD, encoding="gbk"))
    assert Region.objects.get(code="130302").name == "海港区"
    # 海港区 moves directly under the province: its street and community paths follow.
    run(write(tmp_path, "code,name,parent_code\n130302,海港区,130000\n"))
    assert Region.objects.get(code="130302001001").path == "130000/130302/130302001/130302001001/"


def test_dry_run_saves_nothing(db: None, tmp_path: Path) -> None:
    out, _ = run(write(tmp_path, GOOD), "--dry-run")
    assert "试运行" in out and Region.objects.count() == 0


def test_missing_columns_and_missing_file(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="缺少必需的列"):
        run(write(tmp_path, "id,title\n1,x\n"))
    with pytest.raises(CommandError, match="文件不存在"):
        run(tmp_path / "nope.csv")


def test_chinese_headers(db: None, tmp_path: Path) -> None:
    out, err = run(write(tmp_path, "区划代码,名称,级别\n610000,陕西省,省\n610700,汉中市,市\n610702,汉台区,区县\n"))
    assert "新增 3 条" in out and err == ""
    assert Region.objects.get(code="610702").path == "610000/610700/610702/"
