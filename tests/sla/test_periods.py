"""Tests for legal period parsing and deadline computation (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from banshi.sla.calendar import LoadedYear, WorkCalendar
from banshi.sla.periods import (
    Due,
    Period,
    PeriodUnit,
    compute_due,
    extend_due,
    parse_period,
    shift_for_pause,
)

SH = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, ss, tzinfo=SH)


def due(s: datetime, p: str, cal: WorkCalendar = CAL) -> Due:
    return compute_due(s, parse_period(p), cal)


# --- parse_period -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("2h", 2, PeriodUnit.HOURS),
        ("7d", 7, PeriodUnit.DAYS),
        ("15wd", 15, PeriodUnit.WORKDAYS),
        ("3m", 3, PeriodUnit.MONTHS),
        ("  15 WD ", 15, PeriodUnit.WORKDAYS),
        ("7D", 7, PeriodUnit.DAYS),
        ("10000d", 10000, PeriodUnit.DAYS),
        ("1m", 1, PeriodUnit.MONTHS),
    ],
)
def test_parse_period(text: str, amount: int, unit: PeriodUnit) -> None:
    assert parse_period(text) == Period(amount, unit)


@pytest.mark.parametrize(
    "text", ["", "  ", "7", "d", "0d", "10001d", "-1d", "1.5d", "7x", "7 days", "wd15", "７d"]
)
def test_parse_period_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="期限"):
        parse_period(text)


def test_period_str_round_trip() -> None:
    for text in ("2h", "7d", "15wd", "3m"):
        assert str(parse_period(text)) == text
    with pytest.raises(ValueError, match="1 到 10000"):
        Period(0, PeriodUnit.DAYS)


# --- compute_due: days ----------------------------------------------------------------------------


def test_days_into_national_day_2026_roll_to_oct_8() -> None:
    assert chinese_calendar.is_workday(date(2026, 10, 8))
    assert due(at(2026, 9, 28, 10), "7d") == Due(at(2026, 10, 8, 23, 59, 59), False, date(2026, 10, 8))


def test_start_day_not_counted_and_last_day_on_workday_stays() -> None:
    assert due(at(2025, 3, 3, 23, 59), "7d") == Due(at(2025, 3, 10, 23, 59, 59), False, date(2025, 3, 10))


def test_last_day_on_weekend_moves_to_monday() -> None:
    assert due(at(2025, 3, 3, 9), "5d").last_day == date(2025, 3, 10)  # Sat Mar 8 -> Mon Mar 10


def test_last_day_on_make_up_saturday_stays() -> None:
    assert date(2026, 10, 10).weekday() == 5 and chinese_calendar.is_workday(date(2026, 10, 10))
    assert due(at(2026, 10, 3, 15), "7d") == Due(at(2026, 10, 10, 23, 59, 59), False, date(2026, 10, 10))
    assert due(at(2025, 2, 1, 15), "7d").last_day == date(2025, 2, 8)


def test_spring_festival_2025() -> None:
    assert due(at(2025, 1, 20, 9), "10d").last_day == date(2025, 2, 5)  # Jan 30 -> after 春节
    assert due(at(2025, 1, 19, 9), "7d").last_day == date(2025, 1, 26)  # make-up Sunday


def test_start_is_converted_to_local_date() -> None:
    start = datetime(2025, 3, 2, 17, 0, tzinfo=UTC)  # 2025-03-03 01:00 in Shanghai
    result = compute_due(start, parse_period("7d"), CAL)
    assert result.last_day == date(2025, 3, 10)
    assert result.at == at(2025, 3, 10, 23, 59, 59)
    assert result.at.tzinfo == SH and result.at.microsecond == 0


def test_naive_start_rejected() -> None:
    with pytest.raises(ValueError, match="时区"):
        compute_due(datetime(2025, 3, 3, 9), parse_period("7d"), CAL)  # noqa: DTZ001


# --- compute_due: months -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "period", "last_day", "provisional"),
    [
        (date(2025, 1, 31), "1m", date(2025, 2, 28), False),
        (date(2025, 3, 31), "1m", date(2025, 4, 30), False),
        (date(2025, 8, 31), "1m", date(2025, 9, 30), False),
        (date(2026, 1, 31), "1m", date(2026, 2, 28), False),  # Feb 28 2026 is a make-up Saturday
        (date(2025, 7, 1), "3m", date(2025, 10, 9), False),  # Oct 1 2025 -> after 国庆 (to Oct 8)
        (date(2025, 11, 30), "3m", date(2026, 2, 28), False),  # no Feb 30; Feb 28 is worked
        (date(2026, 4, 30), "1m", date(2026, 6, 1), False),  # Sat May 30 -> Mon Jun 1
        (date(2028, 1, 31), "1m", date(2028, 2, 29), True),  # leap year, unpublished
        (date(2026, 10, 15), "12m", date(2027, 10, 15), True),
    ],
)
def test_months(start: date, period: str, last_day: date, provisional: bool) -> None:
    result = due(at(start.year, start.month, start.day, 11), period)
    assert (result.last_day, result.provisional) == (last_day, provisional)


# --- compute_due: unpublished year 2027 ------------------------------------------------------------


def test_into_2027_new_year_is_provisional() -> None:
    assert due(at(2026, 12, 25, 9), "7d") == Due(at(2027, 1, 4, 23, 59, 59), True, date(2027, 1, 4))


def test_last_day_in_2026_is_not_provisional() -> None:
    assert due(at(2026, 12, 24, 9), "7d") == Due(at(2026, 12, 31, 23, 59, 59), False, date(2026, 12, 31))
    assert due(at(2026, 12, 24, 9), "2d").last_day == date(2026, 12, 28)  # Sat -> Mon


def test_2027_fallback_holidays() -> None:
    assert due(at(2027, 2, 1, 9), "4d") == Due(at(2027, 2, 9, 23, 59, 59), True, date(2027, 2, 9))
    assert due(at(2027, 9, 24, 9), "7d").last_day == date(2027, 10, 4)
    assert due(at(2027, 9, 8, 9), "7d").last_day == date(2027, 9, 16)  # 中秋 Wed Sep 15
    assert due(at(2027, 6, 2, 9), "7d").last_day == date(2027, 6, 10)  # 端午 Wed Jun 9


def test_workdays_crossing_into_2027_provisional() -> None:
    result = due(at(2026, 12, 28, 9), "5wd")
    assert result == Due(at(2027, 1, 5, 23, 59, 59), True, date(2027, 1, 5))
    assert not due(at(2026, 12, 21, 9), "5wd").provisional  # Dec 28 2026


# --- compute_due: hours and working days -----------------------------------------------------------


def test_hours_across_midnight() -> None:
    assert due(at(2026, 3, 10, 22, 30), "2h") == Due(at(2026, 3, 11, 0, 30), False, None)
    utc_start = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)
    result = compute_due(utc_start, parse_period("2h"), CAL)
    assert result.at == at(2026, 3, 11, 0, 30) and result.at.tzinfo == SH


def test_hours_ignore_holidays_and_unpublished_years() -> None:
    assert due(at(2026, 9, 30, 12), "24h").at == at(2026, 10, 1, 12)
    assert due(at(2026, 12, 31, 20), "24h") == Due(at(2027, 1, 1, 20), False, None)


def test_workdays_across_national_day_2026() -> None:
    assert chinese_calendar.find_workday(15, date(2026, 9, 28)) == date(2026, 10, 23)
    assert due(at(2026, 9, 28, 10), "15wd") == Due(at(2026, 10, 23, 23, 59, 59), False, date(2026, 10, 23))
    assert due(at(2026, 9, 28, 10), "3wd").last_day == date(2026, 10, 8)
    assert due(at(2026, 10, 3, 10), "1wd").last_day == date(2026, 10, 8)
    assert due(at(2026, 10, 8, 10), "2wd").last_day == date(2026, 10, 10)  # make-up Saturday counts


def test_workdays_across_national_day_2025() -> None:
    assert chinese_calendar.find_workday(5, date(2025, 9, 26)) == date(2025, 10, 10)
    assert due(at(2025, 9, 26, 10), "5wd").last_day == date(2025, 10, 10)  # Sun Sep 28 counted


# --- extend_due ----------------------------------------------------------------------------------


def test_extend_days() -> None:
    first = due(at(2026, 8, 1, 9), "60d")  # 信访 60 days
    assert first.last_day == date(2026, 9, 30)
    assert extend_due(first, parse_period("30d"), CAL) == Due(
        at(2026, 10, 30, 23, 59, 59), False, date(2026, 10, 30)
    )
    assert extend_due(first, parse_period("7d"), CAL).last_day == date(2026, 10, 8)


def test_extend_hours_workdays_months() -> None:
    hourly = due(at(2026, 3, 10, 22, 30), "2h")
    assert extend_due(hourly, parse_period("2h"), CAL) == Due(at(2026, 3, 11, 2, 30), False, None)
    notary = due(at(2026, 9, 21, 9), "5wd")
    assert notary.last_day == date(2026, 9, 29)
    assert extend_due(notary, parse_period("5wd"), CAL).last_day == date(2026, 10, 12)
    monthly = due(at(2025, 12, 31, 9), "1m")
    assert monthly.last_day == date(2026, 2, 2)  # Sat Jan 31 -> Mon Feb 2
    assert extend_due(monthly, parse_period("1m"), CAL).last_day == date(2026, 3, 2)


def test_extend_into_2027_is_provisional() -> None:
    first = due(at(2026, 11, 20, 9), "30d")
    assert first == Due(at(2026, 12, 21, 23, 59, 59), False, date(2026, 12, 21))  # Sun Dec 20 -> Mon
    assert extend_due(first, parse_period("30d"), CAL) == Due(
        at(2027, 1, 20, 23, 59, 59), True, date(2027, 1, 20)
    )


# --- shift_for_pause -----------------------------------------------------------------------------


def test_pause_hours() -> None:
    d = due(at(2026, 3, 10, 22, 30), "2h")
    shifted = shift_for_pause(d, at(2026, 3, 10, 23), at(2026, 3, 11, 2, 30), PeriodUnit.HOURS, CAL)
    assert shifted == Due(at(2026, 3, 11, 4), False, None)


def test_pause_days_counts_whole_local_days() -> None:
    d = due(at(2025, 3, 3, 10), "7d")
    assert d.last_day == date(2025, 3, 10)
    # Mar 4 15:00 -> Mar 8 09:00: whole days Mar 5, 6, 7
    shifted = shift_for_pause(d, at(2025, 3, 4, 15), at(2025, 3, 8, 9), PeriodUnit.DAYS, CAL)
    assert shifted == Due(at(2025, 3, 13, 23, 59, 59), False, date(2025, 3, 13))
    # five whole days (Mar 4-8) lands on Sat Mar 15 -> Mon Mar 17
    shifted = shift_for_pause(d, at(2025, 3, 4), at(2025, 3, 9), PeriodUnit.DAYS, CAL)
    assert shifted.last_day == date(2025, 3, 17)
    # a pause that contains no whole day changes nothing
    assert shift_for_pause(d, at(2025, 3, 4, 8), at(2025, 3, 5, 7), PeriodUnit.DAYS, CAL) == d


def test_pause_workdays_counts_working_days_in_pause() -> None:
    d = due(at(2026, 9, 21, 9), "5wd")
    assert d.last_day == date(2026, 9, 29)
    # whole days Sep 23 .. Oct 8 contain 6 working days: Sep 23, 24, 28, 29, 30, Oct 8
    shifted = shift_for_pause(d, at(2026, 9, 23), at(2026, 10, 9), PeriodUnit.WORKDAYS, CAL)
    assert chinese_calendar.find_workday(6, date(2026, 9, 29)) == date(2026, 10, 13)
    assert shifted == Due(at(2026, 10, 13, 23, 59, 59), False, date(2026, 10, 13))
    # a pause over the holiday only contains no working day
    assert shift_for_pause(d, at(2026, 10, 1), at(2026, 10, 8), PeriodUnit.WORKDAYS, CAL) == d


def test_pause_into_2027_is_provisional() -> None:
    d = due(at(2026, 12, 1, 9), "20d")
    assert d == Due(at(2026, 12, 21, 23, 59, 59), False, date(2026, 12, 21))
    shifted = shift_for_pause(d, at(2026, 12, 2), at(2026, 12, 14), PeriodUnit.DAYS, CAL)
    assert shifted == Due(at(2027, 1, 4, 23, 59, 59), True, date(2027, 1, 4))


def test_pause_validation() -> None:
    d = due(at(2025, 3, 3, 10), "7d")
    with pytest.raises(ValueError, match="早于"):
        shift_for_pause(d, at(2025, 3, 5), at(2025, 3, 4), PeriodUnit.DAYS, CAL)
    with pytest.raises(ValueError, match="时区"):
        shift_for_pause(d, datetime(2025, 3, 4), at(2025, 3, 5), PeriodUnit.DAYS, CAL)  # noqa: DTZ001


# --- precedence ------------------------------------------------------------------------------------


def test_loaded_2027_replaces_fallback() -> None:
    loaded = LoadedYear(
        year=2027,
        holidays=frozenset({date(2027, 1, 1), date(2027, 1, 4)}),
        workdays=frozenset({date(2027, 1, 9)}),
    )
    cal = WorkCalendar({2027: loaded})
    assert due(at(2026, 12, 25, 9), "7d", cal) == Due(at(2027, 1, 5, 23, 59, 59), False, date(2027, 1, 5))
    assert due(at(2027, 1, 2, 9), "7d", cal).last_day == date(2027, 1, 9)  # loaded make-up Saturday
    assert due(at(2027, 1, 2, 9), "7d").last_day == date(2027, 1, 11)  # fallback: Saturday is rest


def test_loaded_2026_replaces_package() -> None:
    loaded = LoadedYear(year=2026, holidays=frozenset({date(2026, 10, 1)}), workdays=frozenset())
    cal = WorkCalendar({2026: loaded})
    assert due(at(2026, 9, 28, 10), "7d", cal).last_day == date(2026, 10, 5)
    assert due(at(2026, 9, 28, 10), "7d").last_day == date(2026, 10, 8)
