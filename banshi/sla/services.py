"""The SLA clock: a case's milestones started, met, paused, resumed, restarted, extended and
cancelled as the case moves.

The clock knows no workflow action names and no case states. The workflow engine passes plain
values: the case id and policy, the action's key (matched only against the policy's own data —
the `start` and `met_by` lists, validated against the workflow's actions at load and at every
edit), the rule's declared `ClockEffect`, and whether the case is closing or still owes a reply.
It returns the case's earliest open due time and overdue flag; the caller stores them."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from banshi.core.errors import Conflict
from banshi.sla.calendar import LoadedYear, WorkCalendar
from banshi.sla.models import ACTIVE_MILESTONE_STATUSES, CalendarYear, Milestone, MilestoneStatus, Policy
from banshi.sla.periods import Due, compute_due, extend_due, parse_period, shift_for_pause

_calendar_lock = threading.Lock()
_calendar_cache: tuple[float, WorkCalendar] | None = None
CALENDAR_TTL_SECONDS = 60.0


def get_calendar() -> WorkCalendar:
    """The working-day calendar with the administrator-loaded years on top (cached per process)."""
    global _calendar_cache
    with _calendar_lock:
        if _calendar_cache is not None and time.monotonic() - _calendar_cache[0] < CALENDAR_TTL_SECONDS:
            return _calendar_cache[1]
        loaded = {
            y.year: LoadedYear(
                year=y.year,
                holidays=frozenset(date.fromisoformat(d) for d in y.holidays),
                workdays=frozenset(date.fromisoformat(d) for d in y.workdays),
            )
            for y in CalendarYear.objects.all()
        }
        cal = WorkCalendar(loaded)
        _calendar_cache = (time.monotonic(), cal)
        return cal


def calendar_reload() -> None:
    global _calendar_cache
    with _calendar_lock:
        _calendar_cache = None


def _warn_at(start: datetime, due: datetime) -> datetime:
    span = due - start
    return due - span * settings.BANSHI_SLA_WARN_FRACTION


_policy_cache: dict[int, tuple[float, list[dict[str, Any]]]] = {}


def _policy_defs(policy_id: int | None) -> list[dict[str, Any]]:
    """The milestone definitions of a policy (cached per process like the calendar)."""
    if policy_id is None:
        return []
    hit = _policy_cache.get(policy_id)
    if hit is not None and time.monotonic() - hit[0] < CALENDAR_TTL_SECONDS:
        return hit[1]
    defs = list(Policy.objects.filter(pk=policy_id).values_list("milestones", flat=True).first() or [])
    _policy_cache[policy_id] = (time.monotonic(), defs)
    return defs


_policy_by_code: dict[str, tuple[float, Policy | None]] = {}


def policy_by_code(code: str) -> Policy | None:
    """An active policy by code (cached per process for a minute, like the definitions)."""
    hit = _policy_by_code.get(code)
    if hit is not None and time.monotonic() - hit[0] < CALENDAR_TTL_SECONDS:
        return hit[1]
    policy = Policy.objects.filter(code=code, is_active=True).first()
    _policy_by_code[code] = (time.monotonic(), policy)
    return policy


def policy_cache_clear() -> None:
    _policy_cache.clear()
    _policy_by_code.clear()


def milestone_start(case_id: int, d: dict[str, Any], start: datetime, period_text: str | None = None) -> Milestone:
    period = parse_period(period_text or d["period"])
    due = compute_due(start, period, get_calendar())
    return Milestone.objects.create(
        case_id=case_id,
        kind=d["kind"],
        label=d.get("label", d["kind"]),
        period=str(period),
        met_by=list(d.get("met_by", [])),
        pausable=bool(d.get("pausable", False)),
        recurring=bool(d.get("recurring", False)),
        starts_at=start,
        due_at=due.at,
        warn_at=_warn_at(start, due.at),
        provisional=due.provisional,
    )


@dataclass(frozen=True)
class ClockEffect:
    """What a workflow rule does to the clock, besides starting and meeting the milestones whose
    policy names its action: declared on the rule, applied here."""

    pauses: bool = False  # pausable pending milestones stop (waiting for the citizen)
    resumes: bool = False  # paused milestones run again; their due time moves by the pause
    restarts: bool = False  # the milestones this action starts are cancelled, then started afresh
    cancels_started_by: tuple[str, ...] = ()  # milestones started by these actions are cancelled
    reopens: bool = False  # milestones marked `on_reopen` start again
    completes: bool = False  # the matter is answered: every open milestone is met (an on-the-spot answer)
    from_receipt: bool = False  # milestones this action starts count from the receipt time

    def describe(self) -> list[str]:
        """The effect in words (Chinese), for the generated docs and diagrams."""
        words = [("pauses", "暂停计时"), ("resumes", "恢复计时"), ("restarts", "重新计时"), ("reopens", "重办重新计时"),
                 ("completes", "完成全部时限"), ("from_receipt", "自受理时起算")]
        out = [w for name, w in words if getattr(self, name)]
        if self.cancels_started_by:
            out.append(f"取消由{'、'.join(self.cancels_started_by)}开始的时限")
        return out


NO_EFFECT = ClockEffect()


@dataclass(frozen=True)
class ClockState:
    next_due_at: datetime | None
    overdue: bool


def clock_apply(
    *, case_id: int, policy_id: int | None, action: str, effect: ClockEffect, now: datetime,
    received_at: datetime, closing: bool, awaiting_reply: bool, periods: dict[str, str] | None = None,
    new: bool = False,
) -> ClockState:
    """Apply one action to a case's milestones (inside the action's transaction). `closing`: the case
    leaves the workflow (every open milestone is cancelled); `awaiting_reply`: the case still owes a
    reply, so a recurring milestone met now is followed by the next one; `new`: the case was just
    created (no milestones to read)."""
    defs = _policy_defs(policy_id)
    by_kind = {d["kind"]: d for d in defs}
    active = [] if new else list(Milestone.objects.filter(case_id=case_id, status__in=ACTIVE_MILESTONE_STATUSES))
    overrides: dict[str, str] = dict(periods or {})
    started: list[Milestone] = []

    if closing:
        Milestone.objects.filter(pk__in=[m.pk for m in active]).update(status=MilestoneStatus.CANCELLED)
        active = []
    for m in active:
        if action in m.met_by or effect.completes:
            late = m.status == MilestoneStatus.BREACHED or now > m.due_at
            m.status = MilestoneStatus.MET_LATE if late else MilestoneStatus.MET
            m.met_at = now
            m.save(update_fields=["status", "met_at"])
            d = by_kind.get(m.kind)
            if m.recurring and d and d.get("next_period") and awaiting_reply:
                started.append(milestone_start(case_id, d, now, d["next_period"]))
        elif effect.pauses and m.pausable and m.status == MilestoneStatus.PENDING:
            m.status, m.paused_at = MilestoneStatus.PAUSED, now
            m.save(update_fields=["status", "paused_at"])
        elif effect.resumes and m.status == MilestoneStatus.PAUSED and m.paused_at:
            period = parse_period(m.period)
            old = Due(at=m.due_at, provisional=m.provisional, last_day=timezone.localtime(m.due_at).date())
            due = shift_for_pause(old, m.paused_at, now, period.unit, get_calendar())
            m.due_at, m.provisional, m.warn_at = due.at, m.provisional or due.provisional, _warn_at(m.starts_at, due.at)
            m.status, m.paused_at = MilestoneStatus.PENDING, None
            m.save(update_fields=["due_at", "provisional", "warn_at", "status", "paused_at"])
        elif m.kind in by_kind and _cancelled_by(by_kind[m.kind], action, effect):
            # The work order left this unit: its clock stops; the next unit gets its own.
            m.status = MilestoneStatus.CANCELLED
            m.save(update_fields=["status"])
    if not closing:
        for d in defs:
            if action in d.get("start", []) or (effect.reopens and d.get("on_reopen")):
                start = received_at if effect.from_receipt else now
                started.append(milestone_start(case_id, d, start, overrides.get(d["kind"])))
    return _clock_state([m for m in active + started if m.status in ACTIVE_MILESTONE_STATUSES])


def _clock_state(open_ms: list[Milestone]) -> ClockState:
    """The earliest due time of the running milestones — a breached one included, as the sweep
    leaves it: lists show how long a case is overdue and sort on it — and whether one is breached.
    Paused milestones have no due time while paused."""
    running = [m.due_at for m in open_ms if m.status in (MilestoneStatus.PENDING, MilestoneStatus.BREACHED)]
    return ClockState(min(running) if running else None, any(m.status == MilestoneStatus.BREACHED for m in open_ms))


def _cancelled_by(d: dict[str, Any], action: str, effect: ClockEffect) -> bool:
    """A restarting action (a transfer) cancels the milestones it starts itself (the next unit gets
    its own); a rewinding one (a return) cancels what the named actions (the dispatch) started."""
    starts = d.get("start", [])
    return (effect.restarts and action in starts) or any(a in starts for a in effect.cancels_started_by)


def milestone_extend(case_id: int, kind: str, period_text: str, *, now: datetime,
                     exclude_kinds: tuple[str, ...] = ("sign",)) -> tuple[Milestone, ClockState]:
    """An approved extension moves the named milestone (or the latest one not in `exclude_kinds`)
    on by the period. Returns the milestone and the case's new clock state."""
    qs = Milestone.objects.filter(case_id=case_id, status__in=ACTIVE_MILESTONE_STATUSES)
    m = qs.filter(kind=kind).order_by("-due_at").first() if kind else None
    if m is None:
        m = qs.filter(~Q(kind__in=exclude_kinds)).order_by("-due_at").first()
    if m is None:
        raise Conflict("该诉求没有可延期的时限节点。", code="nothing_to_extend")
    period = parse_period(period_text)
    old = Due(at=m.due_at, provisional=m.provisional, last_day=timezone.localtime(m.due_at).date())
    due = extend_due(old, period, get_calendar())
    m.due_at, m.provisional, m.extended = due.at, m.provisional or due.provisional, True
    m.warn_at = _warn_at(m.starts_at, due.at)
    if m.status == MilestoneStatus.BREACHED and due.at > now:
        m.status, m.breached_at = MilestoneStatus.PENDING, None
    m.save(update_fields=["due_at", "provisional", "extended", "warn_at", "status", "breached_at"])
    return m, clock_state(case_id)


