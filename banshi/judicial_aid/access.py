"""Who sees what of a 国家司法救助 file, and the log of every full view.

The amounts (requested, granted, the limit, each payment and the totals), the applicant's situation
and circumstances, and the decision's reasons are visible only to the deciding unit (its handlers
and leaders), the leaders of the organs above it, and the supervisors of its region. Anyone else who
may see the case at all (a committee dispatcher of the region, a handler of a superior organ …) gets
the file with those fields masked (None). Each full view writes an AuditLog row
(`judicial_aid_view`), as `citizen_reveal` does for a citizen's personal data.

The caller has already checked that the person may see the case (`case_get_for`: 404 otherwise)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.models import Case
from banshi.cases.visibility import case_in_region
from banshi.core.audit import audit_write
from banshi.core.errors import NotFound
from banshi.judicial_aid import catalog
from banshi.judicial_aid.domain import KIND
from banshi.judicial_aid.enums import JaDecision
from banshi.judicial_aid.models import JudicialAidFile
from banshi.orgs.enums import Role
from banshi.orgs.models import Person
from banshi.orgs.scoping import unit_within

# The fields a masked view leaves out (None), and the event data keys that carry the same facts.
SENSITIVE_FIELDS = ("situation", "situation_label", "circumstances", "amount_requested", "amount_granted",
                    "limit_amount", "exceed_reason", "refusal_reason", "refusal_reason_label", "decision_reasons",
                    "paid_total", "remaining", "close_note")
SENSITIVE_PAYMENT_FIELDS = ("amount", "reference", "note")
SENSITIVE_EVENT_KEYS = frozenset({"amount", "paid_total", "reason_code"})
AUDIT_ACTION = "judicial_aid_view"


def may_see_full(person: Person, case: Case) -> bool:
    """The deciding unit's handlers and leaders, a superior organ's leaders, the region's supervisors."""
    if case.kind != KIND or not person.is_active or person.unit is None or person.role == Role.ADMIN:
        return False
    if person.role in (Role.HANDLER, Role.LEADER) and person.unit_id == case.lead_unit_id:
        return True
    if person.role == Role.LEADER and unit_within(person, case.lead_unit_id):
        return True
    return person.role == Role.SUPERVISOR and case_in_region(person, case)


def _t(dt: Any) -> str | None:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def _m(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def file_full(case: Case) -> dict[str, Any]:
    """The whole file (no access check, no log: for `judicial_aid_file_view` and the documents)."""
    f = JudicialAidFile.objects.select_related("proposer", "decided_by").filter(case=case).first()
    if f is None:
        raise NotFound(_("司法救助案卷不存在。"), code="no_file")
    cat = catalog.judicial_aid()
    payments = list(f.payments.select_related("by").order_by("paid_on", "id"))
    paid = sum((p.amount for p in payments), Decimal("0.00"))
    granted = f.amount_granted
    return {
        "kind": KIND, "masked": False,
        "situation": f.situation, "situation_label": catalog.label(cat["situations"], f.situation),
        "circumstances": f.circumstances, "case_ref": f.case_ref,
        "proposed": f.proposed, "proposer_unit_id": f.proposer_id, "proposer": f.proposer.name if f.proposer else "",
        "amount_requested": _m(f.amount_requested),
        "documents": list(f.documents), "docs_missing": list(f.docs_missing),
        "docs_requested_at": _t(f.docs_requested_at),
        "decision": f.decision, "decision_label": str(JaDecision(f.decision).label) if f.decision else "",
        "decided_at": _t(f.decided_at), "decided_by": str(f.decided_by) if f.decided_by else "",
        "amount_granted": _m(granted), "limit_amount": _m(f.limit_amount), "exceed_reason": f.exceed_reason,
        "refusal_reason": f.refusal_reason,
        "refusal_reason_label": catalog.label(cat["refusal_reasons"], f.refusal_reason) if f.refusal_reason else "",
        "decision_reasons": f.decision_reasons,
        "payments": [{"id": p.pk, "paid_on": p.paid_on.isoformat(), "method": p.method,
                      "method_label": catalog.label(cat["payment_methods"], p.method), "amount": str(p.amount),
                      "reference": p.reference, "note": p.note, "by": str(p.by) if p.by else ""} for p in payments],
        "payment_count": len(payments),
        "paid_total": str(paid.quantize(Decimal("0.01"))),
        "remaining": _m((granted - paid).quantize(Decimal("0.01"))) if granted is not None else None,
        "fully_paid": granted is not None and paid == granted,
        "close_note": f.close_note,
    }


def file_masked(full: dict[str, Any]) -> dict[str, Any]:
    out = {**full, **dict.fromkeys(SENSITIVE_FIELDS), "masked": True}
    out["payments"] = [{**p, **dict.fromkeys(SENSITIVE_PAYMENT_FIELDS)} for p in full["payments"]]
    return out


def judicial_aid_file_view(person: Person, case: Case, *, ip: str | None = None, purpose: str = "") -> dict[str, Any]:
    """The file as this person may see it: whole for the deciding unit and its supervisors (and
    the view is logged), with the amounts, the situation and the reasons masked for anyone else."""
    if case.kind != KIND:
        raise NotFound(_("该事项不是国家司法救助。"), code="not_judicial_aid")
    full = file_full(case)
    if not may_see_full(person, case):
        return file_masked(full)
    audit_write(actor_id=person.pk, action=AUDIT_ACTION, object_type="case", object_id=case.pk, ip=ip,
                data={"fields": list(SENSITIVE_FIELDS), "purpose": purpose[:200]})
    return full


def events_data_for(person: Person, case: Case, datas: list[dict[str, Any]], *,
                    ip: str | None = None) -> list[dict[str, Any]]:
    """The case's event data as this person may see it: the amounts and the refusal code masked
    (None) for anyone who may not see the file whole; a full view that shows any of them is logged
    once. For the case's event list (API and web)."""
    if case.kind != KIND:
        return datas
    if not may_see_full(person, case):
        return [{k: (None if k in SENSITIVE_EVENT_KEYS else v) for k, v in d.items()} for d in datas]
    if any(SENSITIVE_EVENT_KEYS & set(d) for d in datas):
        audit_write(actor_id=person.pk, action=AUDIT_ACTION, object_type="case", object_id=case.pk, ip=ip,
                    data={"fields": sorted(SENSITIVE_EVENT_KEYS), "purpose": "events"})
    return datas
