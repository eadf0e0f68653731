"""`banshi sla due`: the legal answer for last days on a holiday, a weekend, a make-up
working day and in 2027 (unpublished calendar: answer marked provisional on stderr)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command


def _due(start: str, period: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    import sys

    old = sys.stderr
    sys.stderr = err
    try:
        call_command("sla", "due", "--from", start, "--period", period, stdout=out)
    finally:
        sys.stderr = old
    return out.getvalue().strip(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "period", "expected"),
    [
        # last day Oct 5 2026 is in the National Day holiday → Oct 8 (first working day)
        ("2026-09-28T10:00:00+08:00", "7d", "2026-10-08T23:59:59+08:00"),
        # last day Sat 2026-11-28 (ordinary weekend) → Mon Nov 30
        ("2026-11-21T09:00:00+08:00", "7d", "2026-11-30T23:59:59+08:00"),
        # last day Sat 2026-10-10 is a 调休 make-up working day: it stays
        ("2026-10-03T09:00:00+08:00", "7d", "2026-10-10T23:59:59+08:00"),
        # 2025 Spring Festival: last day Jan 31 2025 (holiday) → Feb 5
        ("2025-01-24T09:00:00+08:00", "7d", "2025-02-05T23:59:59+08:00"),
        # month end: Jan 31 + 1 month → Feb 28 2026 (a make-up working Saturday)
        ("2026-01-31T09:00:00+08:00", "1m", "2026-02-28T23:59:59+08:00"),
        # working days across National Day 2026: 15 working days from Sep 28
        ("2026-09-28T10:00:00+08:00", "15wd", "2026-10-23T23:59:59+08:00"),
        # hours run on the clock, through the night and the holiday
        ("2026-09-30T23:00:00+08:00", "2h", "2026-10-01T01:00:00+08:00"),
        # a UTC start is counted on the Shanghai calendar day
        ("2026-09-27T20:00:00+00:00", "7d", "2026-10-08T23:59:59+08:00"),
    ],
)
def test_due_published_years(start: str, period: str, expected: str) -> None:
    out, err = _due(start, period)
    assert out == expected
    assert err == ""


@pytest.mark.django_db
def test_due_in_unpublished_2027_is_provisional() -> None:
    # 2027 Spring Festival by the statutory base rule: 除夕 Feb 5 to 初三 Feb 8 → next working day Feb 9.
    out, err = _due("2027-01-29T09:00:00+08:00", "7d")
    assert out == "2027-02-09T23:59:59+08:00"
    assert "provisional" in err
    out, err = _due("2026-12-25T09:00:00+08:00", "7d")
    assert out == "2027-01-04T23:59:59+08:00" and "provisional" in err


@pytest.mark.django_db
def test_due_loaded_schedule_overrides_fallback() -> None:
    from banshi.sla.models import CalendarYear
    from banshi.sla.services import calendar_reload

    # An administrator loads 2027's schedule: say Feb 5–11 off, Feb 13 (Sat) a make-up workday.
    CalendarYear.objects.create(year=2027, holidays=[f"2027-02-{d:02d}" for d in range(5, 12)], workdays=["2027-02-13"])
    calendar_reload()
    try:
        out, err = _due("2027-01-29T09:00:00+08:00", "7d")
        assert out == "2027-02-12T23:59:59+08:00"
        assert err == ""
    finally:
        CalendarYear.objects.all().delete()
        calendar_reload()


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "period"), [("2026-09-28", "7x"), ("yesterday", "7d"), ("2026-09-28T10:00:00", "7d")])
def test_due_bad_input(start: str, period: str) -> None:
    with pytest.raises(CommandError):
        _due(start, period)
