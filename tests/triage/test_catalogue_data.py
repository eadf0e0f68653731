"""The routing catalogue's data file (banshi/triage/data/catalogue.yaml) and its validating loader."""

from __future__ import annotations

import copy
import importlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from banshi.orgs.enums import AGENCY_FULL_NAMES, Agency
from banshi.triage.catalogue import (
    AGENCIES,
    AGENCY_NAMES,
    DATA_FILE,
    DEFAULT_CATALOGUE,
    EMERGENCY_ITEMS,
    POLICIES,
    CatalogueDataError,
    CatalogueItem,
    catalogue_as_dicts,
    load_catalogue,
    load_catalogue_data,
)
from banshi.triage.emergency import KIND_NAMES


def test_shipped_file_loads_once_into_the_public_names():
    data = load_catalogue_data()
    assert data is load_catalogue_data()  # cached
    assert load_catalogue() is DEFAULT_CATALOGUE
    assert isinstance(DEFAULT_CATALOGUE, tuple) and all(isinstance(i, CatalogueItem) for i in DEFAULT_CATALOGUE)
    assert len(DEFAULT_CATALOGUE) == 56
    assert data.emergency_items == EMERGENCY_ITEMS
    assert set(EMERGENCY_ITEMS) == set(KIND_NAMES)
    assert all(isinstance(i.keywords, tuple) and isinstance(i.examples, tuple) for i in DEFAULT_CATALOGUE)


def test_a_copy_of_the_shipped_file_loads_to_equal_items(tmp_path: Path):
    path = tmp_path / "catalogue.yaml"
    shutil.copy(DATA_FILE, path)
    data = load_catalogue_data(path)
    assert data.items == DEFAULT_CATALOGUE
    assert data.emergency_items == EMERGENCY_ITEMS


