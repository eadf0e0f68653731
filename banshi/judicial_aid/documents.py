"""The written decisions of a 国家司法救助 matter, in Chinese and in the deciding unit's name: the
救助决定书 (with the amount in figures and in capitals) or the 不予救助决定书 (with the reasons), as
a printable HTML page (print CSS, large type).

They hold the amounts and the reasons: `judicial_aid_document_for` is the way a person reads one
(only the deciding unit and its supervisors, each view logged, as the file);
`judicial_aid_document_html` renders without asking (the caller has decided)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from banshi.cases.models import Case
from banshi.core.audit import audit_write
from banshi.core.errors import NotFound, PermissionDenied
from banshi.core.privacy import mask_id_number
from banshi.judicial_aid import catalog
from banshi.judicial_aid.access import may_see_full
from banshi.judicial_aid.domain import KIND, yuan
from banshi.judicial_aid.enums import JaDecision
from banshi.judicial_aid.models import JudicialAidFile
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Person, Unit

TEMPLATES = Path(__file__).resolve().parent / "templates" / "judicial_aid"
TITLES = {JaDecision.GRANTED: "国家司法救助决定书", JaDecision.REFUSED: "不予国家司法救助决定书"}
DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL = ("", "拾", "佰", "仟")
BIG = ("", "万", "亿", "万亿")


def rmb_upper(value: Decimal) -> str:
    """An amount in capitals, as on a cheque: 12345.60 → 壹万贰仟叁佰肆拾伍元陆角整."""
    value = Decimal(value).quantize(Decimal("0.01"))
    if value < 0:
        raise ValueError("negative amount")
    integer = int(value)
    cents = int((value - integer) * 100)
    jiao, fen = divmod(cents, 10)
    out = ""
    if integer:
        text = str(integer)
        groups: list[str] = []
        while text:
            groups.insert(0, text[-4:])
            text = text[:-4]
        zero = False
        for gi, group in enumerate(groups):
            part = ""
            for i, ch in enumerate(group):
                d = int(ch)
                if d == 0:
                    zero = bool(out or part)
                    continue
                if zero:
                    part += "零"
                    zero = False
                part += DIGITS[d] + SMALL[len(group) - 1 - i]
            if part:
                out += part + BIG[len(groups) - 1 - gi]
        out += "元"
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif integer:
        out += "零"
    return out + (DIGITS[fen] + "分" if fen else "整")


def cn_date(d: date | datetime | None) -> str:
    if d is None:
        return "    年  月  日"
    if isinstance(d, datetime):
        d = timezone.localtime(d).date()
    return f"{d.year}年{d.month}月{d.day}日"


def self_name(unit: Unit | None) -> str:
    """How the unit names itself in its decisions: 本院 (a court, a procuratorate), 本局, 本所."""
    kind = unit.kind if unit is not None else ""
    if kind in (UnitKind.COURT, UnitKind.PROCURATORATE):
        return "本院"
    if kind == UnitKind.POLICE_STATION:
        return "本所"
    return "本局" if kind in (UnitKind.POLICE_BUREAU, UnitKind.POLICE_BRANCH) else "本机关"


@cache
def document_css() -> str:
    return (TEMPLATES / "document.css").read_text(encoding="utf-8")


def _context(case: Case) -> tuple[str, dict[str, Any]]:
    f = (JudicialAidFile.objects.select_related("proposer").filter(case=case).first()
         if case.kind == KIND else None)
    if f is None or f.decision not in TITLES:
        raise NotFound(_("该事项尚未作出救助决定，没有决定书。"), code="no_document")
    cat = catalog.judicial_aid()
    unit = case.lead_unit or case.intake_unit
    ctx: dict[str, Any] = {
        "code": f"judicial-aid-{f.decision}", "title": TITLES[JaDecision(f.decision)], "number": case.number,
        "unit": unit.name if unit else "", "self": self_name(unit), "applicant": case.citizen_name or _("申请人"),
        "id_number": mask_id_number(case.citizen_id_number), "received": cn_date(case.received_at),
        "case_ref": f.case_ref, "proposer": f.proposer.name if f.proposer else "",
        "situation": catalog.label(cat["situations"], f.situation), "reasons": f.decision_reasons,
        "date": cn_date(f.decided_at), "css": mark_safe(document_css()),  # our own file, never user text
    }
    if f.decision == JaDecision.GRANTED and f.amount_granted is not None:
        ctx.update(amount=yuan(f.amount_granted), amount_upper=rmb_upper(f.amount_granted),
                   exceed_reason=f.exceed_reason, limit_amount=yuan(f.limit_amount),
                   limit_basis=cat["limit"]["basis"], limit_months=cat["limit"]["months"])
        return "judicial_aid/grant.html", ctx
    ctx["reason_label"] = catalog.label(cat["refusal_reasons"], f.refusal_reason)
    return "judicial_aid/refusal.html", ctx


def judicial_aid_document_html(case: Case, *, links: dict[str, str] | None = None) -> str:
    """The decision (救助决定书 or 不予救助决定书) as a printable HTML page; NotFound before a decision.
    `links` ({"back": …, "pdf": …}) adds a toolbar shown on screen only."""
    template, ctx = _context(case)
    return render_to_string(template, {**ctx, "links": links or {}})


def judicial_aid_document_for(person: Person, case: Case, *, ip: str | None = None,
                              links: dict[str, str] | None = None) -> str:
    """The decision for a person who may read it (the deciding unit and its supervisors); the view is logged."""
    if case.kind != KIND:
        raise NotFound(_("该事项不是国家司法救助。"), code="not_judicial_aid")
    if not may_see_full(person, case):
        raise PermissionDenied(_("救助决定书载有救助金额和申请人的困难情况，仅作出决定的单位及其上级、督办人员可以查看。"),
                               code="document_forbidden")
    html = judicial_aid_document_html(case, links=links)
    audit_write(actor_id=person.pk, action="judicial_aid_document_view", object_type="case", object_id=case.pk,
                ip=ip, data={"document": "decision"})
    return html
