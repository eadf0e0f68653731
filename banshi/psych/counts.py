"""The psych figures the assessment reads (stats wires them): sessions, group activities and their
attendance, crisis interventions and their first-contact time — over a period, optionally for some
units (a station's unit; crisis and psych matters count for their lead unit).

The events carry the same facts: `ps_session` (measure `counselled`; data `minutes`, `mode`,
`session_no`), `cr_contact` (measure `intervened`; data `first_contact_minutes`, `within_deadline`,
`first_contact_at`, `mode`, `risk`), `cr_handover` from 待首次接触 (the same three first-contact
keys, plus `to`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db.models import Avg, Count, Max, Sum
from django.utils import timezone

from banshi.psych import catalog
from banshi.psych.models import CrisisFile, GroupActivity, PsychSession


def psych_counts(*, start: datetime, end: datetime, unit_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """[start, end) for sessions and crises (their time), the same days for activities."""
    sessions = PsychSession.objects.filter(at__gte=start, at__lt=end)
    crises = CrisisFile.objects.filter(opened_at__gte=start, opened_at__lt=end)
    day_from: date = timezone.localtime(start).date()
    day_to: date = timezone.localtime(end).date()
    activities = GroupActivity.objects.filter(held_on__gte=day_from, held_on__lt=day_to)
    if unit_ids is not None:
        ids = list(unit_ids)
        sessions = sessions.filter(case__lead_unit_id__in=ids)
        crises = crises.filter(case__lead_unit_id__in=ids)
        activities = activities.filter(station__unit_id__in=ids)
    a = activities.aggregate(n=Count("id"), people=Sum("attendance"))
    contacted = crises.filter(first_contact_minutes__isnull=False)
    c = contacted.aggregate(avg=Avg("first_contact_minutes"), worst=Max("first_contact_minutes"))
    return {
        "sessions": sessions.count(),
        "activities": a["n"] or 0,
        "attendance": a["people"] or 0,
        "crises": crises.count(),
        "crises_contacted": contacted.count(),
        "crises_within_2h": contacted.filter(first_contact_minutes__lte=catalog.psych()["first_contact_minutes"]).count(),
        "first_contact_minutes_avg": round(float(c["avg"]), 1) if c["avg"] is not None else None,
        "first_contact_minutes_max": c["worst"],
    }
