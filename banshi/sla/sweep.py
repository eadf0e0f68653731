"""The SLA clock: a polling worker that records warnings before due and breaches after, and
escalates 督办 notices whose own deadline passed without an answer.

Rows are claimed with a compare-and-set update, so several sweepers can run at once and a
crashed one loses nothing: an unclaimed row is simply claimed by the next sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.models import Case, CaseEvent, Supervision
from banshi.core.errors import DomainError
from banshi.notify.outbox import outbox_internal
from banshi.sla.models import Milestone, MilestoneStatus


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0
    escalated: int = 0


def _event(m: Milestone, action: str, now: datetime) -> CaseEvent:
    case = Case.objects.only("id", "state", "lead_unit_id").get(pk=m.case_id)
    event = CaseEvent.objects.create(
        case_id=m.case_id, action=action, from_state=case.state, to_state=case.state, actor=None,
        actor_role="system", at=now, data={"milestone": m.kind, "label": m.label, "due_at": m.due_at.isoformat()},
    )
    outbox_internal(case, event, template=action, unit_id=case.lead_unit_id)
    return event


def sla_sweep(*, now: datetime | None = None, batch: int = 500) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    due_warn = Milestone.objects.filter(
        status=MilestoneStatus.PENDING, warned_at__isnull=True, warn_at__lte=now, due_at__gt=now
    ).values_list("id", flat=True)[:batch]
    for mid in list(due_warn):
        with transaction.atomic():
            if Milestone.objects.filter(pk=mid, status=MilestoneStatus.PENDING, warned_at__isnull=True).update(warned_at=now):
                _event(Milestone.objects.get(pk=mid), "sla_warning", now)
                result.warned += 1
    breached = Milestone.objects.filter(status=MilestoneStatus.PENDING, due_at__lte=now).values_list("id", flat=True)[:batch]
    for mid in list(breached):
        with transaction.atomic():
            if Milestone.objects.filter(pk=mid, status=MilestoneStatus.PENDING).update(
                status=MilestoneStatus.BREACHED, breached_at=now
            ):
                m = Milestone.objects.get(pk=mid)
                Case.objects.filter(pk=m.case_id).update(overdue=True)
                _event(m, "sla_breach", now)
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
