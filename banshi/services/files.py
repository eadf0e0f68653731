"""A matter's own file, in words, for the case page and the API: what the law asks each kind to
record (legal aid: 援助事项, exemption, decision, lawyer …; mediation: parties, sessions, agreement …)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from banshi.cases.models import Case
from banshi.services import catalog
from banshi.services.models import LegalAidFile, MediationFile

DECISIONS = {"granted": "给予法律援助", "refused": "不予法律援助", "advance": "先行援助"}
HARDSHIP = {"met": "经审查符合经济困难条件", "exempt": "免予核查经济困难状况", "not_met": "不符合经济困难条件"}


def _t(dt: Any) -> str | None:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def matter_file(case: Case) -> dict[str, Any] | None:
    """The file of a legal-aid or mediation matter as labelled fields; None for a demand."""
    if case.kind == "legal_aid":
        f = LegalAidFile.objects.filter(case=case).first()
        if f is None:
            return None
        cat = catalog.legal_aid()
        exemption = cat["exemptions"].get(f.exemption)
        termination = cat["termination_reasons"].get(f.termination_reason)
        return {
            "kind": "legal_aid",
            "matter_kind": f.matter_kind, "matter_kind_label": cat["matter_kinds"].get(f.matter_kind, f.matter_kind),
            "matter_type": f.matter_type, "matter_type_label": catalog.label(cat["matter_types"], f.matter_type),
            "matter_type_article": cat["matter_types"].get(f.matter_type, {}).get("article", ""),
            "other_party": f.other_party, "economic": f.economic,
            "exemption": f.exemption, "exemption_label": exemption["label"] if exemption else "",
            "exemption_article": exemption["article"] if exemption else "",
            "green_channel": f.green_channel, "hardship": f.hardship, "hardship_label": HARDSHIP.get(f.hardship, ""),
            "docs_missing": list(f.docs_missing), "docs_due_at": _t(f.docs_due_at),
            "decision": f.decision, "decision_label": DECISIONS.get(f.decision, ""), "decision_reasons": f.decision_reasons,
            "decided_at": _t(f.decided_at), "advance_deadline": f.advance_deadline.isoformat() if f.advance_deadline else None,
            "lawyer_name": f.lawyer_name, "lawyer_org": f.lawyer_org, "assigned_at": _t(f.assigned_at),
            "objection": f.objection, "objection_result": f.objection_result,
            "termination_reason": f.termination_reason,
            "termination_label": termination["label"] if termination else "",
            "outcome": f.outcome, "amount_recovered": str(f.amount_recovered) if f.amount_recovered is not None else None,
        }
    if case.kind == "mediation":
        m = MediationFile.objects.filter(case=case).select_related("room").first()
        if m is None:
            return None
        cat = catalog.mediation()
        return {
            "kind": "mediation",
            "source": m.source, "source_label": cat["sources"].get(m.source, m.source),
            "dispute_type": m.dispute_type, "dispute_type_label": cat["dispute_types"].get(m.dispute_type, m.dispute_type),
            "parties": [{"name": p.get("name", ""), "role": p.get("role", ""),
                         "role_label": "申请人" if p.get("role") == "applicant" else "被申请人"} for p in m.parties],
            "room": m.room.name if m.room else "", "mediators": list(m.mediators),
            "sessions": [{"at": _t(s.at), "mode": s.mode, "mode_label": cat["modes"].get(s.mode, s.mode),
                          "place": s.place, "video": s.video, "mediators": list(s.mediators), "record": s.record}
                         for s in m.sessions.all()],
            "agreement_form": m.agreement_form,
            "agreement_form_label": {"written": "书面协议", "oral": "口头协议"}.get(m.agreement_form, ""),
            "agreement_text": m.agreement_text, "agreed_at": _t(m.agreed_at),
            "next_channel": m.next_channel, "next_channel_label": cat["next_channels"].get(m.next_channel, ""),
            "end_reason": m.end_reason,
            "performance": m.performance, "performance_label": cat["performance"].get(m.performance, ""),
            "performance_note": m.performance_note, "confirm_applied_at": _t(m.confirm_applied_at),
        }
    return None


def related_matters(case: Case) -> list[dict[str, Any]]:
    """The matters opened from this demand, and the demand this matter came from (both ways)."""
    out = []
    if case.origin_id:
        o = Case.objects.filter(pk=case.origin_id).only("id", "number", "kind", "state").first()
        if o is not None:
            out.append({"id": o.pk, "number": o.number, "kind": o.kind, "kind_label": str(o.get_kind_display()),
                        "state_label": o.get_state_display(), "relation": "origin"})
    for d in Case.objects.filter(origin_id=case.pk).only("id", "number", "kind", "state").order_by("id")[:50]:
        out.append({"id": d.pk, "number": d.number, "kind": d.kind, "kind_label": str(d.get_kind_display()),
                    "state_label": d.get_state_display(), "relation": "derived"})
    return out