def test_the_shipped_file_round_trips_through_plain_yaml(tmp_path: Path):
    """Written back by a YAML library (no comments), the catalogue reads the same."""
    path = tmp_path / "dumped.yaml"
    payload = {"items": catalogue_as_dicts(), "emergency_items": EMERGENCY_ITEMS}
    for row in payload["items"]:
        if not row["notes"]:
            del row["notes"]
    path.write_text(yaml.safe_dump(payload, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_catalogue(path) == DEFAULT_CATALOGUE


def test_agency_vocabulary_comes_from_orgs():
    assert set(AGENCIES) == set(Agency.values)
    assert {str(code): AGENCY_FULL_NAMES[code] for code in Agency.values} == AGENCY_NAMES
    assert set(AGENCY_FULL_NAMES) == set(Agency.values)
    assert AGENCY_NAMES["court"] == "人民法院"


def test_catalogue_policies_are_the_deadline_policies():
    from banshi.sla.policies import DEFAULT_POLICIES

    # Every policy the catalogue may name exists; the 紧急诉求 policy is chosen by urgency, not by item,
    # and the policies of the legal-aid and mediation matters by their kind (banshi/services/).
    assert set(POLICIES) == {p["code"] for p in DEFAULT_POLICIES} - {
        "emergency", "legal_aid_application", "people_mediation", "notarization", "judicial_aid", "psych_appointment",
        "crisis"}


@pytest.mark.django_db
def test_seed_migration_writes_the_file():
    from django.apps import apps

    from banshi.triage.models import CatalogueItem as Row

    Row.objects.all().delete()
    importlib.import_module("banshi.triage.migrations.0002_default_catalogue").load(apps, None)
    rows = list(Row.objects.order_by("id").values(
        "code", "name", "agency", "category", "policy_code", "examples", "keywords", "department", "notes",
        "unit_kinds",
    ))
    assert rows == [
        {"code": i.code, "name": i.name, "agency": i.agency, "category": i.category, "policy_code": i.policy,
         "examples": list(i.examples), "keywords": list(i.keywords), "department": i.department, "notes": i.notes,
         "unit_kinds": list(i.unit_kinds)}
        for i in DEFAULT_CATALOGUE
    ]


# ------------------------------------------------------------------------------ broken files


def _good() -> dict[str, Any]:
    return {
        "items": [
            {"code": "court.a", "name": "申请执行", "agency": "court", "category": "执行", "policy": "xinfang",
             "department": "人民法院执行局", "unit_kinds": ["court"], "keywords": ["强制执行", "老赖"],
             "examples": ["判决了对方不还钱"]},
            {"code": "police.b", "name": "紧急求助", "agency": "police", "category": "紧急求助", "policy": "12345",
             "department": "110", "unit_kinds": ["police_station", "police_branch"], "keywords": ["救命"],
             "examples": ["有人要跳楼"], "notes": "转110"},
        ],
        "emergency_items": dict.fromkeys(KIND_NAMES, "police.b"),
    }


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_good_small_file_loads(tmp_path: Path):
    data = load_catalogue_data(_write(tmp_path, _good()))
    assert [i.code for i in data.items] == ["court.a", "police.b"]
    assert data.items[1].notes == "转110" and data.items[0].notes == ""
    assert data.items[0].keywords == ("强制执行", "老赖")
    assert data.items[1].unit_kinds == ("police_station", "police_branch")


def _set(index: int, key: str, value: Any):
    def change(d: dict[str, Any]) -> None:
        d["items"][index][key] = value
    return change


def _drop(index: int, key: str):
    def change(d: dict[str, Any]) -> None:
        del d["items"][index][key]
    return change


def _duplicate(d: dict[str, Any]) -> None:
    d["items"].append(copy.deepcopy(d["items"][0]))


def _emergency_to_missing(d: dict[str, Any]) -> None:
    d["emergency_items"]["fire"] = "other.fire_119"


def _emergency_unknown_kind(d: dict[str, Any]) -> None:
    d["emergency_items"]["flood"] = "police.b"


def _emergency_missing_kind(d: dict[str, Any]) -> None:
    del d["emergency_items"]["medical"]


def _emergency_list_with_missing(d: dict[str, Any]) -> None:
    d["emergency_items"]["elderly"] = ["police.b", "other.medical_120"]


def _emergency_empty_list(d: dict[str, Any]) -> None:
    d["emergency_items"]["child"] = []


def _top_level_typo(d: dict[str, Any]) -> None:
    d["emergency"] = d.pop("emergency_items")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set(0, "keyword", ["执行"]), "事项 court.a（第1项）：未知字段 keyword"),
        (_drop(1, "policy"), "事项 police.b（第2项）：缺少必填字段 policy"),
        (_drop(0, "code"), "第1项：缺少必填字段 code"),
        (_set(1, "policy", 12345), "事项 police.b（第2项）：字段 policy 应为文本，实际为数字（数字编码要加英文引号"),
        (_set(0, "keywords", "强制执行 老赖"), "事项 court.a（第1项）：字段 keywords 应为列表，实际为文本"),
        (_set(0, "name", None), "事项 court.a（第1项）：字段 name 应为文本，实际为空值"),
        (_set(0, "examples", ["判决了对方不还钱", 110]), "事项 court.a（第1项）：examples 中有非文本或空白的条目：110"),
        (_set(0, "keywords", ["强制执行", "强制执行"]), "事项 court.a（第1项）：keywords 中有重复的条目：强制执行"),
        (_set(0, "keywords", ["强制执行，老赖"]), "事项 court.a（第1项）：关键词不能含空格或逗号"),
        (_duplicate, "重复的事项编码：court.a"),
        (_set(0, "agency", "army"), "事项 court.a（第1项）：未知的条线 agency：army"),
        (_set(0, "policy", "12306"), "事项 court.a（第1项）：未知的时限规则 policy：12306"),
        (_set(0, "code", "police.a"), "事项 police.a（第1项）：编码 code 应为“条线.英文名称”"),
        (_set(0, "name", "长" * 81), "事项 court.a（第1项）：字段 name 超过80个字"),
        (_set(0, "examples", ["", "x"]), "事项 court.a（第1项）：examples 中有非文本或空白的条目"),
        (_emergency_to_missing, "emergency_items：fire 指向的事项 other.fire_119 不在目录中"),
        (_emergency_unknown_kind, "emergency_items：未知的紧急情况类型 flood"),
        (_emergency_missing_kind, "emergency_items：缺少紧急情况类型 medical"),
        (_top_level_typo, "未知的顶层字段：emergency"),
        (_emergency_list_with_missing, "emergency_items：elderly 指向的事项 other.medical_120 不在目录中"),
        (_emergency_empty_list, "emergency_items：child 应为事项编码（文本）或事项编码列表，实际为"),
        (_drop(0, "unit_kinds"), "事项 court.a（第1项）：缺少必填字段 unit_kinds"),
        (_set(0, "unit_kinds", "court"), "事项 court.a（第1项）：字段 unit_kinds 应为列表，实际为文本"),
        (_set(0, "unit_kinds", []), "事项 court.a（第1项）：unit_kinds 不能为空"),
        (_set(0, "unit_kinds", ["court", "tank_regiment"]), "事项 court.a（第1项）：unit_kinds 中有未知的单位类型：tank_regiment"),
        (_set(1, "unit_kinds", ["police_station", "street"]), "事项 police.b（第2项）：unit_kinds 中的单位类型不属于条线 police：street"),
        (_set(0, "unit_kinds", ["court", "court"]), "事项 court.a（第1项）：unit_kinds 中有重复的条目：court"),
    ],
)
def test_a_broken_file_names_the_file_the_item_and_the_problem(tmp_path: Path, change, expected: str):
    data = _good()
    change(data)
    path = _write(tmp_path, data)
    with pytest.raises(CatalogueDataError) as info:
        load_catalogue_data(path)
    message = str(info.value)
    assert str(path) in message
    assert expected in message, message
    assert isinstance(info.value, ValueError) and info.value.path == path


