"""Dispatchers' corrections teach the live routing model (banshi/triage/corrections.py), are
written out by `banshi triage train --from-corrections` and exported by `banshi triage corrections`."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from banshi.cases.domain.lifecycle import case_dispatch
from banshi.core.models import AuditLog
from banshi.orgs.models import Unit
from banshi.triage import integration
from banshi.triage.catalogue import DEFAULT_CATALOGUE
from banshi.triage.corrections import (
    PER_ITEM,
    catalogue_model_load,
    catalogue_model_save,
    catalogue_train,
    corrections_select,
)
from banshi.triage.integration import catalogue_build, catalogue_model_reset, triage_text
from banshi.triage.model import CatalogueModel
from banshi.triage.models import CatalogueItem, TriageLabel
from banshi.triage.text import normalize
from tests.factories import World, case_new

CST = ZoneInfo("Asia/Shanghai")
# Misrouted by the shipped catalogue (to the police: traffic, theft); a dispatcher corrects the
# first text of each pair, and the second, similar one must then follow the correction.
BIKES = ("共享单车乱停乱放堵住了小区门口", "小区门口共享单车乱停乱放，行人没法走")
# Dog walking without a leash: the catalogue says police (治安), the desk sends it to the street.
CORRIDOR = ("小区里有人遛狗不拴绳，狗还到处拉屎", "有人遛狗不牵绳，小孩被吓哭了")


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue()


def _label(text: str, agency: str, category: str, suggested_agency: str = "police",
           suggested_category: str = "police.traffic", at: datetime | None = None) -> TriageLabel:
    label = TriageLabel.objects.create(text=text, agency=agency, category=category,
                                       suggested_agency=suggested_agency, suggested_category=suggested_category)
    if at is not None:
        TriageLabel.objects.filter(pk=label.pk).update(created_at=at)
    return label


def _specs() -> list:  # type: ignore[type-arg]
    return list(DEFAULT_CATALOGUE)


@pytest.fixture
def fast_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every call checks the database and takes new corrections in at once."""
    monkeypatch.setattr(integration, "CHECK_SECONDS", 0.0)
    monkeypatch.setattr(integration, "CORRECTIONS_SECONDS", 0.0)


# -- the live model learns from the dispatchers ---------------------------------------------------


def test_a_suggestion_only_corrections_make_is_never_auto_dispatched(world: World, fast_refresh: None,
                                                                     settings: object) -> None:
    """One mistaken correction must not route similar demands unseen: the learnt suggestion is
    shown (and marked), but a dispatcher confirms it, whatever its confidence."""
    from banshi.triage.integration import auto_dispatch_unit

    Unit.objects.create(name="文化路街道办事处", kind="street", region=world.district)  # serves "other"
    case = case_new(world, content=BIKES[0])
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.committee.pk, category="other.urban_management")
    settings.BANSHI_AUTO_DISPATCH_CONFIDENCE = 0.5  # type: ignore[attr-defined]
    learnt = triage_text(BIKES[1], world.district.path)
    assert learnt["category"] == "other.urban_management" and learnt["learned"] is True
    assert learnt["unit_id"] and float(learnt["confidence"]) >= 0.5
    assert auto_dispatch_unit("complaint", learnt) is None
    # Where the catalogue itself agrees, nothing changes: confident suggestions still go out.
    court = triage_text("法院判决已经生效两年了，被执行人一直不还钱", world.district.path)
    assert "learned" not in court
    if court["unit_id"] and float(court["confidence"]) >= 0.5:
        assert auto_dispatch_unit("complaint", court) == court["unit_id"]

def test_dispatch_desk_correction_changes_the_next_suggestion(world: World, fast_refresh: None) -> None:
    """The desk picks a unit, not an item: the label carries the suggested category with another
    agency. The item is inferred within that agency, never taken from the rejected suggestion."""
    street = Unit.objects.create(name="文化路街道办事处", kind="street", region=world.district)
    before = triage_text(CORRIDOR[1], world.district.path)
    assert before["agency"] == "police"

    case = case_new(world, content=CORRIDOR[0])
    assert case.triage["agency"] == "police"
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=street.pk)
    label = TriageLabel.objects.get()
    assert (label.agency, label.category) == ("other", case.triage["category"])  # the stale category

    after = triage_text(CORRIDOR[1], world.district.path)
    assert after["agency"] == "other" and after["category"].startswith("other.")
    assert after["unit_id"] == street.pk
    catalogue_model_reset()  # a fresh process builds the same
    assert triage_text(CORRIDOR[1], world.district.path)["category"] == after["category"]
    _, summary = corrections_select(_specs())
    assert summary.used == 1 and summary.resolved_by_agency == 1


