"""The written documents of the specialised matters, in Chinese and in the unit's name: printable
HTML (print CSS, large type) and the same page as a PDF (WeasyPrint, offline).

法律援助 (法律援助法): 补正通知书 (一次性告知, art. 43), 给予 / 不予法律援助决定书 (art. 43; how to
object, art. 49), 指派通知书 (art. 43). 人民调解: 人民调解协议书 (人民调解法 art. 29) from the
agreement text the file holds, with signature lines for every party and mediator.

Which documents exist follows the matter's file and events: a 补正通知书 once documents were
requested, a 决定书 once decided, a 指派通知书 once a lawyer is assigned, a 协议书 once a written
agreement is reached (`documents_for`). Asking for one that does not exist is `NotFound`.

The web serves these pages (web/service_views.py); nothing here knows its URLs: a caller may pass
`links` (back, pdf) for the screen-only toolbar."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from banshi.cases.models import Case, CaseEvent
from banshi.core.errors import NotFound
from banshi.core.privacy import mask_id_number
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Unit
from banshi.services import catalog
from banshi.services.models import LegalAidFile, MediationFile

TEMPLATES = Path(__file__).resolve().parent / "templates" / "services"
LAW = "《中华人民共和国法律援助法》"


@dataclass(frozen=True)
class Document:
    code: str  # the URL slug
    title: str
    template: str
    kind: str  # the kind of matter it belongs to


DOCUMENTS: dict[str, Document] = {d.code: d for d in (
    Document("aid-docs-notice", "法律援助补正通知书", "services/aid_docs_notice.html", "legal_aid"),
    Document("aid-grant", "给予法律援助决定书", "services/aid_grant.html", "legal_aid"),
    Document("aid-refusal", "不予法律援助决定书", "services/aid_refusal.html", "legal_aid"),
    Document("aid-assignment", "指派通知书", "services/aid_assignment.html", "legal_aid"),
    Document("mediation-agreement", "人民调解协议书", "services/mediation_agreement.html", "mediation"),
)}


def cn_date(d: date | datetime | None) -> str:
    """2025年3月7日 (a datetime in local time)."""
    if d is None:
        return "    年  月  日"
    if isinstance(d, datetime):
        d = timezone.localtime(d).date()
    return f"{d.year}年{d.month}月{d.day}日"


@cache
def document_css() -> str:
    """The documents' one stylesheet (screen and print), inlined in every page: the PDF may fetch nothing."""
    return (TEMPLATES / "document.css").read_text(encoding="utf-8")


