"""The SLA clock's claims: which milestones are due for a warning or past due, and a
compare-and-set claim of each, so several sweepers can run at once and a crashed one loses
nothing (an unclaimed row is simply claimed by the next sweep).

The sweep itself — recording each claim as a case event through the workflow — lives with the
cases (`banshi.cases.sweep`); this module knows milestones only.
"""

from __future__ import annotations

from datetime import datetime

from banshi.sla.models import Milestone, MilestoneStatus


def milestones_due_warning(now: datetime, batch: int) -> list[int]:
    """Pending milestones whose warning time has come (not yet warned, not yet due)."""
    return list(Milestone.objects.filter(
        status=MilestoneStatus.PENDING, warned_at__isnull=True, warn_at__lte=now, due_at__gt=now
    ).values_list("id", flat=True)[:batch])


def milestones_past_due(now: datetime, batch: int) -> list[int]:
    return list(Milestone.objects.filter(status=MilestoneStatus.PENDING, due_at__lte=now).values_list("id", flat=True)[:batch])


def milestone_warning_claim(mid: int, now: datetime) -> Milestone | None:
    """Claim the warning of one milestone (call inside the transaction that records it)."""
    if Milestone.objects.filter(pk=mid, status=MilestoneStatus.PENDING, warned_at__isnull=True).update(warned_at=now):
        return Milestone.objects.get(pk=mid)
    return None


def milestone_breach_claim(mid: int, now: datetime) -> Milestone | None:
    """Claim the breach of one milestone (call inside the transaction that records it)."""
    if Milestone.objects.filter(pk=mid, status=MilestoneStatus.PENDING).update(
        status=MilestoneStatus.BREACHED, breached_at=now
    ):
        return Milestone.objects.get(pk=mid)
    return None
