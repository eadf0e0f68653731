"""三率 computed by hand for a small world match `banshi stats rates` and `banshi stats ranking`
exactly (the suite runs on SQLite and again on PostgreSQL).

The world, in October 2026 (Asia/Shanghai):
- station (A): c1 rated 非常满意; c2 rated 不满意 (reopened), then 满意 after the second reply;
  c3 rated 基本满意 but the citizen says nobody contacted them; c4 rated 非常不满意, reopened and
  then transferred to the court — its first follow-up stays with A.
- court (B): c4's second follow-up 非常满意; c5 满意 but not resolved.
- justice office (C): c6 followed up at 23:30 on 30 September (outside the period), c7 at 00:10
  on 1 October (inside): the day is the Shanghai day, not the UTC one.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import (
    case_dispatch,
    case_follow_up,
    case_reply_decide,
    case_reply_submit,
    case_sign,
    case_transfer,
)
from banshi.cases.models import Case
from banshi.stats.fill import fill
from tests.factories import World, person

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


def register(world: World, when: datetime) -> Case:
    data = CaseInput(type="help", channel="hotline_12345", content="楼下夜间施工噪音很大，影响休息，请处理。",
                     citizen_name="李四", citizen_phone="13812345678", region_code=world.district.code)
    case, _ = case_register(data=data, intake_unit=world.committee, actor=world.operator, now=when,
                            auto_dispatch=False, link_duplicates=False)
    return case


def handle(case: Case, handler, leader, when: datetime) -> None:  # type: ignore[no-untyped-def]
    case_sign(case.pk, actor=handler, now=when)
    case_reply_submit(case.pk, actor=handler, text="已到现场处理，噪音已停止。", now=when + timedelta(minutes=30))
    case_reply_decide(case.pk, actor=leader, approve=True, now=when + timedelta(hours=1))


def reply_again(case: Case, handler, leader, when: datetime) -> None:  # type: ignore[no-untyped-def]
    case_reply_submit(case.pk, actor=handler, text="再次处理，已解决。", now=when)
    case_reply_decide(case.pk, actor=leader, approve=True, now=when + timedelta(hours=1))


@pytest.fixture
def rated_world(world: World) -> World:
    a_h, a_l = world.handler, world.leader
    b_h, b_l = world.court_handler, world.court_leader
    c_h, c_l = world.justice_handler, person("justice_leader", "leader", world.justice_office)
    op, disp = world.operator, world.dispatcher

    c1 = register(world, at(2, 9))
    case_dispatch(c1.pk, actor=disp, unit_id=world.station.pk, now=at(2, 10))
    handle(c1, a_h, a_l, at(3, 9))
    case_follow_up(c1.pk, actor=op, rating=5, now=at(5, 10))

    c2 = register(world, at(4, 9))
    case_dispatch(c2.pk, actor=disp, unit_id=world.station.pk, now=at(4, 10))
    handle(c2, a_h, a_l, at(5, 9))
    case_follow_up(c2.pk, actor=op, rating=2, now=at(7, 10))  # reopens: back to A
    reply_again(c2, a_h, a_l, at(8, 9))
    case_follow_up(c2.pk, actor=op, rating=4, now=at(10, 10))

    c3 = register(world, at(6, 9))
    case_dispatch(c3.pk, actor=disp, unit_id=world.station.pk, now=at(6, 10))
    handle(c3, a_h, a_l, at(7, 9))
    case_follow_up(c3.pk, actor=op, rating=3, contacted=False, now=at(9, 10))

    c4 = register(world, at(8, 9))
    case_dispatch(c4.pk, actor=disp, unit_id=world.station.pk, now=at(8, 10))
    handle(c4, a_h, a_l, at(9, 9))
    case_follow_up(c4.pk, actor=op, rating=1, now=at(11, 10))  # reopens at A …
    case_transfer(c4.pk, actor=disp, unit_id=world.court.pk, reason="属法院管辖", now=at(12, 10))  # … then to B
    handle(c4, b_h, b_l, at(13, 9))
    case_follow_up(c4.pk, actor=op, rating=5, now=at(15, 10))

    c5 = register(world, at(14, 9))
    case_dispatch(c5.pk, actor=disp, unit_id=world.court.pk, now=at(14, 10))
    handle(c5, b_h, b_l, at(15, 9))
    case_follow_up(c5.pk, actor=op, rating=4, resolved=False, now=at(17, 10))

    c6 = register(world, at(29, 9, month=9))
    case_dispatch(c6.pk, actor=disp, unit_id=world.justice_office.pk, now=at(29, 10, month=9))
    handle(c6, c_h, c_l, at(29, 11, month=9))
    case_follow_up(c6.pk, actor=op, rating=5, now=at(30, 23, 30, month=9))

    c7 = register(world, at(29, 12, month=9))
    case_dispatch(c7.pk, actor=disp, unit_id=world.justice_office.pk, now=at(29, 13, month=9))
    handle(c7, c_h, c_l, at(29, 14, month=9))
    case_follow_up(c7.pk, actor=op, rating=5, now=at(1, 0, 10))

    fill(now=at(31, 23))
    return world


# The hand computation: follow-ups counted toward the lead unit when recorded.
#            followups contacted resolved  r5 r4 r3 r2 r1  dispatched replied
HAND = {
    "A": (5, 4, 3, 1, 1, 1, 1, 1, 4, 5),
    "B": (2, 2, 1, 1, 1, 0, 0, 0, 2, 2),
    "C": (1, 1, 1, 1, 0, 0, 0, 0, 0, 0),
}


def q(x: Fraction, places: str) -> float:
    return float((Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal(places), ROUND_HALF_UP))


def expected(key: str) -> dict[str, object]:
    n, contacted, resolved, r5, r4, r3, r2, r1, dispatched, replied = HAND[key]
    resp, reso = Fraction(contacted, n), Fraction(resolved, n)
    sat = (Fraction(r5) + Fraction(r4) + Fraction(9, 10) * r3) / n
    comp = 100 * (Fraction(1, 10) * resp + Fraction(1, 2) * reso + Fraction(2, 5) * sat)
    return {
        "followups": n, "contacted": contacted, "resolved": resolved, "rating_5": r5, "rating_4": r4,
        "rating_3": r3, "rating_2": r2, "rating_1": r1, "dispatched": dispatched, "replied": replied,
        "response_rate": q(resp, "0.0001"), "resolution_rate": q(reso, "0.0001"),
        "satisfaction_rate": q(sat, "0.0001"), "composite": q(comp, "0.01"),
    }


def run(*args: str) -> list[dict[str, object]]:
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_rates_match_the_hand_computation(rated_world: World) -> None:
    w = rated_world
    rows = {r["unit_id"]: r for r in run("rates", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "unit",
                                         "--format", "json")}
    units = {"A": w.station.pk, "B": w.court.pk, "C": w.justice_office.pk}
    for key, unit_id in units.items():
        row = rows[unit_id]
        for field, value in expected(key).items():
            assert row[field] == value, (key, field, row[field], value)
    # The hand figures, written out once so a reader can check them against the rules:
    assert (rows[units["A"]]["response_rate"], rows[units["A"]]["resolution_rate"],
            rows[units["A"]]["satisfaction_rate"], rows[units["A"]]["composite"]) == (0.8, 0.6, 0.58, 61.2)
    assert rows[units["B"]]["composite"] == 75.0
    assert rows[units["A"]]["name"] == "文化路派出所"
    assert set(rows) >= set(units.values())


@pytest.mark.django_db
def test_the_day_is_the_shanghai_day(rated_world: World) -> None:
    w = rated_world
    sept = {r["unit_id"]: r for r in run("rates", "--from", "2026-09-30", "--to", "2026-09-30", "--format", "json")}
    assert sept[w.justice_office.pk]["followups"] == 1  # c6 at 23:30 Shanghai is still 30 September
    first = {r["unit_id"]: r for r in run("rates", "--from", "2026-10-01", "--to", "2026-10-01", "--format", "json")}
    assert first[w.justice_office.pk]["followups"] == 1  # c7 at 00:10 Shanghai (16:10 UTC the day before)


@pytest.mark.django_db
def test_ranking_orders_by_composite_and_leaves_small_samples_unranked(rated_world: World) -> None:
    w = rated_world
    rows = run("ranking", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "unit", "--min-volume", "2",
               "--format", "json")
    order = [(r["unit_id"], r["rank"], r["ranked"]) for r in rows if r["unit_id"] in
             (w.station.pk, w.court.pk, w.justice_office.pk)]
    # B (75.00) above A (61.20); C has a perfect score on one follow-up: 样本不足, not ranked.
    assert order == [(w.court.pk, 1, True), (w.station.pk, 2, True), (w.justice_office.pk, None, False)]
    default = run("ranking", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json")
    assert all(not r["ranked"] for r in default)  # nobody reaches the default minimum of 10 follow-ups


@pytest.mark.django_db
def test_rates_by_region_and_agency_add_up(rated_world: World) -> None:
    w = rated_world
    regions = run("rates", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "region", "--region", w.city.code,
                  "--format", "json")
    district = next(r for r in regions if r["region_code"] == w.district.code)
    assert district["followups"] == 8 and district["contacted"] == 7 and district["resolved"] == 5
    other = next(r for r in regions if r["region_code"] == w.other_district.code)
    assert other["followups"] == 0 and other["response_rate"] is None
    agencies = {r["agency"]: r for r in run("rates", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "agency",
                                            "--format", "json")}
    assert agencies["police"]["followups"] == 5
    assert agencies["court"]["followups"] == 2
    assert agencies["justice"]["followups"] == 1


@pytest.mark.django_db
def test_csv_and_xlsx(rated_world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    out = io.StringIO()
    call_command("stats", "rates", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("unit_id,name,dispatched")
    assert any(line.startswith(f"{rated_world.station.pk},文化路派出所,4,5,5,4,3,") for line in lines)
    target = tmp_path / "r.xlsx"
    call_command("stats", "ranking", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "xlsx",
                 "--out", str(target), "--min-volume", "2", stdout=io.StringIO())
    ws = load_workbook(target).active
    assert ws is not None
    assert [c.value for c in ws[1]][:3] == ["单位编号", "排名", "名称"]
    assert ws.cell(2, 3).value == "海港区人民法院"


@pytest.mark.django_db
def test_bad_command_input_is_a_clear_error(world: World) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="日期格式不正确"):
        call_command("stats", "rates", "--from", "2026-13-01", "--to", "2026-10-31", stdout=io.StringIO())
    with pytest.raises(CommandError, match="结束日期不能早于开始日期"):
        call_command("stats", "rates", "--from", "2026-10-31", "--to", "2026-10-01", stdout=io.StringIO())
    with pytest.raises(CommandError, match="区划代码不存在"):
        call_command("stats", "rates", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "region",
                     "--region", "999999", stdout=io.StringIO())


def test_period_helpers() -> None:
    from banshi.stats.fill import day_bounds, street_path

    start, end = day_bounds(date(2026, 10, 1))
    assert start.utcoffset() == timedelta(hours=8) and end - start == timedelta(days=1)
    assert street_path("130000/130300/130302/130302001/130302001001/") == "130000/130300/130302/130302001/"
