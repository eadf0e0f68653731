"""The SLA clock: a polling worker that records warnings before due and breaches after.

Rows are claimed with a compare-and-set update, so several sweepers can run at once and a
crashed one loses nothing: an unclaimed row is simply claimed by the next sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from banshi.cases.models import Case, CaseEvent
from banshi.notify.outbox import outbox_internal
from banshi.sla.models import Milestone, MilestoneStatus


@dataclass
class SweepResult:
    warned: int = 0
    breached: int = 0


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
    return result
