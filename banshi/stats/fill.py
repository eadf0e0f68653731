"""Filling the count tables from the case events, one Asia/Shanghai day per transaction.

A day's rows are deleted and written again as a whole, in one transaction that also moves the
watermark (`FillState`), so a fill killed midway leaves every day either as it was or complete,
and the next run picks up where it stopped: running it again gives the same counts as one clean
fill. Events that land in a day already filled (a backdated registration, an event committed
late) are found by id past the watermark, and their day is filled again.

This module reads the register (cases, events, follow-ups, milestones); nothing else in stats does.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Sum
from django.utils import timezone

from banshi.cases.models import Case, CaseEvent, FollowUp
from banshi.orgs.models import Unit
from banshi.sla.models import Milestone, MilestoneStatus
from banshi.stats.measures import actions_by_measure, measures
from banshi.stats.models import DailyCount, Dim, FillState, RollupCount

# (unit_id, region_path, agency, kind, channel, type, category)
Dims = tuple[int, str, str, str, str, str, str]
CASE_DIMS = ("case__region_path", "case__agency", "case__kind", "case__channel", "case__type", "case__category")
ROLLUP_DIMS = (Dim.UNIT, Dim.REGION, Dim.AGENCY, Dim.KIND, Dim.CHANNEL, Dim.TYPE, Dim.CATEGORY)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants a local (Asia/Shanghai) day starts and ends."""
    tz = timezone.get_default_timezone()
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    nxt = day + timedelta(days=1)
    return start, datetime(nxt.year, nxt.month, nxt.day, tzinfo=tz)


def local_day(at: datetime) -> date:
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def street_path(path: str) -> str:
    """A region path cut at the 街乡镇 level (codes of up to 9 digits): villages roll up to their town."""
    kept = [code for code in path.split("/") if code and len(code) <= 9]
    return "".join(f"{code}/" for code in kept)


@dataclass
class FillResult:
    days: list[date] = field(default_factory=list)
    rows: int = 0
    seconds: float = 0.0


class _Day:
    """The counts of one day, accumulated in memory and written at once."""

    def __init__(self, agencies: dict[int, str]) -> None:
        self.counts: Counter[tuple[str, Dims]] = Counter()
        self.agencies = agencies

    def dims(self, unit_id: int | None, path: str, agency: str, kind: str, channel: str, type_: str,
             category: str) -> Dims:
        uid = unit_id or 0
        return (uid, street_path(path or ""), self.agencies.get(uid) or agency or "", kind or "", channel or "",
                type_ or "", category or "")

    def add(self, measure: str, dims: Dims, n: int = 1) -> None:
        self.counts[(measure, dims)] += n


