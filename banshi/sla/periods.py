"""Legal periods and their deadlines (民法典 arts. 200-204).

* The start day is not counted.
* ``Nd``: the last day is the local start date + N days.
* ``Nm``: the corresponding day N months later, or that month's last day where there is none.
* For ``d`` and ``m``, a last day on a statutory rest day (weekend or holiday, but not a 调休
  make-up working day) moves to the next working day.
* ``Nwd``: the last day is the Nth working day after the start day.
* The period ends at 24:00 of its last day, represented as 23:59:59 local time.
* ``Nh``: N hours on the clock from the start instant, no calendar adjustment.

Pure: the start instant and the calendar are passed in.
"""

from __future__ import annotations

import calendar as _stdcal
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from banshi.sla.calendar import WorkCalendar

__all__ = [
    "MAX_AMOUNT",
    "SHANGHAI",
    "Due",
    "Period",
    "PeriodUnit",
    "compute_due",
    "extend_due",
    "parse_period",
    "shift_for_pause",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_AMOUNT = 10000
_END_OF_DAY = time(23, 59, 59)
_PERIOD_RE = re.compile(r"([0-9]+)\s*(wd|h|d|m)", re.IGNORECASE)


class PeriodUnit(StrEnum):
    """Unit of a legal period."""

    HOURS = "h"
    DAYS = "d"
    WORKDAYS = "wd"
    MONTHS = "m"


@dataclass(frozen=True)
class Period:
    """A legal period such as 7 days (``7d``) or 15 working days (``15wd``)."""

    amount: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        if not isinstance(self.unit, PeriodUnit):
            raise ValueError(f"期限单位无效：{self.unit!r}")
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError(f"期限数值必须是整数：{self.amount!r}")
        if not 1 <= self.amount <= MAX_AMOUNT:
            raise ValueError(f"期限数值必须在 1 到 {MAX_AMOUNT} 之间：{self.amount}")

    def __str__(self) -> str:
        return f"{self.amount}{self.unit.value}"


def parse_period(text: str) -> Period:
    """Parse ``"2h"``, ``"7d"``, ``"15wd"`` or ``"3m"`` (whitespace and upper case tolerated)."""
    if not isinstance(text, str):
        raise ValueError("期限必须是文本，例如 7d、15wd、2h、3m")
    match = _PERIOD_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"无法识别的期限“{text}”：应为数字加单位，h=小时、d=自然日、wd=工作日、m=月，例如 7d、15wd"
        )
    return Period(int(match.group(1)), PeriodUnit(match.group(2).lower()))


@dataclass(frozen=True)
class Due:
    """A deadline: the aware instant it falls due and the local last day of the period."""

    at: datetime
    provisional: bool
    last_day: date | None


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what}必须带时区")


def _add_hours(instant: datetime, delta: timedelta, tz: ZoneInfo) -> datetime:
    """Add real elapsed time (computed in UTC, so DST-safe) and express the result in ``tz``."""
    return (instant.astimezone(UTC) + delta).astimezone(tz)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _stdcal.monthrange(year, month)[1]))


def _roll_forward(day: date, cal: WorkCalendar) -> tuple[date, bool]:
    """Move ``day`` to the next working day if it is a rest day; report whether any day was provisional."""
    provisional = cal.is_provisional(day)
    while cal.is_rest_day(day):
        day += timedelta(days=1)
        provisional = provisional or cal.is_provisional(day)
    return day, provisional


def _nth_workday_after(day: date, n: int, cal: WorkCalendar) -> tuple[date, bool]:
    """Return the ``n``-th working day after ``day`` (``day`` itself not counted)."""
    provisional = False
    while n > 0:
        day += timedelta(days=1)
        provisional = provisional or cal.is_provisional(day)
        if cal.is_workday(day):
            n -= 1
    return day, provisional


