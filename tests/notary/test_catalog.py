"""The notary matters as data (data/matters.yaml): every matter has its one-time checklist, its
period among the allowed ones, its legal basis; a matter that cannot be done by video says why;
a wrong file fails naming every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from banshi.notary import catalog
from banshi.triage.labels import category_label

ISSUE_MATTERS = {"birth", "education", "no_criminal_record", "inheritance", "will", "power_of_attorney", "house_gift"}


def test_the_shipped_matters() -> None:
    cat = catalog.catalogue()
    matters = cat["matters"]
    assert set(matters) >= ISSUE_MATTERS
    assert cat["default_period"] == "15wd" and cat["periods"] == ["5wd", "10wd", "15wd"]
    for code, m in matters.items():
        assert m["materials"] and all(m["materials"]), code
        assert m["period"] in cat["periods"] and m["basis"] and m["fee"], code
        assert m["video"] or m["in_person"], code
    assert matters["will"]["video"] is False and "第26条" in matters["will"]["in_person"]
    assert matters["house_gift"]["video"] is False and "第25条" in matters["house_gift"]["in_person"]
    assert {m["period"] for m in matters.values()} == {"5wd", "10wd", "15wd"}
    assert matters["inheritance"]["period"] == "15wd" and matters["birth"]["period"] == "5wd"
    assert len(cat["refusal_reasons"]) == 9  # 公证法第31条 (一)–(九)
    assert all(r["article"].startswith("公证法第31条") for r in cat["refusal_reasons"].values())
    assert {s["code"] for s in cat["sources"]} >= {"law", "rules", "speedup"}
    assert [c for c, _ in catalog.choices("notary_delivery")] == ["on_spot", "mail", "electronic", "pickup"]
    assert catalog.choices("notary_refusal")[3][1].endswith("（公证法第31条第（四）项）")


def test_the_category_reads_in_chinese() -> None:
    assert category_label("notary.will") == "公证·遗嘱公证"
    assert catalog.category_label("notary.unknown") == "公证·unknown"


def test_a_wrong_file_names_every_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "matters.yaml").write_text("""
sources: [{code: law, title: 公证法}]
default_period: 15wd
periods: [5wd, 15wd]
refusal_reasons: [{code: a, label: 甲, article: 公证法第31条}]
termination_reasons: [{code: b, label: 乙}]
matters:
  - {code: x, label: 某公证, item: 其他, video: false, one_visit: true, fee: 按件, materials: [身份证], basis: 公证法, period: 7wd}
  - {code: y, label: 另一公证, item: 其他, video: true, one_visit: false, fee: 按件, materials: [], basis: 公证法}
  - {code: z, label: 缺字段}
""", encoding="utf-8")
    monkeypatch.setattr(catalog, "DATA", tmp_path)
    catalog.catalogue.cache_clear()
    try:
        with pytest.raises(catalog.NotaryDataError) as exc:
            catalog.catalogue()
    finally:
        catalog.catalogue.cache_clear()
    text = str(exc.value)
    for words in ("7wd 不在 periods", "须写明 in_person", "materials 应为非空", "one_visit_note", "缺少必填字段 item",
                  "termination_reasons 第1项：缺少必填字段 article"):
        assert words in text, text
