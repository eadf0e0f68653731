"""The data files (judicial_aid.yaml, demo.yaml) are checked before use, and the demo makes matters
in every state through the real domain functions, reproducibly."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from banshi.cases.models import Case, CaseEvent
from banshi.judicial_aid import catalog
from banshi.judicial_aid.demo import demo_data, demo_generate
from banshi.judicial_aid.domain import paid_total
from banshi.judicial_aid.enums import JaState
from banshi.judicial_aid.models import JudicialAidFile
from banshi.orgs.models import Unit
from tests.factories import World
from tests.judicial_aid.conftest import JaUnits

SH = ZoneInfo("Asia/Shanghai")


def test_the_shipped_data_is_valid_and_marks_what_is_unverified() -> None:
    cat = catalog.judicial_aid()
    assert {"victim_injury", "victim_death_dependants", "maintenance_unenforced", "other"} <= set(cat["situations"])
    assert all(s["source"] in cat["sources"] for s in cat["situations"].values())
    assert set(cat["payment_methods"]) == {"bank_transfer", "cash", "other"}
    assert cat["limit"]["months"] == 36 and cat["limit"]["verified"] is False
    assert catalog.amount_limit("130000/130300/130302/") == cat["limit"]["monthly_wage"] * 36
    assert demo_data().states.keys() == set(JaState.values)


def test_a_wrong_data_file_is_refused_with_every_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "judicial_aid.yaml"
    bad.write_text("sources: [{code: a, title: 文件}]\nsituations: [{code: x, label: 情形, source: nowhere}]\n"
                   "refusal_reasons: [{code: r}]\npayment_methods: []\ndocuments: []\n"
                   "limit: {months: 0, monthly_wage: abc, source: a}\n", encoding="utf-8")
    monkeypatch.setattr(catalog, "PATH", bad)
    catalog.judicial_aid.cache_clear()
    try:
        with pytest.raises(catalog.JudicialAidDataError) as exc:
            catalog.judicial_aid()
        text = str(exc.value)
        for problem in ("situations：x 的 source", "refusal_reasons：每项须有 code 与 label", "payment_methods：应为非空列表",
                        "limit.months", "limit.monthly_wage", "documents"):
            assert problem in text, problem
    finally:
        monkeypatch.undo()
        catalog.judicial_aid.cache_clear()


def test_the_limit_follows_the_most_specific_region(monkeypatch: pytest.MonkeyPatch) -> None:
    cat = catalog.judicial_aid()
    limit = {**cat["limit"], "by_region": {"130000": Decimal("7000.00"), "130302": Decimal("7500.00")}}
    monkeypatch.setitem(cat, "limit", limit)
    assert catalog.monthly_wage("130000/130300/130302/") == Decimal("7500.00")
    assert catalog.monthly_wage("130000/130300/130303/") == Decimal("7000.00")
    assert catalog.amount_limit("110000/110101/") == Decimal(cat["limit"]["monthly_wage"]) * 36


def _signature() -> list[tuple[object, ...]]:
    out = []
    for f in JudicialAidFile.objects.select_related("case").order_by("case__received_at", "case__citizen_name"):
        c = f.case
        out.append((c.state, c.citizen_name, c.received_at, f.situation, f.amount_granted, paid_total(f),
                    f.proposer_id, CaseEvent.objects.filter(case=c).count()))
    return out


@pytest.mark.django_db
def test_the_demo_makes_every_state_reproducibly(world: World, ja: JaUnits) -> None:
    now = datetime(2026, 11, 20, 16, tzinfo=SH)
    units = list(Unit.objects.all())
    expected = sum(count for count, _days in demo_data().states.values())
    with transaction.atomic():
        sid = transaction.savepoint()
        assert demo_generate(random.Random(11), now, units) == expected
        first = _signature()
        transaction.savepoint_rollback(sid)
    assert demo_generate(random.Random(11), now, units) == expected
    assert _signature() == first
    states = set(Case.objects.filter(kind="judicial_aid").values_list("state", flat=True))
    assert states == set(JaState.values)
    for f in JudicialAidFile.objects.select_related("case"):
        if f.case.state in (JaState.PAID, JaState.CLOSED):
            assert paid_total(f) == f.amount_granted
        elif f.case.state == JaState.GRANTED:
            assert f.amount_granted is not None and paid_total(f) < f.amount_granted
        assert f.case.received_at < now and f.case.lead_unit.kind in ("court", "procuratorate", "police_branch",
                                                                     "police_station", "police_bureau")
    assert CaseEvent.objects.filter(case__kind="judicial_aid", at__gt=now).count() == 0
    assert demo_generate(random.Random(1), now, [world.justice, world.committee]) == 0  # no deciding unit
