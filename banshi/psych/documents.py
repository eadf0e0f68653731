"""The printable documents of the psych matters, in Chinese and in the unit's name:
心理服务转介单 (a referred `psych` matter) and 心理危机干预记录 (a `crisis` matter).

Neither ever contains a confidential note (what was said in sessions or interventions, the
concern, the referral reasons): they are built from the files' fields and the events' codes only.
The citizen's phone is masked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.models import Case, CaseEvent
from banshi.cases.workflow import definition_for
from banshi.core.errors import NotFound
from banshi.core.privacy import mask_phone
from banshi.psych import catalog
from banshi.psych.models import CrisisFile, PsychFile

CRISIS_STEPS = ("cr_open", "cr_contact", "cr_intervene", "cr_handover", "cr_close", "cr_dismiss", "sla_breach",
                "supervise", "escalate")


def cn_date(d: date | datetime | None) -> str:
    if d is None:
        return "    年  月  日"
    if isinstance(d, datetime):
        d = timezone.localtime(d).date()
    return f"{d.year}年{d.month}月{d.day}日"


def _t(dt: datetime | None) -> str:
    return f"{timezone.localtime(dt):%Y-%m-%d %H:%M}" if dt else ""


def _referral(case: Case) -> dict[str, Any]:
    f = PsychFile.objects.select_related("station", "counsellor").filter(case=case).first()
    if f is None or not f.referral_target:
        raise NotFound(_("该预约尚未转介，没有转介单。"), code="no_document")
    level = catalog.psych()["station_levels"].get(f.station.level)
    return {
        "template": "psych/referral.html", "code": "psych-referral", "title": _("心理服务转介单"),
        "citizen": case.citizen_name or _("（未留姓名）"), "phone": mask_phone(case.citizen_phone) or "—",
        "service": catalog.label("services", f.service), "station": f.station.name,
        "station_level": str(level["label"]) if level else "", "counsellor": f.counsellor.name if f.counsellor else "",
        "sessions": f.sessions, "target": catalog.label("referral_targets", f.referral_target),
        "referral_to": f.referral_to, "referred": cn_date(f.referred_at), "date": cn_date(f.referred_at),
    }


def _crisis(case: Case) -> dict[str, Any]:
    f = CrisisFile.objects.select_related("station", "counsellor").filter(case=case).first()
    if f is None:
        raise NotFound(_("危机干预案卷不存在。"), code="no_document")
    d = definition_for(case.kind)
    events = CaseEvent.objects.filter(case=case, action__in=CRISIS_STEPS).select_related("actor").order_by("at", "id")
    steps = [{"at": _t(e.at), "label": str(d.table[e.action].label if e.action in d.table else d.register.label),
              "actor": str(e.actor) if e.actor else _("系统")} for e in events]
    origin = Case.objects.filter(pk=case.origin_id).values_list("number", flat=True).first() if case.origin_id else None
    return {
        "template": "psych/crisis_record.html", "code": "crisis-record", "title": _("心理危机干预记录"),
        "source": catalog.CRISIS_SOURCES.get(f.source, f.source), "origin_number": origin if f.source != "counselling" else "",
        "citizen": case.citizen_name or _("（未留姓名）"), "station": f.station.name,
        "counsellor": f.counsellor.name if f.counsellor else "", "opened": _t(f.opened_at),
        "first_contact": _t(f.first_contact_at), "minutes": f.first_contact_minutes,
        "within": f.first_contact_minutes is not None
        and f.first_contact_minutes <= catalog.psych()["first_contact_minutes"],
        "contact_mode": catalog.label("contact_modes", f.contact_mode), "risk": catalog.label("risk_levels", f.risk),
        "interventions": f.interventions, "handover": catalog.label("handover_targets", f.handover_to),
        "receiver": f.handover_receiver, "handover_at": _t(f.handover_at), "state": d.state_label(case.state),
        "outcome": catalog.label("crisis_outcomes", f.outcome), "steps": steps,
        "date": cn_date(case.closed_at or timezone.now()),
    }


def psych_document_html(case: Case) -> str:
    """The matter's printable page: 转介单 for a referred psych matter, 危机干预记录 for a crisis
    matter; NotFound otherwise. Never a confidential note."""
    if case.kind == "psych":
        ctx = _referral(case)
    elif case.kind == "crisis":
        ctx = _crisis(case)
    else:
        raise NotFound(_("该事项没有心理服务文书。"), code="no_document")
    unit = case.lead_unit or case.intake_unit
    return render_to_string(ctx["template"], {**ctx, "unit": unit.name if unit else "", "number": case.number})
