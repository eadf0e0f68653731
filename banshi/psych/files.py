"""A psych or crisis matter's own file, in words, for the case page and the API (as
banshi/services/files.py does for legal aid and mediation): the station, the counsellor, the
appointment, the counts, the referral or hand-over. Never a confidential note — those are read
only through notes.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from banshi.cases.models import Case
from banshi.psych import catalog
from banshi.psych.models import CrisisFile, PsychFile


def _t(dt: datetime | None) -> str | None:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def psych_matter_file(case: Case) -> dict[str, Any] | None:
    """The labelled fields of a psych or crisis matter's file; None for another kind."""
    if case.kind == "psych":
        f = PsychFile.objects.select_related("station", "counsellor").filter(case=case).first()
        if f is None:
            return None
        return {
            "kind": "psych", "station": f.station.name, "station_id": f.station_id,
            "counsellor": f.counsellor.name if f.counsellor else "",
            "service": f.service, "service_label": catalog.label("services", f.service),
            "mode": f.mode, "mode_label": catalog.label("modes", f.mode), "preferred": f.preferred,
            "scheduled_at": _t(f.scheduled_at), "place": f.place, "sessions": f.sessions,
            "referral_target": f.referral_target,
            "referral_target_label": catalog.label("referral_targets", f.referral_target),
            "referral_to": f.referral_to, "referred_at": _t(f.referred_at),
        }
    if case.kind == "crisis":
        c = CrisisFile.objects.select_related("station", "counsellor").filter(case=case).first()
        if c is None:
            return None
        return {
            "kind": "crisis", "station": c.station.name, "station_id": c.station_id,
            "counsellor": c.counsellor.name if c.counsellor else "",
            "source": c.source, "source_label": catalog.CRISIS_SOURCES.get(c.source, c.source),
            "opened_at": _t(c.opened_at), "first_contact_at": _t(c.first_contact_at),
            "first_contact_minutes": c.first_contact_minutes,
            "contact_mode": c.contact_mode, "contact_mode_label": catalog.label("contact_modes", c.contact_mode),
            "risk": c.risk, "risk_label": catalog.label("risk_levels", c.risk), "interventions": c.interventions,
            "handover_to": c.handover_to, "handover_to_label": catalog.label("handover_targets", c.handover_to),
            "handover_receiver": c.handover_receiver, "handover_at": _t(c.handover_at),
            "outcome": c.outcome, "outcome_label": catalog.label("crisis_outcomes", c.outcome),
        }
    return None
