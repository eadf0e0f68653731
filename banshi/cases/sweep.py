"""The deadline sweep: a polling worker that records warnings before due and breaches after, and
escalates 督办 notices whose own deadline passed without an answer.

Each claim (sla/sweep.py: a compare-and-set on the milestone) and the event that records it run in
one transaction, and the event goes through the workflow (`sla_warning` and `sla_breach` are
system rules of each definition), so it is audited and its notices are written like any action's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.models import Supervision
from banshi.cases.workflow import transition
from banshi.core.errors import DomainError
from banshi.sla.models import Milestone
from banshi.sla.sweep import (
    milestone_breach_claim,
    milestone_warning_claim,
    milestones_due_warning,
    milestones_past_due,
)


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0


def _record(m: Milestone, action: str, now: datetime, **changes: object) -> None:
    """Record the claimed milestone as a case event through the workflow. A case whose definition
    cannot record it now (it has closed meanwhile) keeps the claim without an event."""
    try:
        with transaction.atomic():
            transition(m.case_id, action, actor=None, now=now, changes=changes or None,
                       data={"milestone": m.kind, "label": m.label, "due_at": m.due_at.isoformat()})
    except DomainError:
        pass


def sla_sweep(*, now: datetime | None = None, batch: int = 500) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    for mid in milestones_due_warning(now, batch):
        with transaction.atomic():
            m = milestone_warning_claim(mid, now)
            if m is not None:
                _record(m, "sla_warning", now)
                result.warned += 1
    for mid in milestones_past_due(now, batch):
        with transaction.atomic():
            m = milestone_breach_claim(mid, now)
            if m is not None:
                _record(m, "sla_breach", now, overdue=True)
                result.breached += 1
    result.escalated = supervisions_escalate(now=now, batch=batch)
    return result


def supervisions_lapsed(now: datetime) -> QuerySet[Supervision]:
    """Unanswered notices whose own deadline has passed and not lapsed before (partial index
    `supervision_lapse`: only unanswered, not yet lapsed notices are in it), earliest first."""
    return Supervision.objects.filter(
        answered_at__isnull=True, lapsed_at__isnull=True, due_at__lte=now
    ).order_by("due_at", "id")


# Refusals that will not change by trying again: mark the deadline lapsed and move on.
LAPSE_WITHOUT_ESCALATION = frozenset({"max_level", "invalid_transition"})


def supervisions_escalate(*, now: datetime, batch: int = 500) -> int:
    """Escalate, one level, every 督办 notice whose own deadline has passed unanswered: the
    `escalate` action through the workflow (audit event and outbox in its transaction), run by the
    system as the sweep's other entries are. The notice is marked lapsed in that same transaction
    and is not picked again until a supervisor sets a new deadline; the action's compare-and-set on
    (notice, deadline, not lapsed) makes two sweeps escalate it once. A notice that cannot be raised
    (already 挂牌督办, or its case has closed) is marked lapsed without an event."""
    from banshi.cases.domain.lifecycle import case_escalate

    escalated = 0
    for sid, case_id, due_at in list(supervisions_lapsed(now).values_list("id", "case_id", "due_at")[:batch]):
        assert due_at is not None  # due_at__lte
        try:
            case_escalate(case_id, actor=None, reason=_("督办逾期未反馈，自动升级"), lapsed=(sid, due_at), now=now)
        except DomainError as exc:
            # Another sweep or an answer got there first ("supervision_changed"), or a passing
            # conflict: nothing to record, the next sweep looks again.
            if exc.code in LAPSE_WITHOUT_ESCALATION:
                Supervision.objects.filter(
                    pk=sid, answered_at__isnull=True, lapsed_at__isnull=True, due_at=due_at
                ).update(lapsed_at=now)
            continue
        escalated += 1
    return escalated