def document_style_hash() -> str:
    """The CSP source of the inlined stylesheet ('sha256-…'), so a page can allow exactly it."""
    digest = hashlib.sha256(document_css().encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


# -- the facts each document reads ---------------------------------------------------------------


def _last_event(case: Case, action: str) -> CaseEvent | None:
    return CaseEvent.objects.filter(case=case, action=action).order_by("-at", "-id").first()


def _justice_department(unit: Unit | None) -> str:
    """The justice bureau that set up the legal-aid centre (it hears objections, art. 49)."""
    u = unit.parent if unit is not None else None
    while u is not None:
        if u.kind == UnitKind.JUSTICE_BUREAU:
            return u.name
        u = u.parent
    return _("设立本法律援助机构的司法行政部门")


def _aid_common(case: Case, f: LegalAidFile) -> dict[str, Any]:
    cat = catalog.legal_aid()
    matter = cat["matter_types"].get(f.matter_type, {})
    exemption = cat["exemptions"].get(f.exemption) if f.exemption else None
    return {
        "applicant": case.citizen_name or _("申请人"),
        "id_number": mask_id_number(case.citizen_id_number),
        "received": cn_date(case.received_at),
        "matter_kind": cat["matter_kinds"].get(f.matter_kind, ""),
        "matter": str(matter.get("label", f.matter_type)),
        "matter_article": str(matter.get("article", "")),
        "other_party": f.other_party,
        "exemption": str(exemption["label"]) if exemption else "",
        "exemption_article": str(exemption["article"]) if exemption else "",
        "green_channel": f.green_channel,
        "law": LAW,
    }


def _aid_file(case: Case) -> LegalAidFile | None:
    return LegalAidFile.objects.filter(case=case).first() if case.kind == "legal_aid" else None


def _docs_notice(case: Case) -> dict[str, Any] | None:
    f = _aid_file(case)
    event = _last_event(case, "aid_docs_request") if f is not None else None
    if f is None or event is None:
        return None
    documents = [str(d) for d in (event.data or {}).get("documents") or f.docs_missing]
    due = parse_datetime(str((event.data or {}).get("due_at") or "")) or f.docs_due_at
    return {**_aid_common(case, f), "documents": documents, "due": cn_date(due) if due else "",
            "note": event.reason, "date": cn_date(event.at),
            "period_days": catalog.legal_aid()["docs_period_days"]}


def _grant(case: Case) -> dict[str, Any] | None:
    f = _aid_file(case)
    if f is None or f.decision not in ("granted", "advance"):
        return None
    return {**_aid_common(case, f), "advance": f.decision == "advance", "hardship": f.hardship,
            "upheld": f.objection_result == "upheld", "justice": _justice_department(case.lead_unit),
            "advance_deadline": cn_date(f.advance_deadline) if f.advance_deadline else "",
            "lawyer_name": f.lawyer_name, "lawyer_org": f.lawyer_org, "date": cn_date(f.decided_at or timezone.now())}


def _refusal(case: Case) -> dict[str, Any] | None:
    f = _aid_file(case)
    event = _last_event(case, "aid_refuse") if f is not None else None
    if f is None or event is None:
        return None
    return {**_aid_common(case, f), "reasons": event.reason or f.decision_reasons,
            "justice": _justice_department(case.lead_unit), "date": cn_date(event.at)}


def _assignment(case: Case) -> dict[str, Any] | None:
    f = _aid_file(case)
    if f is None or not f.lawyer_name or f.assigned_at is None:
        return None
    return {**_aid_common(case, f), "lawyer_name": f.lawyer_name, "lawyer_org": f.lawyer_org,
            "advance": f.decision == "advance", "decided": cn_date(f.decided_at) if f.decided_at else "",
            "date": cn_date(f.assigned_at)}


def agreement_blocks(text: str, parties: list[dict[str, Any]], mediators: list[str]) -> list[dict[str, Any]]:
    """The agreement text as the page's blocks: paragraphs as written (line breaks kept), the
    number, the seal line, and signature lines — one per party and per mediator — where the text
    has its 当事人（签名） and 人民调解员（签名） lines (added at the end if the text has none)."""
    party_rows = [{"role": "申请人" if p.get("role") == "applicant" else "被申请人", "name": str(p.get("name") or "")}
                  for p in parties]
    mediator_rows = [{"role": "人民调解员", "name": m} for m in mediators] or [{"role": "人民调解员", "name": ""}]
    blocks: list[dict[str, Any]] = []
    para: list[str] = []
    signed = {"parties": False, "mediators": False}

    def flush() -> None:
        if para:
            blocks.append({"type": "p", "lines": list(para)})
            para.clear()

    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if lines and lines[0].strip() == "人民调解协议书":
        lines.pop(0)
    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("编号："):
            flush()
            blocks.append({"type": "number", "text": line})
        elif line.startswith("当事人（签名"):
            flush()
            blocks.append({"type": "sign", "rows": party_rows, "what": "签名、盖章或者按指印"})
            signed["parties"] = True
        elif line.startswith("人民调解员（签名"):
            flush()
            blocks.append({"type": "sign", "rows": mediator_rows, "what": "签名"})
            signed["mediators"] = True
        elif line.endswith("（印章）"):
            flush()
            blocks.append({"type": "seal", "text": line})
        else:
            para.append(line)
    flush()
    if not signed["parties"]:
        blocks.append({"type": "sign", "rows": party_rows, "what": "签名、盖章或者按指印"})
    if not signed["mediators"]:
        blocks.append({"type": "sign", "rows": mediator_rows, "what": "签名"})
    # The closing date reads as a date line, under the seal.
    if len(blocks) >= 2 and blocks[-1]["type"] == "p" and blocks[-2]["type"] == "seal" and len(blocks[-1]["lines"]) == 1:
        blocks[-1] = {"type": "date", "text": blocks[-1]["lines"][0]}
    return blocks


def _agreement(case: Case) -> dict[str, Any] | None:
    if case.kind != "mediation":
        return None
    m = MediationFile.objects.filter(case=case).first()
    if m is None or m.agreement_form != "written" or not m.agreement_text.strip():
        return None
    blocks = [b for b in agreement_blocks(m.agreement_text, list(m.parties), list(m.mediators))
              if b["type"] != "number"]  # the page shows the matter's number once, under the title
    if not any(b["type"] == "seal" for b in blocks):
        unit = case.lead_unit.name if case.lead_unit else ""
        blocks += [{"type": "seal", "text": f"{unit}（印章）"}, {"type": "date", "text": cn_date(m.agreed_at)}]
    cat = catalog.mediation()
    return {"blocks": blocks, "dispute": cat["dispute_types"].get(m.dispute_type, ""), "date": cn_date(m.agreed_at)}


BUILDERS: dict[str, Callable[[Case], dict[str, Any] | None]] = {
    "aid-docs-notice": _docs_notice, "aid-grant": _grant, "aid-refusal": _refusal, "aid-assignment": _assignment,
    "mediation-agreement": _agreement,
}


# -- the interface -------------------------------------------------------------------------------


def documents_for(case: Case) -> list[Document]:
    """The documents this matter has now (none for a demand)."""
    return [d for d in DOCUMENTS.values() if d.kind == case.kind and BUILDERS[d.code](case) is not None]


def _context(case: Case, kind: str) -> tuple[Document, dict[str, Any]]:
    doc = DOCUMENTS.get(kind)
    facts = BUILDERS[doc.code](case) if doc is not None and doc.kind == case.kind else None
    if doc is None or facts is None:
        raise NotFound(_("该事项当前没有这份文书。"), code="no_document")
    unit = case.lead_unit or case.intake_unit
    return doc, {**facts, "doc": doc, "title": doc.title, "case": case, "unit": unit.name if unit else "",
                 "number": case.number, "css": mark_safe(document_css())}  # our own file, never user text


def document_html(case: Case, kind: str, *, links: dict[str, str] | None = None) -> str:
    """The document as a printable HTML page. `links` ({"back": …, "pdf": …}) adds a toolbar
    shown on screen only."""
    doc, ctx = _context(case, kind)
    return render_to_string(doc.template, {**ctx, "links": links or {}})


def _offline_fetcher(refused: list[str]) -> Any:
    from weasyprint.urls import URLFetcher

    class Offline(URLFetcher):
        """Refuses every URL: a document needs no resource and must never reach the network."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            refused.append(url)
            raise ValueError(f"离线生成，不读取外部资源：{url}")

    return Offline()


def document_pdf(case: Case, kind: str, *, refused: list[str] | None = None) -> bytes:
    """The same document as a PDF (A4), made offline by WeasyPrint (font: WenQuanYi Micro Hei)."""
    from weasyprint import HTML

    html = document_html(case, kind)
    log = refused if refused is not None else []
    doc = HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=_offline_fetcher(log))
    return bytes(doc.write_pdf())
