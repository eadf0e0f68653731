"""The deadline clock as people read it: a traffic light and the time left or overdue.

One pure function (`clock_read`) turns a due time into what every page shows — the case page's
header, the queue rows, the dispatch desk's cards, the supervision board — so a case reads the
same everywhere: green 按期, amber 即将到期 (due within `DUE_SOON`, the same window as the
“即将超时” queue), red 已超时 with how long ("已超时2天3小时"), grey when the clock is paused; with
no deadline at all, how long a demand has waited for dispatch ("已等待5小时") or nothing ("—").
Times are shown in Asia/Shanghai whatever the server's zone.

Lists read the case's denormalised clock (`Case.next_due_at`, `Case.overdue`: `case_clock`), never
its milestones row by row; the case page, which has the milestones, reads the most pressing one
(`milestones_clock`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from banshi.cases.enums import State
from banshi.sla.models import MilestoneStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE_SOON = timedelta(hours=24)  # amber, and the “即将超时” queue (queries/cases.py)

GREEN, AMBER, RED, GREY, NONE = "green", "amber", "red", "grey", "none"
LABELS = {GREEN: "按期", AMBER: "即将到期", RED: "已超时"}


@dataclass(frozen=True)
class Clock:
    light: str  # green | amber | red | grey (paused) | none (no deadline)
    label: str  # 按期 / 即将到期 / 已超时 / 暂停计时 / 无时限
    text: str  # 剩余5小时 / 已超时2天3小时 / 暂停计时 / 已等待5小时 / —
    due_text: str = ""  # the due time in Asia/Shanghai, "11-05 17:00" ("" without one)
    due_iso: str = ""  # for <time datetime>
    what: str = ""  # which deadline (the milestone's label), when known

    @property
    def title(self) -> str:
        """One line for a tooltip or a screen reader: 即将到期：剩余5小时（办结答复 11-05 17:00到期）."""
        due = f"{self.what} {self.due_text}到期".strip() if self.due_text else ""
        return f"{self.label}：{self.text}" + (f"（{due}）" if due else "")


def duration_text(span: timedelta) -> str:
    """A span in Chinese, to the unit that matters: 2天3小时, 2天, 5小时, 35分钟, 不足1分钟.
    Rounded down: the time left is never overstated."""
    minutes = int(abs(span).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时"
    return f"{mins}分钟" if mins else "不足1分钟"


def local_text(value: datetime, fmt: str = "%m-%d %H:%M") -> str:
    return value.astimezone(SHANGHAI).strftime(fmt)


def clock_read(due_at: datetime | None, now: datetime, *, overdue: bool = False, paused: bool = False,
               waiting_since: datetime | None = None, what: str = "", soon: timedelta = DUE_SOON) -> Clock:
    """The clock of one deadline at `now`. `overdue`: a deadline has been recorded as breached (the
    due time given may then be a later one, or none: the light is red, the time unknown); `paused`:
    no deadline runs because the clock is stopped (waiting for the citizen's documents);
    `waiting_since`: with no deadline, when the demand began to wait (for dispatch)."""
    due_text = local_text(due_at) if due_at else ""
    due_iso = due_at.astimezone(SHANGHAI).isoformat() if due_at else ""
    if due_at is not None and due_at <= now:
        return Clock(RED, LABELS[RED], f"已超时{duration_text(now - due_at)}", due_text, due_iso, what)
    if overdue:
        return Clock(RED, LABELS[RED], LABELS[RED], due_text, due_iso, what)
    if due_at is None:
        if paused:
            return Clock(GREY, "暂停计时", "暂停计时")
        if waiting_since is not None:
            return Clock(NONE, "无时限", f"已等待{duration_text(now - waiting_since)}")
        return Clock(NONE, "无时限", "—")
    light = AMBER if due_at - now < soon else GREEN
    return Clock(light, LABELS[light], f"剩余{duration_text(due_at - now)}", due_text, due_iso, what)


WAITING_STATES = (State.REGISTERED, State.RETURNED)  # waiting for dispatch


def case_clock(case: Any, now: datetime) -> Clock:
    """A case's clock from its denormalised columns (no query): for lists. A demand waiting for
    dispatch with no deadline yet reads how long it has waited."""
    waiting = case.received_at if case.state in WAITING_STATES else None
    return clock_read(case.next_due_at, now, overdue=bool(case.overdue), waiting_since=waiting)


ACTIVE = (MilestoneStatus.PENDING, MilestoneStatus.PAUSED, MilestoneStatus.BREACHED)


def milestones_clock(milestones: Iterable[Any], now: datetime, *, waiting_since: datetime | None = None) -> Clock:
    """The most pressing of a case's open milestones: the longest overdue, else the next due, else
    paused (the case page's header)."""
    active = [m for m in milestones if m.status in ACTIVE]
    late = sorted((m for m in active if m.status == MilestoneStatus.BREACHED
                   or (m.status == MilestoneStatus.PENDING and m.due_at <= now)), key=lambda m: m.due_at)
    if late:
        return clock_read(late[0].due_at, now, overdue=True, what=late[0].label)
    running = sorted((m for m in active if m.status == MilestoneStatus.PENDING), key=lambda m: m.due_at)
    if running:
        return clock_read(running[0].due_at, now, what=running[0].label)
    return clock_read(None, now, paused=any(m.status == MilestoneStatus.PAUSED for m in active),
                      waiting_since=waiting_since)
