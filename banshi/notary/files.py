"""A notary matter's file, in words, for the case page and the API (as services/files.py does for
legal aid and mediation): the matter and its checklist, the booking, the visits, the certificate
or the reasons."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from banshi.cases.models import Case
from banshi.notary import catalog
from banshi.notary.documents import notary_document_kind, period_words
from banshi.notary.domain import when_text
from banshi.notary.enums import BookingMode, BookingStatus, Delivery
from banshi.notary.models import NotaryBooking, NotaryFile


def _t(dt: Any) -> str | None:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else None


def notary_file(case: Case) -> dict[str, Any] | None:
    """The file of a notary matter as labelled fields; None for any other kind."""
    if case.kind != "notary":
        return None
    f = NotaryFile.objects.filter(case=case).first()
    if f is None:
        return None
    m = catalog.matter(f.matter) or {}
    b = NotaryBooking.objects.filter(case=case).select_related("slot").first()
    cat = catalog.catalogue()
    refusal = cat["refusal_reasons"].get(f.refusal_reason)
    termination = cat["termination_reasons"].get(f.termination_reason)
    return {
        "kind": "notary",
        "matter": f.matter, "matter_label": m.get("label", f.matter), "matter_item": m.get("item", ""),
        "materials": list(m.get("materials", [])), "fee": m.get("fee", ""), "video_possible": m.get("video", False),
        "mode": f.mode, "mode_label": str(BookingMode(f.mode).label),
        "period": f.period, "period_label": period_words(f.period), "weekend": f.weekend, "special": f.special,
        "booking_code": b.code if b else "", "booking_status": b.status if b else "",
        "booking_status_label": str(BookingStatus(b.status).label) if b else "",
        "slot": when_text(b.slot.starts_at, b.slot.ends_at) if b else "",
        "accepted_at": _t(f.accepted_at), "visits": f.visits,
        "docs_missing": list(f.docs_missing), "docs_requested_at": _t(f.docs_requested_at),
        "certificate_number": f.certificate_number, "issued_at": _t(f.issued_at),
        "delivery": f.delivery, "delivery_label": str(Delivery(f.delivery).label) if f.delivery else "",
        "refusal_reason": f.refusal_reason,
        "refusal_label": f"{refusal['label']}（{refusal['article']}）" if refusal else "",
        "termination_reason": f.termination_reason,
        "termination_label": f"{termination['label']}（{termination['article']}）" if termination else "",
        "reasons": f.reasons, "document": notary_document_kind(case),
    }