def test_an_emergency_kind_may_name_several_items(tmp_path: Path):
    data = _good()
    data["emergency_items"]["elderly"] = ["police.b", "court.a"]
    loaded = load_catalogue_data(_write(tmp_path, data))
    assert loaded.emergency_items["elderly"] == "police.b"  # the first is the default
    assert loaded.emergency_choices["elderly"] == ("police.b", "court.a")
    assert loaded.emergency_choices["fire"] == ("police.b",)
    shipped = load_catalogue_data()
    assert shipped.emergency_choices["elderly"] == ("police.emergency_110", "other.medical_120")


def test_items_without_text_are_refused(tmp_path: Path):
    data = _good()
    data["items"][0]["keywords"], data["items"][0]["examples"] = [], []
    with pytest.raises(CatalogueDataError, match=r"事项 court\.a 没有示例也没有关键词"):
        load_catalogue_data(_write(tmp_path, data))


def test_every_problem_is_listed_at_once(tmp_path: Path):
    data = _good()
    data["items"][0]["policy"] = "nope"
    data["items"][1]["agency"] = "army"
    with pytest.raises(CatalogueDataError) as info:
        load_catalogue_data(_write(tmp_path, data))
    assert len(info.value.errors) == 2


def test_yaml_syntax_error_gives_the_line(tmp_path: Path):
    path = tmp_path / "catalogue.yaml"
    path.write_text("items:\n  - code: court.a\n    name: [执行\n", encoding="utf-8")
    with pytest.raises(CatalogueDataError, match=r"YAML 格式错误，第\d+行第\d+列"):
        load_catalogue_data(path)


def test_a_key_given_twice_is_refused(tmp_path: Path):
    path = tmp_path / "catalogue.yaml"
    text = yaml.safe_dump(_good(), allow_unicode=True, sort_keys=False)
    path.write_text(text.replace("  name: 申请执行\n", "  name: 申请执行\n  name: 执行难\n", 1), encoding="utf-8")
    with pytest.raises(CatalogueDataError, match="字段 name 重复出现"):
        load_catalogue_data(path)


def test_missing_file_and_wrong_top_level(tmp_path: Path):
    with pytest.raises(CatalogueDataError, match="无法读取文件"):
        load_catalogue_data(tmp_path / "absent.yaml")
    with pytest.raises(CatalogueDataError, match="文件顶层应为映射"):
        load_catalogue_data(_write(tmp_path, ["court.a"]))