def _fill_counts(day: date, agencies: dict[int, str]) -> _Day:
    start, end = day_bounds(day)
    acc = _Day(agencies)
    by_measure = actions_by_measure()
    by_action: dict[str, list[str]] = {}
    for measure, actions in by_measure.items():
        for action in actions:
            by_action.setdefault(action, []).append(measure)

    # 受理量: demands by receipt day, toward the intake unit (legal aid and mediation count as their own measures).
    received = (Case.objects.filter(received_at__gte=start, received_at__lt=end, kind="demand")
                .values_list("intake_unit_id", "region_path", "agency", "kind", "channel", "type", "category")
                .annotate(n=Count("id")).order_by())
    for unit_id, path, agency, kind, channel, type_, category, n in received:
        acc.add("received", acc.dims(unit_id, path, agency, kind, channel, type_, category), n)

    # Every tagged measure: one grouped read of the day's events.
    events = (CaseEvent.objects.filter(at__gte=start, at__lt=end, action__in=list(by_action))
              .values_list("action", "unit_id", *CASE_DIMS).annotate(n=Count("id")).order_by())
    for action, unit_id, path, agency, kind, channel, type_, category, n in events:
        dims = acc.dims(unit_id, path, agency, kind, channel, type_, category)
        for measure in by_action.get(action, ()):
            acc.add(measure, dims, n)

    # 办结: on time or late (a deadline met late at this event), and the handling time.
    for unit_id, path, agency, kind, channel, type_, category, at, received_at, was_late in _late_rows(
            start, end, by_measure.get("replied", set())):
        dims = acc.dims(unit_id, path, agency, kind, channel, type_, category)
        acc.add("replied_late" if was_late else "replied_on_time", dims)
        acc.add("handling_seconds", dims, max(0, int((at - received_at).total_seconds())))

    # Derived from the tagged events: a milestone met late at the event (办结, 法律援助审查决定).
    for parent, late_measure, on_time_measure in (("aid_decided", "aid_decided_late", ""),):
        for row in _late_rows(start, end, by_measure.get(parent, set())):
            unit_id, path, agency, kind, channel, type_, category, _at, _received, was_late = row
            if was_late:
                acc.add(late_measure, acc.dims(unit_id, path, agency, kind, channel, type_, category))
            elif on_time_measure:
                acc.add(on_time_measure, acc.dims(unit_id, path, agency, kind, channel, type_, category))
    # Measures read from what the parent measure's events recorded (measures.yaml `flag` / `sum`):
    # 绿色通道, video and weekend bookings, certificates on time, amounts recovered or paid (whole yuan).
    for m in measures().values():
        if not (m.derived and (m.flag or m.sum)):
            continue
        rows = (CaseEvent.objects.filter(at__gte=start, at__lt=end, action__in=list(by_measure.get(m.derived, ())))
                .values_list("unit_id", *CASE_DIMS, "data").order_by())
        for unit_id, path, agency, kind, channel, type_, category, data in rows.iterator(chunk_size=2000):
            data = data or {}
            n = _yuan(data.get(m.sum)) if m.sum else int(bool(data.get(m.flag)))
            if n:
                acc.add(m.name, acc.dims(unit_id, path, agency, kind, channel, type_, category), n)

    # 心灵驿站 group activities: a plain record (no workflow), counted by the day they were held.
    from banshi.psych.models import GroupActivity

    held = (GroupActivity.objects.filter(held_on=day).values_list("station__unit_id", "station__unit__region__path")
            .annotate(n=Count("id"), people=Sum("attendance")).order_by())
    for unit_id, path, n, people in held:
        dims = acc.dims(unit_id, path or "", "", "psych", "", "", "")
        acc.add("psych_activities", dims, n)
        acc.add("psych_attendance", dims, int(people or 0))

    # 回访: what the citizen said, toward the unit the event counted for (the lead at that moment).
    rated = list(CaseEvent.objects.filter(at__gte=start, at__lt=end, action__in=list(by_measure.get("followups", ())))
                 .values_list("case_id", "at", "unit_id", *CASE_DIMS).order_by())
    # The follow-ups of those cases, read by case (the foreign-key index), matched on the event's time.
    said: dict[tuple[int, datetime], tuple[int, bool, bool]] = {}
    case_ids = sorted({row[0] for row in rated})
    for i in range(0, len(case_ids), 2000):
        for c, a, r, ct, rs in (FollowUp.objects.filter(case_id__in=case_ids[i:i + 2000], at__gte=start, at__lt=end)
                                .values_list("case_id", "at", "rating", "contacted", "resolved").order_by()):
            said[(c, a)] = (r, ct, rs)
    for case_id, at, unit_id, path, agency, kind, channel, type_, category in rated:
        answer = said.get((case_id, at))
        if answer is None:
            continue
        rating, contacted, resolved = answer
        dims = acc.dims(unit_id, path, agency, kind, channel, type_, category)
        acc.add(f"rating_{rating}", dims)
        if contacted:
            acc.add("fu_contacted", dims)
        if resolved:
            acc.add("fu_resolved", dims)
    return acc


def _late_rows(start: datetime, end: datetime, actions: set[str]) -> list[tuple[Any, ...]]:
    """The day's events of these actions with their dimensions, times, and whether a deadline was
    met late at that very event (the milestones are read by case, on the foreign-key index)."""
    if not actions:
        return []
    rows = list(CaseEvent.objects.filter(at__gte=start, at__lt=end, action__in=list(actions))
                .values_list("case_id", "unit_id", *CASE_DIMS, "at", "case__received_at").order_by())
    late: set[tuple[int, Any]] = set()
    case_ids = sorted({r[0] for r in rows})
    for i in range(0, len(case_ids), 2000):
        late.update(Milestone.objects.filter(case_id__in=case_ids[i:i + 2000], status=MilestoneStatus.MET_LATE,
                                             met_at__gte=start, met_at__lt=end).values_list("case_id", "met_at"))
    return [(*r[1:], (r[0], r[-2]) in late) for r in rows]


def _yuan(raw: Any) -> int:
    try:
        return max(0, int(Decimal(str(raw)).to_integral_value(ROUND_HALF_UP)))
    except (InvalidOperation, ValueError, TypeError):
        return 0