def test_named_category_changes_the_next_suggestion(world: World, fast_refresh: None) -> None:
    before = triage_text(BIKES[1], world.district.path)
    assert before["category"] == "police.traffic"
    case = case_new(world, content=BIKES[0])
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.committee.pk, category="other.urban_management")

    after = triage_text(BIKES[1], world.district.path)
    assert after["category"] == "other.urban_management" and after["agency"] == "other"
    catalogue_model_reset()
    assert triage_text(BIKES[1], world.district.path)["category"] == "other.urban_management"
    # Unrelated demands keep their routing.
    assert triage_text("法院判决已经生效两年了，被执行人一直不还钱", world.district.path)["agency"] == "court"


def test_new_corrections_wait_for_the_rebuild_interval(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(integration, "CHECK_SECONDS", 0.0)
    model, _ = integration.catalogue_model()
    _label(BIKES[0], "other", "other.urban_management")
    assert integration.catalogue_model()[0] is model  # built moments ago: not rebuilt per correction
    assert triage_text(BIKES[1])["category"] == "police.traffic"
    monkeypatch.setattr(integration, "CORRECTIONS_SECONDS", 0.0)
    assert integration.catalogue_model()[0] is not model
    assert triage_text(BIKES[1])["category"] == "other.urban_management"


def test_corrections_rebuild_does_not_hold_up_other_requests(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(integration, "CHECK_SECONDS", 0.0)
    old, _ = integration.catalogue_model()
    _label(BIKES[0], "other", "other.urban_management")
    monkeypatch.setattr(integration, "CORRECTIONS_SECONDS", 0.0)
    real, seen = integration.catalogue_build, []

    def build(**kw):  # type: ignore[no-untyped-def]
        assert not integration._lock.locked()
        seen.append(integration.catalogue_model()[0])  # another request meanwhile: the current model
        return real(**kw)

    monkeypatch.setattr(integration, "catalogue_build", build)
    new, _ = integration.catalogue_model()
    assert seen and all(m is old for m in seen) and new is not old
    assert new.predict([BIKES[1]])[0].category == "other.urban_management"


def test_a_failure_with_the_corrections_never_stops_intake(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _label(BIKES[0], "other", "other.urban_management")

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise MemoryError("simulated")

    monkeypatch.setattr(integration, "corrections_select", broken)
    case = case_new(world, content=BIKES[1])
    assert case.triage["category"] == "police.traffic"  # the catalogue alone
    assert "learning from the dispatchers' corrections failed" in caplog.text


def test_catalogue_edit_still_rebuilds_at_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(integration, "CHECK_SECONDS", 0.0)
    integration.catalogue_model()
    _label(BIKES[0], "other", "other.urban_management")
    item = CatalogueItem.objects.get(code="other.urban_management")
    item.notes = "含共享单车停放"
    item.save()
    assert triage_text(BIKES[1])["category"] == "other.urban_management"  # the rebuild took both in


# -- what is used, what is ignored ------------------------------------------------------------------

def test_unknown_or_inactive_category_is_ignored_and_counted(world: World, tmp_path: Path) -> None:
    CatalogueItem.objects.filter(code="other.transport").update(is_active=False)
    _label(BIKES[0], "other", "other.transport")
    _label(CORRIDOR[0], "other", "no.such_item")
    model, _, summary = catalogue_build()
    assert summary.used == 0 and summary.ignored == {"unknown_category": 2}
    assert summary.by_agency == {"other": {"used": 0, "ignored": 2}}
    assert model.predict([BIKES[1]])[0].category == "police.traffic"
    out = _run("train", "--from-corrections", "--out", str(tmp_path / "m"))
    assert "采用0条" in out and "未采用2条" in out and "所选事项不在启用的事项目录中：2" in out
    assert "非政法部门/街道乡镇（other）：采用0，未采用2" in out


def test_other_reasons_to_ignore(world: World) -> None:
    t0 = datetime(2026, 3, 1, 9, tzinfo=CST)
    _label("申请检察院监督", "procuratorate", "court.trial", "court", "court.trial", at=t0)  # no such agency now
    _label("什么都没改", "police", "police.traffic", "police", "police.traffic", at=t0)
    _label("   ", "other", "other.urban_management", at=t0)
    _label(BIKES[0], "police", "police.vehicle", at=t0)  # older: the newer one below decides
    _label(BIKES[0], "other", "other.urban_management", at=t0 + timedelta(hours=1))
    specs = [s for s in _specs() if s.agency != "procuratorate"]
    extra, summary = corrections_select(specs)
    assert extra == [(normalize(BIKES[0]), "other.urban_management")]
    assert summary.ignored == {"no_item_for_agency": 1, "no_change": 1, "empty": 1, "duplicate": 1}
    assert summary.total == summary.read == 5 and summary.used == 1


def test_per_item_cap_keeps_the_newest(world: World) -> None:
    t0 = datetime(2026, 3, 1, 9, tzinfo=CST)
    for i in range(PER_ITEM + 5):
        _label(f"小区门口共享单车乱停乱放第{i}号", "other", "other.urban_management", at=t0 + timedelta(minutes=i))
    # Only the agency changed, and every "other" item that could take it is full: no inference needed.
    for code in {s.code for s in _specs() if s.agency == "other"} - {"other.urban_management"}:
        for i in range(PER_ITEM):
            _label(f"{code}的纠正第{i}号", "other", code, at=t0 - timedelta(days=1))
    _label("楼道里电动车充电", "other", "police.theft", "police", "police.theft", at=t0 - timedelta(days=2))
    extra, summary = corrections_select(_specs())
    mine = [doc for doc, code in extra if code == "other.urban_management"]
    assert len(mine) == PER_ITEM == summary.by_item["other.urban_management"]
    assert mine[0].endswith(f"第{PER_ITEM + 4}号") and mine[-1].endswith("第5号")  # newest first
    assert summary.ignored == {"over_cap": 6}
    assert max(summary.by_item.values()) == PER_ITEM


def test_read_limit_and_cap_bound_the_build(world: World) -> None:
    TriageLabel.objects.bulk_create(
        TriageLabel(text=f"{BIKES[0]}，第{i}次", agency="other", category="other.urban_management",
                    suggested_agency="police", suggested_category="police.traffic") for i in range(50)
    )
    extra, summary = corrections_select(_specs(), per_item=3, limit=30)
    assert (summary.total, summary.read, summary.used, len(extra)) == (50, 30, 3, 3)
    assert summary.ignored == {"over_cap": 27}


# -- training, saving and loading (no database) ----------------------------------------------------

def test_catalogue_train_without_corrections_is_the_catalogue_model() -> None:
    ours, theirs = catalogue_train(DEFAULT_CATALOGUE), CatalogueModel.train(DEFAULT_CATALOGUE)
    assert ours.model.classes == theirs.model.classes
    assert np.array_equal(ours.model.vectorizer.keys, theirs.model.vectorizer.keys)
    assert np.allclose(ours.model.coef, theirs.model.coef, atol=1e-5)
    assert np.allclose(ours.model.intercept, theirs.model.intercept, atol=1e-5)
    assert ours.model.scale == theirs.model.scale and ours.keywords == theirs.keywords


def test_corrections_are_extra_examples_and_the_vocabulary_is_bounded() -> None:
    extra = [(normalize(BIKES[0]), "other.urban_management"), (normalize(CORRIDOR[0]), "other.street_community")]
    more = {code: doc for doc, code in extra}
    items = [replace(i, examples=(*i.examples, more[i.code])) if i.code in more else i for i in DEFAULT_CATALOGUE]
    ours, theirs = catalogue_train(DEFAULT_CATALOGUE, extra), CatalogueModel.train(items)
    assert np.array_equal(ours.model.vectorizer.keys, theirs.model.vectorizer.keys)
    assert np.allclose(ours.model.coef, theirs.model.coef, atol=1e-4)
    base = CatalogueModel.train(DEFAULT_CATALOGUE).model.vectorizer.n_features
    assert catalogue_train(DEFAULT_CATALOGUE, extra, max_new_features=5).model.vectorizer.n_features == base + 5


def test_saved_catalogue_model_predicts_the_same(tmp_path: Path) -> None:
    model = catalogue_train(DEFAULT_CATALOGUE, [(normalize(BIKES[0]), "other.urban_management")])
    loaded = catalogue_model_load(catalogue_model_save(model, tmp_path / "m", {"note": "x"}))
    texts = [BIKES[1], CORRIDOR[1], "我家着火了", ""]
    assert [p.to_dict() for p in loaded.predict(texts)] == [p.to_dict() for p in model.predict(texts)]
    assert json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))["kind"] == "catalogue"


# -- the commands -----------------------------------------------------------------------------------

def test_train_from_corrections_writes_the_live_model(world: World, tmp_path: Path) -> None:
    case = case_new(world, content=BIKES[0])
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.committee.pk, category="other.urban_management")
    out = _run("train", "--from-corrections", "--out", str(tmp_path / "m"))
    assert "采用1条" in out and "政法委（committee）：采用1，未采用0" in out and "已训练" in out  # by the unit's agency
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert meta["corrections"]["used"] == 1 and meta["corrections"]["by_item"] == {"other.urban_management": 1}
    assert BIKES[0] not in (tmp_path / "m" / "meta.json").read_text(encoding="utf-8")  # no texts in the meta

    stdin = io.StringIO(json.dumps({"id": 1, "text": BIKES[1]}, ensure_ascii=False) + "\n")
    buf = io.StringIO()
    call_command("triage", "classify", "--model", str(tmp_path / "m"), stdout=buf, stdin=stdin)
    pred = json.loads(buf.getvalue())
    catalogue_model_reset()  # built when the case came in; a new process takes the correction in
    live = triage_text(BIKES[1])
    assert pred["id"] == 1 and pred["category"] == live["category"] == "other.urban_management"
    assert pred["confidence"] == live["confidence"]

    data = tmp_path / "d.csv"
    data.write_text(f"text,item\n{BIKES[1]},other.urban_management\n", encoding="utf-8")
    report = _run("eval", "--data", str(data), "--text-columns", "text", "--label-column", "item",
                  "--model", str(tmp_path / "m"))
    assert "accuracy: 1.0000" in report


