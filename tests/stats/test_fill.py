"""The count fill: a fill killed midway and run again gives the counts of one clean fill; events
that land in a day already filled bring that day back; a day can be refilled from the events;
nothing the reports read touches the case register."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import (
    case_dispatch,
    case_follow_up,
    case_reply_decide,
    case_reply_submit,
    case_sign,
)
from banshi.cases.models import Case
from banshi.stats import queries
from banshi.stats.fill import fill, refill
from banshi.stats.models import DailyCount, FillState, RollupCount
from tests.factories import World

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 10, 5, 9, 0, tzinfo=SH)


def register(world: World, when: datetime, received_at: datetime | None = None, channel: str = "hotline_12345") -> Case:
    data = CaseInput(type="help", channel=channel, content="小区门口夜间有人聚集喝酒吵闹，影响休息，请派出所处理。",
                     citizen_name="张三", citizen_phone="13812345678", region_code=world.district.code,
                     received_at=received_at)
    case, _ = case_register(data=data, intake_unit=world.committee, actor=world.operator, now=when,
                            auto_dispatch=False, link_duplicates=False)
    return case


def busy_week(world: World) -> None:
    """A week of demands: every day some registered, dispatched, answered and followed up."""
    for day in range(7):
        for k in range(3):
            t = T0 + timedelta(days=day, minutes=10 * k)
            case = register(world, t, channel="hotline_12345" if k else "wechat_qr")
            case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk, now=t + timedelta(minutes=5))
            if k == 2:
                continue
            case_sign(case.pk, actor=world.handler, now=t + timedelta(hours=1))
            case_reply_submit(case.pk, actor=world.handler, text="已处理。", now=t + timedelta(hours=2))
            case_reply_decide(case.pk, actor=world.leader, approve=True, now=t + timedelta(hours=3))
            if k == 0:
                case_follow_up(case.pk, actor=world.operator, rating=4 if day % 2 else 2,
                               now=t + timedelta(days=1, hours=1))


def snapshot() -> list[tuple[object, ...]]:
    fine = sorted(DailyCount.objects.values_list("day", "measure", "unit_id", "region_path", "agency", "kind",
                                                 "channel", "type", "category", "value"))
    rolled = sorted(RollupCount.objects.values_list("day", "measure", "dim", "key", "value"))
    return [*fine, *rolled]


class Killed(Exception):
    pass


@pytest.mark.django_db
def test_a_fill_killed_midway_resumes_to_the_same_counts(world: World) -> None:
    busy_week(world)
    end = T0 + timedelta(days=9)

    days_done: list[date] = []

    def kill_after_three(day: date) -> None:
        days_done.append(day)
        if len(days_done) == 3:
            raise Killed

    with pytest.raises(Killed):
        fill(now=end, on_day=kill_after_three)
    state = FillState.objects.get()
    assert state.done_through == days_done[-1]  # the three committed days stay committed
    assert state.event_id == 0  # the watermark moves only when a run completes
    fill(now=end)
    resumed = snapshot()

    DailyCount.objects.all().delete()
    RollupCount.objects.all().delete()
    FillState.objects.all().delete()
    fill(now=end)
    assert snapshot() == resumed
    assert sum(RollupCount.objects.filter(dim="all", measure="received", area="").values_list("value", flat=True)) == 21


@pytest.mark.django_db
def test_a_second_fill_changes_nothing_and_new_events_are_counted(world: World) -> None:
    busy_week(world)
    end = T0 + timedelta(days=9)
    fill(now=end)
    first = snapshot()
    r = fill(now=end)
    assert snapshot() == first
    assert r.days == [date(2026, 10, 14)]  # only the current (unfinished) day is read again
    # A demand registered today but received (backdated) on 6 October: that day is filled again.
    register(world, end, received_at=datetime(2026, 10, 6, 15, 0, tzinfo=SH))
    r = fill(now=end)
    assert r.days[0] == date(2026, 10, 6)
    totals = queries.totals(queries.EVERYTHING, date(2026, 10, 6), date(2026, 10, 6), ("received",))
    assert totals == {"received": 4}


@pytest.mark.django_db
def test_refill_recomputes_a_day_from_the_events(world: World) -> None:
    busy_week(world)
    end = T0 + timedelta(days=9)
    fill(now=end)
    before = snapshot()
    DailyCount.objects.filter(day=date(2026, 10, 7)).update(value=999)
    refill(date(2026, 10, 7), date(2026, 10, 7))
    assert snapshot() == before


@pytest.mark.django_db
def test_nothing_the_reports_read_touches_the_case_register(world: World) -> None:
    busy_week(world)
    fill(now=T0 + timedelta(days=9))
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    town = queries.StatsScope(region_path=f"{world.district.path}130302001/")  # a town: the fine table
    scopes = [queries.EVERYTHING, queries.scope_for(world.supervisor), queries.scope_for(world.leader), town]
    with CaptureQueriesContext(connection) as ctx:
        for scope in scopes:
            queries.totals(scope, start, end)
            queries.daily(scope, start, end, ("received", "replied"))
            for dim in ("unit", "region", "agency", "channel", "type", "category", "kind"):
                queries.breakdown(scope, start, end, dim, ("received", "followups"))
            for by in ("unit", "region", "agency"):
                queries.rate_rows(start, end, by, scope=scope)
                queries.ranking(start, end, by, scope=scope)
        try:
            from banshi.stats.dashboard import dashboard_data
        except ImportError:  # pragma: no cover - the dashboard module lands with the web pages
            dashboard_data = None
        if dashboard_data is not None:
            for scope in scopes:
                dashboard_data(scope, start, end)
    sql = " ".join(q["sql"].lower() for q in ctx.captured_queries)
    assert ctx.captured_queries, "the reads ran no query at all"
    for table in ("cases_case", "cases_caseevent", "cases_followup", "sla_milestone"):
        assert table not in sql, f"a stats read touched {table}"
    assert "stats_dailycount" in sql and "stats_rollupcount" in sql


@pytest.mark.django_db
def test_scopes(world: World) -> None:
    busy_week(world)
    fill(now=T0 + timedelta(days=9))
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    everything = queries.totals(queries.EVERYTHING, start, end)
    supervisor = queries.totals(queries.scope_for(world.supervisor), start, end)
    leader = queries.totals(queries.scope_for(world.leader), start, end)
    other = queries.totals(queries.scope_for(world.other_supervisor), start, end)
    assert everything["received"] == supervisor["received"] == 21
    # The station's leader sees what counted toward the station: dispatches, replies, follow-ups.
    assert leader.get("received", 0) == 0 and leader["dispatched"] == 21 and leader["replied"] == 14
    assert other == {}


@pytest.mark.django_db
def test_a_county_reads_its_rollups_and_they_agree_with_the_fine_table(world: World) -> None:
    from django.db.models import Sum

    busy_week(world)
    fill(now=T0 + timedelta(days=9))
    start, end = date(2026, 10, 1), date(2026, 10, 31)
    for person in (world.supervisor, world.other_supervisor, world.leader, world.court_leader):
        scope = queries.scope_for(person)
        assert scope.rolled() is not None  # a county's supervisor, a unit's leader: the few rollup rows
        fine = dict(scope.daily().filter(day__gte=start, day__lte=end).values_list("measure")
                    .annotate(v=Sum("value")).order_by())
        assert queries.totals(scope, start, end) == fine
        by_channel = queries.breakdown(scope, start, end, "channel", ("received",))
        assert sum(v.get("received", 0) for v in by_channel.values()) == fine.get("received", 0)