def county_path(path: str) -> str:
    """A region path cut at the county (区县) level: the codes of six digits."""
    return "".join(f"{code}/" for code in path.split("/") if len(code) == 6)


def _rollups(acc: _Day) -> Counter[tuple[str, str, str, str]]:
    """(measure, dim, key, area) → count: over the whole register (area ""), per county (its path)
    and per unit ("unit:<id>")."""
    out: Counter[tuple[str, str, str, str]] = Counter()
    for (measure, dims), n in acc.counts.items():
        areas = [""]
        if county := county_path(dims[1]):
            areas.append(county)
        if dims[0]:
            areas.append(f"unit:{dims[0]}")
        for area in areas:
            out[(measure, Dim.ALL, "", area)] += n
            for dim, key in zip(ROLLUP_DIMS, (str(dims[0]), *dims[1:]), strict=True):
                out[(measure, dim, key, area)] += n
    return out


def fill_day(day: date, agencies: dict[int, str] | None = None) -> int:
    """Replace one day's counts (inside the caller's transaction). Returns the rows written."""
    agencies = agencies if agencies is not None else _unit_agencies()
    acc = _fill_counts(day, agencies)
    DailyCount.objects.filter(day=day).delete()
    RollupCount.objects.filter(day=day).delete()
    DailyCount.objects.bulk_create(
        (DailyCount(day=day, measure=m, unit_id=d[0], region_path=d[1], agency=d[2], kind=d[3], channel=d[4],
                    type=d[5], category=d[6], value=n) for (m, d), n in acc.counts.items() if n),
        batch_size=2000,
    )
    rollups = _rollups(acc)
    RollupCount.objects.bulk_create(
        (RollupCount(day=day, measure=m, dim=dim, key=key, area=area, value=n)
         for (m, dim, key, area), n in rollups.items() if n),
        batch_size=2000,
    )
    return len(acc.counts) + len(rollups)


def _unit_agencies() -> dict[int, str]:
    return dict(Unit.objects.values_list("id", "agency"))


def _days(start: date, end: date) -> Iterable[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def fill(*, since: date | None = None, now: datetime | None = None,
         on_day: Callable[[date], Any] | None = None) -> FillResult:
    """Fill every day from the watermark (or `since`, or a day an unseen event landed in) through
    today. `on_day(day)` runs after each day's transaction (progress, tests that stop a fill)."""
    t0 = time.perf_counter()
    now = now or timezone.now()
    today = local_day(now)
    state, _ = FillState.objects.get_or_create(pk=1)
    max_event = CaseEvent.objects.aggregate(m=Max("id"))["m"] or 0
    max_case = Case.objects.aggregate(m=Max("id"))["m"] or 0
    starts: list[date] = []
    if state.done_through is not None:
        starts.append(state.done_through + timedelta(days=1))
    first_event = CaseEvent.objects.filter(id__gt=state.event_id, id__lte=max_event).aggregate(m=Min("at"))["m"]
    first_receipt = Case.objects.filter(id__gt=state.case_id, id__lte=max_case).aggregate(m=Min("received_at"))["m"]
    starts += [local_day(x) for x in (first_event, first_receipt) if x is not None]
    if since is not None:
        starts.append(since)
    result = FillResult()
    agencies = _unit_agencies()
    if starts:
        for day in _days(min(starts), today):
            with transaction.atomic():
                # One fill at a time: the lock serialises concurrent fills day by day.
                locked = FillState.objects.select_for_update().get(pk=1)
                result.rows += fill_day(day, agencies)
                if day < today and (locked.done_through is None or day > locked.done_through):
                    locked.done_through = day
                    locked.save(update_fields=["done_through"])
            result.days.append(day)
            if on_day is not None:
                on_day(day)
    result.seconds = time.perf_counter() - t0
    FillState.objects.filter(pk=1).update(event_id=max_event, case_id=max_case, last_run_at=now,
                                          last_seconds=result.seconds)
    return result


def refill(start: date, end: date) -> FillResult:
    """Recompute the days from start to end from the events (a correction, a changed category)."""
    t0 = time.perf_counter()
    result = FillResult()
    agencies = _unit_agencies()
    for day in _days(start, end):
        with transaction.atomic():
            FillState.objects.select_for_update().get_or_create(pk=1)
            result.rows += fill_day(day, agencies)
        result.days.append(day)
    result.seconds = time.perf_counter() - t0
    return result