def _last_day_from(base: date, period: Period, cal: WorkCalendar) -> tuple[date, bool]:
    """Count a day, month or working-day period on from the (uncounted) local day ``base``."""
    if period.unit is PeriodUnit.WORKDAYS:
        return _nth_workday_after(base, period.amount, cal)
    if period.unit is PeriodUnit.DAYS:
        return _roll_forward(base + timedelta(days=period.amount), cal)
    if period.unit is PeriodUnit.MONTHS:
        return _roll_forward(_add_months(base, period.amount), cal)
    raise ValueError(f"小时期限不按日计算：{period}")


def _end_of(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, _END_OF_DAY, tzinfo=tz)


def compute_due(start: datetime, period: Period, calendar: WorkCalendar, tz: ZoneInfo = SHANGHAI) -> Due:
    """Compute when ``period`` counted from the aware instant ``start`` falls due."""
    _require_aware(start, "开始时间")
    if period.unit is PeriodUnit.HOURS:
        at = _add_hours(start, timedelta(hours=period.amount), tz)
        return Due(at=at, provisional=False, last_day=None)
    last_day, provisional = _last_day_from(start.astimezone(tz).date(), period, calendar)
    return Due(at=_end_of(last_day, tz), provisional=provisional, last_day=last_day)


def extend_due(due: Due, period: Period, calendar: WorkCalendar, tz: ZoneInfo = SHANGHAI) -> Due:
    """Apply an approved extension: count ``period`` on from the current deadline.

    Hours run from the instant ``due.at``; other periods from ``due.last_day`` (or the local date
    of ``due.at``) by the same rules as :func:`compute_due`.
    """
    if period.unit is PeriodUnit.HOURS:
        at = _add_hours(due.at, timedelta(hours=period.amount), tz)
        return Due(at=at, provisional=due.provisional, last_day=None)
    base = due.last_day if due.last_day is not None else due.at.astimezone(tz).date()
    last_day, provisional = _last_day_from(base, period, calendar)
    return Due(at=_end_of(last_day, tz), provisional=due.provisional or provisional, last_day=last_day)


def _whole_days_within(start: datetime, end: datetime, tz: ZoneInfo) -> list[date]:
    """Local calendar days lying entirely (00:00 to 24:00) within ``[start, end]``."""
    first = start.astimezone(tz).date()
    if datetime.combine(first, time(), tzinfo=tz) < start:
        first += timedelta(days=1)
    stop = end.astimezone(tz).date()  # exclusive: the day containing `end` is not over
    return [first + timedelta(days=i) for i in range((stop - first).days)]


def shift_for_pause(
    due: Due,
    paused_from: datetime,
    paused_to: datetime,
    unit: PeriodUnit,
    calendar: WorkCalendar,
    tz: ZoneInfo = SHANGHAI,
) -> Due:
    """Push a deadline back by a time during which the clock was stopped.

    * ``HOURS``: the deadline moves by the paused duration.
    * ``DAYS`` / ``MONTHS``: the last day moves by the number of whole local days in the pause
      (days from 00:00 to 24:00), then rolls forward to a working day if it lands on a rest day.
    * ``WORKDAYS``: the last day advances by the number of working days among those whole days.
    """
    _require_aware(paused_from, "暂停开始时间")
    _require_aware(paused_to, "暂停结束时间")
    if paused_to < paused_from:
        raise ValueError("暂停结束时间不能早于暂停开始时间")
    if unit is PeriodUnit.HOURS:
        at = _add_hours(due.at, paused_to - paused_from, tz)
        last = None if due.last_day is None else at.date()
        return Due(at=at, provisional=due.provisional, last_day=last)
    days = _whole_days_within(paused_from, paused_to, tz)
    base = due.last_day if due.last_day is not None else due.at.astimezone(tz).date()
    if unit is PeriodUnit.WORKDAYS:
        paused = sum(1 for d in days if calendar.is_workday(d))
        last_day, provisional = _nth_workday_after(base, paused, calendar)
        provisional = provisional or any(calendar.is_provisional(d) for d in days)
    elif days:
        last_day, provisional = _roll_forward(base + timedelta(days=len(days)), calendar)
    else:
        return due
    if last_day == base:
        return Due(at=due.at, provisional=due.provisional or provisional, last_day=due.last_day)
    return Due(at=_end_of(last_day, tz), provisional=due.provisional or provisional, last_day=last_day)