def clock_state(case_id: int) -> ClockState:
    """The case's earliest open due time and overdue flag, read from its milestones."""
    return _clock_state(list(Milestone.objects.filter(case_id=case_id, status__in=ACTIVE_MILESTONE_STATUSES)))


def due_state(m: Milestone, now: datetime) -> str:
    """on_time / due_soon / overdue / met / met_late / paused / cancelled — for clocks in the UI."""
    if m.status in (MilestoneStatus.MET, MilestoneStatus.MET_LATE, MilestoneStatus.CANCELLED, MilestoneStatus.PAUSED):
        return str(m.status)
    if m.status == MilestoneStatus.BREACHED or now > m.due_at:
        return "overdue"
    return "due_soon" if now >= m.warn_at else "on_time"


def policies_load_defaults(*, overwrite: bool = False) -> int:
    """Create the default policy catalogue (sla/policies.py); existing rows are kept unless overwrite."""
    from banshi.sla.policies import DEFAULT_POLICIES

    n = 0
    for p in DEFAULT_POLICIES:
        fields = {k: p[k] for k in ("name", "source", "milestones", "max_extension", "verified")}
        if overwrite:
            Policy.objects.update_or_create(code=p["code"], defaults=fields)
            n += 1
        elif not Policy.objects.filter(code=p["code"]).exists():
            Policy.objects.create(code=p["code"], **fields)
            n += 1
    policy_cache_clear()
    return n
