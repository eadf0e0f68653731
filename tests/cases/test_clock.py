"""The deadline clock as people read it (cases/queries/clock.py): pure, given `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from banshi.cases.queries.clock import case_clock, clock_read, duration_text, milestones_clock
from banshi.sla.models import MilestoneStatus

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


@pytest.mark.parametrize(("span", "text"), [
    (timedelta(days=2, hours=3, minutes=59), "2天3小时"),
    (timedelta(days=2, minutes=5), "2天"),
    (timedelta(hours=5, minutes=59), "5小时"),
    (timedelta(minutes=35, seconds=50), "35分钟"),
    (timedelta(seconds=40), "不足1分钟"),
    (timedelta(days=-1, hours=-2), "1天2小时"),  # the sign is the caller's: 剩余 or 已超时
])
def test_durations_read_to_the_unit_that_matters_and_never_overstate(span: timedelta, text: str) -> None:
    assert duration_text(span) == text


def test_green_amber_red_by_the_time_left() -> None:
    green = clock_read(NOW + timedelta(days=3, hours=2), NOW)
    assert (green.light, green.label, green.text) == ("green", "按期", "剩余3天2小时")
    amber = clock_read(NOW + timedelta(hours=5, minutes=10), NOW)
    assert (amber.light, amber.label, amber.text) == ("amber", "即将到期", "剩余5小时")
    red = clock_read(NOW - timedelta(days=2, hours=3), NOW)
    assert (red.light, red.label, red.text) == ("red", "已超时", "已超时2天3小时")


def test_the_due_time_is_shown_in_shanghai_whatever_the_zone_given() -> None:
    due = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 17:00 in Shanghai
    k = clock_read(due, NOW, what="办结答复")
    assert k.due_text == "12-01 17:00" and k.due_iso.startswith("2026-12-01T17:00:00+08:00")
    assert k.title == "按期：剩余1天7小时（办结答复 12-01 17:00到期）"


def test_a_breach_is_red_even_when_the_next_deadline_is_later_or_unknown() -> None:
    # The sweep recorded a breach; the case's next due time is a later milestone's, or none.
    later = clock_read(NOW + timedelta(days=4), NOW, overdue=True)
    assert (later.light, later.text) == ("red", "已超时")
    unknown = clock_read(None, NOW, overdue=True)
    assert (unknown.light, unknown.text) == ("red", "已超时")
    # A due time already past is red with how long, before the sweep has noticed.
    assert clock_read(NOW - timedelta(minutes=20), NOW).text == "已超时20分钟"


def test_no_deadline_reads_how_long_it_waited_and_a_paused_one_is_grey() -> None:
    assert (clock_read(None, NOW).light, clock_read(None, NOW).text) == ("none", "—")
    waited = clock_read(None, NOW, waiting_since=NOW - timedelta(hours=26))
    assert (waited.light, waited.text) == ("none", "已等待1天2小时")
    paused = clock_read(None, NOW, paused=True)
    assert (paused.light, paused.text) == ("grey", "暂停计时")


@dataclass
class _Case:
    next_due_at: datetime | None
    overdue: bool
    state: str = "handling"
    received_at: datetime = NOW - timedelta(hours=5)


@dataclass
class _M:
    label: str
    due_at: datetime
    status: str


def test_lists_read_the_cases_own_columns() -> None:
    assert case_clock(_Case(NOW + timedelta(hours=2), False), NOW).text == "剩余2小时"
    assert case_clock(_Case(None, True), NOW).light == "red"
    assert case_clock(_Case(None, False, state="registered"), NOW).text == "已等待5小时"
    assert case_clock(_Case(None, False, state="archived"), NOW).text == "—"


def test_the_case_header_reads_the_most_pressing_milestone() -> None:
    ms = [
        _M("签收", NOW - timedelta(hours=30), MilestoneStatus.MET),
        _M("办结答复", NOW + timedelta(days=5), MilestoneStatus.PENDING),
        _M("程序性答复", NOW - timedelta(hours=3), MilestoneStatus.BREACHED),
        _M("受理告知", NOW - timedelta(hours=1), MilestoneStatus.PENDING),  # past due, not swept yet
    ]
    k = milestones_clock(ms, NOW)
    assert (k.light, k.text, k.what) == ("red", "已超时3小时", "程序性答复")
    k = milestones_clock(ms[:2], NOW)
    assert (k.light, k.text, k.what) == ("green", "剩余5天", "办结答复")
    paused = [_M("出证", NOW + timedelta(days=2), MilestoneStatus.PAUSED)]
    assert milestones_clock(paused, NOW).text == "暂停计时"
    assert milestones_clock([ms[0]], NOW).text == "—"
