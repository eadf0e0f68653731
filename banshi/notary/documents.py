"""The printable document of a notary matter, in Chinese and in the office's name: which one
follows the matter's state — 预约确认单 (booked: the code, the time and the one-time materials
checklist), 受理通知书 (accepted: the due date; with the documents asked for all at once, 公证法
art. 27), 公证书出具通知 (issued: the certificate number), 不予办理公证通知书 (art. 31, with the
reasons) or 终止公证通知书. A cancelled or missed booking has none (`NotFound`).

Nothing here knows a URL: a caller may pass `links` (back, pdf) for the screen-only toolbar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import NotFound
from banshi.core.privacy import mask_id_number
from banshi.notary import catalog
from banshi.notary.domain import when_text
from banshi.notary.enums import BookingMode, Delivery, NtState
from banshi.notary.models import NotaryBooking, NotaryFile
from banshi.sla.models import Milestone
from banshi.sla.periods import parse_period

# state → (document code, title, template)
DOCUMENTS: dict[str, tuple[str, str, str]] = {
    NtState.BOOKED: ("booking", "公证预约确认单", "notary/booking.html"),
    NtState.REVIEW: ("acceptance", "受理通知书", "notary/acceptance.html"),
    NtState.DOCS: ("acceptance", "受理通知书", "notary/acceptance.html"),
    NtState.ISSUED: ("certificate", "公证书出具通知", "notary/certificate.html"),
    NtState.REFUSED: ("refusal", "不予办理公证通知书", "notary/refusal.html"),
    NtState.ENDED: ("termination", "终止公证通知书", "notary/termination.html"),
}


def cn_date(d: date | datetime | None) -> str:
    if d is None:
        return "    年  月  日"
    if isinstance(d, datetime):
        d = timezone.localtime(d).date()
    return f"{d.year}年{d.month}月{d.day}日"


def period_words(period: str) -> str:
    """5wd → 5个工作日"""
    try:
        p = parse_period(period)
    except ValueError:
        return period
    unit = {"wd": "个工作日", "d": "日", "h": "小时", "m": "个月"}[p.unit.value]
    return f"{p.amount}{unit}"


def _event(case: Case, action: str) -> CaseEvent | None:
    return CaseEvent.objects.filter(case=case, action=action).order_by("-at", "-id").first()


def notary_document_kind(case: Case) -> str | None:
    """The code of the document the matter has now (None: a cancelled or missed booking, or not a notary matter)."""
    doc = DOCUMENTS.get(case.state) if case.kind == "notary" else None
    return doc[0] if doc else None


def _context(case: Case) -> dict[str, Any]:
    doc = DOCUMENTS.get(case.state) if case.kind == "notary" else None
    f = NotaryFile.objects.filter(case=case).first() if doc else None
    if doc is None or f is None:
        raise NotFound(_("该事项当前没有可打印的文书。"), code="no_document")
    code, title, template = doc
    matter = catalog.matter(f.matter) or {"label": f.matter, "item": "", "fee": "", "materials": [], "notes": "",
                                          "video": True, "in_person": ""}
    unit = case.lead_unit or case.intake_unit
    ctx: dict[str, Any] = {
        "doc": code, "title": title, "template": template, "office": unit.name if unit else "", "number": case.number,
        "applicant": case.citizen_name or _("当事人"), "id_number": mask_id_number(case.citizen_id_number),
        "matter": matter, "mode": BookingMode(f.mode).label, "video": f.mode == BookingMode.VIDEO,
        "period_words": period_words(f.period), "received": cn_date(case.received_at),
        "accepted": cn_date(f.accepted_at), "tracking_code": case.tracking_code, "weekend": f.weekend,
        "special": f.special,
    }
    if code == "booking":
        b = NotaryBooking.objects.filter(case=case).select_related("slot").first()
        if b is None:
            raise NotFound(_("该事项当前没有可打印的文书。"), code="no_document")
        ctx.update(booking=b, when=when_text(b.slot.starts_at, b.slot.ends_at), date=cn_date(b.created_at))
    elif code == "acceptance":
        m = Milestone.objects.filter(case=case, kind="certificate").order_by("-id").first()
        ctx.update(due=cn_date(m.due_at) if m else "", docs_missing=list(f.docs_missing), date=cn_date(f.accepted_at))
    elif code == "certificate":
        event = _event(case, "nt_issue")
        ctx.update(certificate_number=f.certificate_number, issued=cn_date(f.issued_at), delivery_code=f.delivery,
                   delivery=Delivery(f.delivery).label if f.delivery else "",
                   on_time=bool(event and event.data.get("on_time")), date=cn_date(f.issued_at))
    else:
        event = _event(case, "nt_refuse" if code == "refusal" else "nt_terminate")
        kind = "refusal_reasons" if code == "refusal" else "termination_reasons"
        reason = catalog.catalogue()[kind].get(f.refusal_reason if code == "refusal" else f.termination_reason)
        ctx.update(situation=f"{reason['label']}（{reason['article']}）" if reason else "", reasons=f.reasons,
                   date=cn_date(event.at if event else case.closed_at))
    return ctx


def notary_document_html(case: Case, *, links: dict[str, str] | None = None) -> str:
    """The matter's current document as a printable HTML page (print CSS, large type). `links`
    ({"back": …, "pdf": …}) adds a toolbar shown on screen only."""
    ctx = _context(case)
    return render_to_string(ctx["template"], {**ctx, "links": links or {}})
