"""Milestones of a case: started, met, paused, extended and cancelled as the case moves."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from banshi.cases.enums import TERMINAL_STATES, State
from banshi.cases.models import Case, CaseEvent
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


def _policy_defs(case: Case) -> list[dict[str, Any]]:
    """The milestone definitions of the case's policy (cached per process like the calendar)."""
    if case.policy_id is None:
        return []
    hit = _policy_cache.get(case.policy_id)
    if hit is not None and time.monotonic() - hit[0] < CALENDAR_TTL_SECONDS:
        return hit[1]
    defs = list(Policy.objects.filter(pk=case.policy_id).values_list("milestones", flat=True).first() or [])
    _policy_cache[case.policy_id] = (time.monotonic(), defs)
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


def milestone_start(case: Case, d: dict[str, Any], start: datetime, period_text: str | None = None) -> Milestone:
    period = parse_period(period_text or d["period"])
    due = compute_due(start, period, get_calendar())
    return Milestone.objects.create(
        case=case,
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


def milestones_on_event(case: Case, event: CaseEvent) -> None:
    """Apply an action to the case's milestones (called inside the action's transaction)."""
    action, now = event.action, event.at
    defs = _policy_defs(case)
    by_kind = {d["kind"]: d for d in defs}
    # A new case has no milestones yet: skip the read on the registration hot path.
    active = [] if action == "register" else list(
        Milestone.objects.filter(case=case, status__in=ACTIVE_MILESTONE_STATUSES)
    )
    overrides: dict[str, str] = dict(event.data.get("periods") or {})
    started: list[Milestone] = []

    if case.state in TERMINAL_STATES:
        Milestone.objects.filter(pk__in=[m.pk for m in active]).update(status=MilestoneStatus.CANCELLED)
        active = []
    for m in active:
        if action in m.met_by:
            late = m.status == MilestoneStatus.BREACHED or now > m.due_at
            m.status = MilestoneStatus.MET_LATE if late else MilestoneStatus.MET
            m.met_at = now
            m.save(update_fields=["status", "met_at"])
            d = by_kind.get(m.kind)
            if m.recurring and d and d.get("next_period") and case.state not in (State.REPLIED, State.FOLLOWED_UP):
                started.append(milestone_start(case, d, now, d["next_period"]))
        elif action == "request_documents" and m.pausable and m.status == MilestoneStatus.PENDING:
            m.status, m.paused_at = MilestoneStatus.PAUSED, now
            m.save(update_fields=["status", "paused_at"])
        elif action == "documents_received" and m.status == MilestoneStatus.PAUSED and m.paused_at:
            period = parse_period(m.period)
            old = Due(at=m.due_at, provisional=m.provisional, last_day=timezone.localtime(m.due_at).date())
            due = shift_for_pause(old, m.paused_at, now, period.unit, get_calendar())
            m.due_at, m.provisional, m.warn_at = due.at, m.provisional or due.provisional, _warn_at(m.starts_at, due.at)
            m.status, m.paused_at = MilestoneStatus.PENDING, None
            m.save(update_fields=["due_at", "provisional", "warn_at", "status", "paused_at"])
        elif m.kind in by_kind and _restarts_on(by_kind[m.kind], action):
            # The work order left this unit: its clock stops; the next unit gets its own.
            m.status = MilestoneStatus.CANCELLED
            m.save(update_fields=["status"])
    if case.state not in TERMINAL_STATES:
        for d in defs:
            starts = d.get("start", [])
            if action in starts or (action == "reopen" and d.get("on_reopen")):
                start = case.received_at if action == "register" else now
                started.append(milestone_start(case, d, start, overrides.get(d["kind"])))
    _case_set_due(case, [m for m in active + started if m.status in ACTIVE_MILESTONE_STATUSES])


def _case_set_due(case: Case, open_ms: list[Milestone]) -> None:
    pending = [m.due_at for m in open_ms if m.status == MilestoneStatus.PENDING]
    nxt = min(pending) if pending else None
    overdue = any(m.status == MilestoneStatus.BREACHED for m in open_ms)
    if (nxt, overdue) != (case.next_due_at, case.overdue):
        Case.objects.filter(pk=case.pk).update(next_due_at=nxt, overdue=overdue)
        case.next_due_at, case.overdue = nxt, overdue


def _restarts_on(d: dict[str, Any], action: str) -> bool:
    """A transfer restarts the milestones that a transfer starts (signing); a return sends the
    order back to the dispatcher, so everything the dispatch started stops with it."""
    starts = d.get("start", [])
    return (action == "transfer" and "transfer" in starts) or (action == "return" and "dispatch" in starts)


def milestone_extend(case: Case, kind: str, period_text: str, *, now: datetime) -> Milestone:
    """An approved extension moves the named milestone (or the result milestone) on by the period."""
    qs = Milestone.objects.filter(case=case, status__in=ACTIVE_MILESTONE_STATUSES)
    m = qs.filter(kind=kind).order_by("-due_at").first() if kind else None
    if m is None:
        m = qs.filter(~Q(kind="sign")).order_by("-due_at").first()
    if m is None:
        from banshi.core.errors import Conflict

        raise Conflict("该诉求没有可延期的时限节点。", code="nothing_to_extend")
    period = parse_period(period_text)
    old = Due(at=m.due_at, provisional=m.provisional, last_day=timezone.localtime(m.due_at).date())
    due = extend_due(old, period, get_calendar())
    m.due_at, m.provisional, m.extended = due.at, m.provisional or due.provisional, True
    m.warn_at = _warn_at(m.starts_at, due.at)
    if m.status == MilestoneStatus.BREACHED and due.at > now:
        m.status, m.breached_at = MilestoneStatus.PENDING, None
    m.save(update_fields=["due_at", "provisional", "extended", "warn_at", "status", "breached_at"])
    case_refresh_due(case)
    return m


def case_refresh_due(case: Case) -> None:
    """Keep the case's denormalised next due time and overdue flag in step with its milestones."""
    _case_set_due(case, list(Milestone.objects.filter(case=case, status__in=ACTIVE_MILESTONE_STATUSES)))


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
