"""Tests for the working-day calendar (no database)."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from banshi.sla import calendar as cal_module
from banshi.sla.calendar import LoadedYear, WorkCalendar, statutory_base_holidays


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture
def cal() -> WorkCalendar:
    return WorkCalendar()


def test_package_data_2025_spring_festival(cal: WorkCalendar) -> None:
    for d in _days(date(2025, 1, 28), date(2025, 2, 4)):
        assert not chinese_calendar.is_workday(d)
        assert cal.is_rest_day(d)
        assert cal.holiday_name(d) == "春节"
    for d in (date(2025, 1, 26), date(2025, 2, 8)):  # Sunday and Saturday make-up days
        assert d.weekday() >= 5 and chinese_calendar.is_workday(d)
        assert cal.is_workday(d)
        assert cal.holiday_name(d) is None
    assert cal.is_workday(date(2025, 1, 27)) and cal.is_workday(date(2025, 2, 5))


def test_package_data_2026_spring_festival(cal: WorkCalendar) -> None:
    for d in _days(date(2026, 2, 15), date(2026, 2, 23)):
        assert not chinese_calendar.is_workday(d)
        assert cal.is_rest_day(d)
    assert cal.holiday_name(date(2026, 2, 17)) == "春节"
    for d in (date(2026, 2, 14), date(2026, 2, 28)):  # both Saturdays
        assert d.weekday() == 5 and chinese_calendar.is_workday(d)
        assert cal.is_workday(d)
    assert cal.is_workday(date(2026, 2, 24))


def test_package_data_2026_mid_autumn_and_national_day(cal: WorkCalendar) -> None:
    for d in _days(date(2026, 10, 1), date(2026, 10, 7)):
        assert not chinese_calendar.is_workday(d)
        assert cal.is_rest_day(d)
        assert cal.holiday_name(d) == "国庆节"
    for d in _days(date(2026, 9, 25), date(2026, 9, 27)):
        assert not chinese_calendar.is_workday(d)
        assert cal.holiday_name(d) == "中秋节"
    assert date(2026, 9, 20).weekday() == 6 and cal.is_workday(date(2026, 9, 20))
    assert date(2026, 10, 10).weekday() == 5 and cal.is_workday(date(2026, 10, 10))
    assert chinese_calendar.is_workday(date(2026, 10, 8)) and cal.is_workday(date(2026, 10, 8))
    assert cal.holiday_name(date(2026, 3, 7)) is None  # an ordinary Saturday
    assert cal.is_rest_day(date(2026, 3, 7))


def test_next_workday(cal: WorkCalendar) -> None:
    assert cal.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert cal.next_workday(date(2026, 10, 8)) == date(2026, 10, 8)
    assert cal.next_workday(date(2026, 10, 9)) == date(2026, 10, 9)
    assert cal.next_workday(date(2026, 3, 7)) == date(2026, 3, 9)
    assert cal.next_workday(date(2027, 1, 1)) == date(2027, 1, 4)


def test_provisional_only_for_unpublished_years(cal: WorkCalendar) -> None:
    assert not cal.is_provisional(date(2025, 6, 1))
    assert not cal.is_provisional(date(2026, 12, 31))
    assert cal.is_provisional(date(2027, 1, 1))
    assert cal.is_provisional(date(2003, 5, 1))  # before the package's first year
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


def test_statutory_base_holidays_2027() -> None:
    assert statutory_base_holidays(2027) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 5): "春节",  # 除夕; 正月初一 is Feb 6
        date(2027, 2, 6): "春节",
        date(2027, 2, 7): "春节",
        date(2027, 2, 8): "春节",
        date(2027, 4, 5): "清明节",
        date(2027, 5, 1): "劳动节",
        date(2027, 5, 2): "劳动节",
        date(2027, 6, 9): "端午节",
        date(2027, 9, 15): "中秋节",
        date(2027, 10, 1): "国庆节",
        date(2027, 10, 2): "国庆节",
        date(2027, 10, 3): "国庆节",
    }


def test_chuxi_whether_the_twelfth_lunar_month_has_29_or_30_days() -> None:
    spring_2024 = sorted(d for d, n in statutory_base_holidays(2024).items() if n == "春节")
    assert spring_2024 == _days(date(2024, 2, 9), date(2024, 2, 12))  # 除夕 = 腊月三十
    spring_2025 = sorted(d for d, n in statutory_base_holidays(2025).items() if n == "春节")
    assert spring_2025 == _days(date(2025, 1, 28), date(2025, 1, 31))  # 除夕 = 腊月廿九


def test_fallback_for_2027(cal: WorkCalendar) -> None:
    for d in _days(date(2027, 2, 5), date(2027, 2, 8)):
        assert cal.is_rest_day(d)
        assert cal.holiday_name(d) == "春节"
    assert cal.is_workday(date(2027, 2, 4)) and cal.is_workday(date(2027, 2, 9))
    assert cal.is_rest_day(date(2027, 1, 1)) and cal.holiday_name(date(2027, 1, 1)) == "元旦"
    assert cal.is_rest_day(date(2027, 6, 9)) and cal.holiday_name(date(2027, 6, 9)) == "端午节"
    assert cal.is_rest_day(date(2027, 9, 15)) and cal.holiday_name(date(2027, 9, 15)) == "中秋节"
    assert cal.is_rest_day(date(2027, 4, 5))
    assert [cal.is_workday(d) for d in _days(date(2027, 9, 30), date(2027, 10, 4))] == [
        True,
        False,
        False,
        False,
        True,
    ]
    assert cal.is_rest_day(date(2027, 3, 6))  # Saturday, no 调休 known
    assert cal.holiday_name(date(2027, 3, 6)) is None


def test_years_outside_all_data_do_not_crash(cal: WorkCalendar) -> None:
    assert cal.is_workday(date(2999, 1, 2)) is (date(2999, 1, 2).weekday() < 5)
    assert cal.is_rest_day(date(1899, 1, 1))
    assert cal.holiday_name(date(2999, 10, 1)) == "国庆节"


def test_loaded_year_overrides_package() -> None:
    loaded = LoadedYear(
        year=2026,
        holidays=frozenset({date(2026, 3, 10), *_days(date(2026, 10, 1), date(2026, 10, 4))}),
        workdays=frozenset({date(2026, 3, 14)}),
    )
    cal = WorkCalendar({2026: loaded})
    assert cal.is_rest_day(date(2026, 3, 10))  # a Tuesday declared off
    assert cal.is_workday(date(2026, 3, 14))  # a Saturday declared worked
    assert cal.is_workday(date(2026, 10, 5))  # off in the package, not in the loaded schedule
    assert cal.is_rest_day(date(2026, 10, 10))  # make-up day in the package only
    assert cal.holiday_name(date(2026, 10, 4)) == "国庆节"
    assert cal.holiday_name(date(2026, 3, 10)) is None
    assert not cal.is_provisional(date(2026, 3, 10))
    assert cal.is_workday(date(2025, 10, 9)) and cal.is_rest_day(date(2025, 10, 8))  # other years unaffected


def test_loaded_year_overrides_fallback() -> None:
    loaded = LoadedYear(
        year=2027,
        holidays=frozenset(_days(date(2027, 2, 5), date(2027, 2, 11))),
        workdays=frozenset({date(2027, 2, 20)}),
    )
    cal = WorkCalendar({2027: loaded})
    assert not cal.is_provisional(date(2027, 2, 5))
    assert cal.is_rest_day(date(2027, 2, 11))
    assert cal.holiday_name(date(2027, 2, 11)) == "春节"
    assert cal.is_workday(date(2027, 2, 20))  # Saturday make-up
    assert cal.is_workday(date(2027, 10, 1))  # not declared in this (partial) schedule
    assert cal.is_provisional(date(2028, 1, 3))


def test_answers_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[date] = []
    real = chinese_calendar.is_workday

    def counting(d: date) -> bool:
        calls.append(d)
        return bool(real(d))

    monkeypatch.setattr(cal_module.chinese_calendar, "is_workday", counting)
    cal = WorkCalendar()
    for _ in range(5):
        assert cal.is_rest_day(date(2026, 10, 2))
        assert cal.is_workday(date(2026, 10, 9))
    assert calls.count(date(2026, 10, 2)) == 1
    assert calls.count(date(2026, 10, 9)) == 1
