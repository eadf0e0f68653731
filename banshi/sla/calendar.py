"""Working-day calendar of the People's Republic of China.

Sources, by precedence:

1. a year's State Council schedule loaded by an administrator (:class:`LoadedYear`);
2. the schedule published in the ``chinesecalendar`` package (2004 up to its newest year);
3. a fallback for years nobody has published yet: weekends plus the statutory base holidays of
   全国年节及纪念日放假办法 (as amended 2024), with no 调休 make-up days. Answers from the
   fallback are *provisional*.

The module is pure: no database, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import chinese_calendar
from lunardate import LunarDate

__all__ = ["HOLIDAY_NAMES", "LoadedYear", "WorkCalendar", "statutory_base_holidays"]

NEW_YEAR, SPRING, QINGMING, LABOUR, DRAGON_BOAT, MID_AUTUMN, NATIONAL = (
    "元旦",
    "春节",
    "清明节",
    "劳动节",
    "端午节",
    "中秋节",
    "国庆节",
)

#: Chinese names of the holidays known to ``chinesecalendar`` (keyed by ``Holiday.value``).
HOLIDAY_NAMES: Mapping[str, str] = MappingProxyType(
    {
        chinese_calendar.Holiday.new_years_day.value: NEW_YEAR,
        chinese_calendar.Holiday.spring_festival.value: SPRING,
        chinese_calendar.Holiday.tomb_sweeping_day.value: QINGMING,
        chinese_calendar.Holiday.labour_day.value: LABOUR,
        chinese_calendar.Holiday.dragon_boat_festival.value: DRAGON_BOAT,
        chinese_calendar.Holiday.mid_autumn_festival.value: MID_AUTUMN,
        chinese_calendar.Holiday.national_day.value: NATIONAL,
        chinese_calendar.Holiday.anti_fascist_70th_day.value: "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
    }
)


@dataclass(frozen=True)
class LoadedYear:
    """A year's State Council holiday schedule, loaded by an administrator.

    ``holidays`` are the rest days of the holiday blocks (including weekdays off);
    ``workdays`` are the 调休 make-up working days (weekend days that are worked).
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]


def _lunar(year: int, month: int, day: int) -> date | None:
    try:
        return LunarDate(year, month, day).to_solar_date()
    except ValueError:  # lunardate covers 1900-2099 only
        return None


def _qingming(year: int) -> date:
    try:
        terms = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
    except NotImplementedError:  # outside 1900-2100
        return date(year, 4, 5)
    return next((d for d, name in terms if name == "清明"), date(year, 4, 5))


@lru_cache(maxsize=256)
def _base_holidays(year: int) -> Mapping[date, str]:
    days: dict[date, str] = {date(year, 1, 1): NEW_YEAR}
    first_day = _lunar(year, 1, 1)  # 正月初一; 除夕 is the day before, however long 腊月 is
    if first_day is not None:
        days.update({first_day + timedelta(days=i): SPRING for i in range(-1, 3)})
    days[_qingming(year)] = QINGMING
    days.update({date(year, 5, 1): LABOUR, date(year, 5, 2): LABOUR})
    for (month, day), name in {(5, 5): DRAGON_BOAT, (8, 15): MID_AUTUMN}.items():
        solar = _lunar(year, month, day)
        if solar is not None:
            days[solar] = name
    days.update({date(year, 10, i): NATIONAL for i in (1, 2, 3)})
    return MappingProxyType(days)


def statutory_base_holidays(year: int) -> dict[date, str]:
    """Return the statutory holidays of ``year`` under 全国年节及纪念日放假办法 (2024), with names.

    元旦 Jan 1; 春节 除夕 to 正月初三 (4 days); 清明节 (the 清明 solar term); 劳动节 May 1-2;
    端午节 lunar 5/5; 中秋节 lunar 8/15; 国庆节 Oct 1-3. Weekend compensation (补假) and 调休 are
    not included: they are only known once the State Council publishes the year's schedule.
    """
    return dict(_base_holidays(year))


class WorkCalendar:
    """Answers "is this a working day?" with admin-loaded years taking precedence over the package."""

    def __init__(self, loaded: Mapping[int, LoadedYear] | None = None) -> None:
        self._loaded: dict[int, LoadedYear] = dict(loaded or {})
        self._workday_cache: dict[date, bool] = {}
        self._published_cache: dict[int, bool] = {}

    def _published(self, year: int) -> bool:
        published = self._published_cache.get(year)
        if published is None:
            try:
                chinese_calendar.is_workday(date(year, 1, 1))
                published = True
            except NotImplementedError:
                published = False
            self._published_cache[year] = published
        return published

    def is_provisional(self, d: date) -> bool:
        """True when ``d``'s year is neither loaded by an administrator nor published in the package."""
        return d.year not in self._loaded and not self._published(d.year)

    def is_workday(self, d: date) -> bool:
        """True if ``d`` is a working day (including 调休 make-up working days)."""
        cached = self._workday_cache.get(d)
        if cached is None:
            cached = self._compute_workday(d)
            self._workday_cache[d] = cached
        return cached

    def _compute_workday(self, d: date) -> bool:
        loaded = self._loaded.get(d.year)
        if loaded is not None:
            if d in loaded.workdays:
                return True
            return d not in loaded.holidays and d.weekday() < 5
        if self._published(d.year):
            try:
                return bool(chinese_calendar.is_workday(d))
            except NotImplementedError:
                pass
        return d.weekday() < 5 and d not in _base_holidays(d.year)

    def is_rest_day(self, d: date) -> bool:
        """True if ``d`` is a statutory rest day (weekend or holiday, but not a make-up working day)."""
        return not self.is_workday(d)

    def next_workday(self, d: date) -> date:
        """Return ``d`` itself if it is a working day, else the next working day."""
        while not self.is_workday(d):
            d += timedelta(days=1)
        return d

    def holiday_name(self, d: date) -> str | None:
        """Return the Chinese name of the statutory holiday ``d`` belongs to, or None."""
        if self.is_workday(d):
            return None
        loaded = self._loaded.get(d.year)
        if loaded is not None:
            return self._loaded_holiday_name(loaded, d)
        if self._published(d.year):
            on_holiday, name = chinese_calendar.get_holiday_detail(d)
            return HOLIDAY_NAMES.get(name) if on_holiday and name else None
        return _base_holidays(d.year).get(d)

    def _loaded_holiday_name(self, loaded: LoadedYear, d: date) -> str | None:
        """Name a day of an admin-loaded holiday block after the nearest base holiday in its block."""
        if d not in loaded.holidays:
            return None
        first = last = d
        while self.is_rest_day(first - timedelta(days=1)):
            first -= timedelta(days=1)
        while self.is_rest_day(last + timedelta(days=1)):
            last += timedelta(days=1)
        base = _base_holidays(d.year)
        in_block = [day for day in base if first <= day <= last]
        return base[min(in_block, key=lambda day: abs((day - d).days))] if in_block else None