def test_train_argument_errors(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--data"):
        _run("train", "--out", str(tmp_path / "m"))
    with pytest.raises(CommandError, match="不能同时使用 --data"):
        _run("train", "--from-corrections", "--data", "x.csv", "--out", str(tmp_path / "m"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError, match="不是目录"):
        _run("train", "--from-corrections", "--out", str(tmp_path / "file"))
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "meta.json").write_text('{"format": 99}')
    with pytest.raises(CommandError, match="无法读取模型"):
        call_command("triage", "classify", "--model", str(tmp_path / "bad"), stdin=io.StringIO("x\n"),
                     stdout=io.StringIO())


def test_export_masks_numbers_and_is_audited(world: World, tmp_path: Path) -> None:
    _label("我叫李四，电话13912345678，身份证110101199003074514，共享单车堵门，车牌京A12345", "other",
           "other.urban_management", at=datetime(2026, 3, 1, 8, 5, 9, tzinfo=ZoneInfo("UTC")))
    path = tmp_path / "c.csv"
    out = _run("corrections", "--out", str(path))
    assert "已导出1条" in out
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["created_at", "text", "agency", "category", "suggested_agency", "suggested_category"]
    assert rows[1][0] == "2026-03-01 16:05:09"  # Beijing time
    assert rows[1][1] == "我叫[姓名]，电话139[已脱敏]5678，身份证110[已脱敏]4514，共享单车堵门，车牌[车牌号]"
    assert rows[1][2:] == ["other", "other.urban_management", "police", "police.traffic"]
    assert path.stat().st_mode & 0o077 == 0
    log = AuditLog.objects.get(action="triage_label_export")
    assert log.actor_id is None and log.object_type == "triage_label"
    assert log.data == {"file": str(path), "rows": 1, "since": "", "masked": True}


def test_export_since_is_a_beijing_day_and_goes_to_stdout(world: World) -> None:
    _label("前一天深夜", "other", "other.urban_management", at=datetime(2026, 3, 1, 23, 30, tzinfo=CST))
    _label("当天凌晨", "other", "other.urban_management", at=datetime(2026, 3, 2, 0, 30, tzinfo=CST))
    out = _run("corrections", "--since", "2026-03-02")
    rows = list(csv.reader(io.StringIO(out)))
    assert [r[1] for r in rows[1:]] == ["当天凌晨"] and rows[1][0] == "2026-03-02 00:30:00"
    assert AuditLog.objects.get(action="triage_label_export").data["file"] == "-"
    assert len(list(csv.reader(io.StringIO(_run("corrections"))))) == 3
    for bad in ("2026-13-01", "yesterday"):
        with pytest.raises(CommandError, match="日期格式不正确"):
            _run("corrections", "--since", bad)
