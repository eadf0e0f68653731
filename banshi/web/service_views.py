"""The workbench for the specialised matters (法律援助, 人民调解): the registration pages of a
legal-aid centre and a mediation committee, the matter's file and links on the case page, the
home page's 专项服务 counts, and the matter's documents (made by services/documents.py; served
here, scoped like the case page).

Views parse the request, call the domain (services/legal_aid.py, services/mediation.py) and
render; the domain decides who may register where and what is acceptable."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from pydantic import ValidationError

from banshi.cases.enums import Channel
from banshi.cases.models import Case
from banshi.cases.queries.cases import case_get_for, kind_state_counts
from banshi.cases.workflow import definition_for
from banshi.core.audit import audit_write
from banshi.core.errors import DomainError, InvalidInput, NotFound
from banshi.core.middleware import CSP
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Person, Region, Unit
from banshi.orgs.scoping import sees_region
from banshi.services import catalog
from banshi.services.documents import document_html, document_pdf, document_style_hash, documents_for
from banshi.services.files import matter_file, related_matters
from banshi.services.inputs import AidApplyIn, MedOpenIn
from banshi.services.legal_aid import aid_open
from banshi.services.mediation import MEDIATION_UNITS, mediation_open
from banshi.web.actions import parties_parse
from banshi.web.params import is_id
from banshi.web.views import case_staff_view, client_ip, me

AID_UNITS = (UnitKind.LEGAL_AID,)
# The matters each kind of service unit works on (its home page's 专项服务 section).
SERVICE_KINDS: dict[str, tuple[str, ...]] = {
    UnitKind.LEGAL_AID: ("legal_aid",),
    UnitKind.MEDIATION: ("mediation",),
    UnitKind.JUSTICE_OFFICE: ("mediation",),
    UnitKind.NOTARY: ("notary",),
}
NEW_PAGES = {"legal_aid": ("web:legal_aid_new", gettext_lazy("法律援助申请登记")),
             "mediation": ("web:mediation_new", gettext_lazy("调解登记")),
             "notary": ("web:notary_day", gettext_lazy("当日预约"))}
OBJECTION_RESULTS = {"upheld": "异议成立，决定给予法律援助", "dismissed": "异议不成立，维持不予法律援助的决定"}


# -- the case page's panels ------------------------------------------------------------------------


def event_label(kind: str, action: str) -> str:
    """An event's action in words, from the matter's own definition (then the demand's)."""
    d = definition_for(kind)
    if d.register is not None and action == d.register.action:
        return str(d.register.label)
    rule = d.table.get(action) or definition_for("demand").table.get(action)
    if rule is None and action == definition_for("demand").register.action:
        return str(definition_for("demand").register.label)
    return str(rule.label) if rule else action


def matter_panel(case: Case) -> dict[str, Any] | None:
    """The matter's file as the 案卷 panel shows it: matter_file's fields, with the articles and
    results spelled out."""
    if case.kind == "notary":
        from banshi.notary.files import notary_file

        return notary_file(case)
    f = matter_file(case)
    if f is None:
        return None
    if f["kind"] == "legal_aid":
        reasons = catalog.legal_aid()["termination_reasons"]
        f["termination_article"] = reasons.get(f["termination_reason"], {}).get("article", "")
        f["objection_result_label"] = OBJECTION_RESULTS.get(f["objection_result"], "")
    return f


def related_panel(case: Case) -> list[dict[str, Any]]:
    rows = related_matters(case)
    for r in rows:
        r["relation_label"] = _("来源诉求") if r["relation"] == "origin" else _("由此转入")
    return rows


def county_of(unit: Unit) -> Region:
    """The region a unit serves at county level (its own region above that)."""
    region = unit.region
    while region.level > 3 and region.parent is not None:
        region = region.parent
    return region


def refer_unit_groups(person: Person) -> list[tuple[str, list[Unit]]]:
    """The 转专项服务 form's units: the legal-aid centres, the mediation committees and 司法所, and
    the courts, procuratorates and police that decide 司法救助, of the viewer's county (their region
    when that is a city or above)."""
    from banshi.judicial_aid.domain import DECIDING_KINDS

    if person.unit is None:
        return []
    region = county_of(person.unit)
    units = list(Unit.objects.filter(is_active=True, region__path__startswith=region.path,
                                     kind__in=[*AID_UNITS, *MEDIATION_UNITS, *DECIDING_KINDS]).order_by("path"))
    return [(label, [u for u in units if u.kind in kinds]) for label, kinds in (
        (_("法律援助中心（转法律援助）"), AID_UNITS),
        (_("人民调解委员会、司法所（转人民调解）"), MEDIATION_UNITS),
        (_("人民法院、人民检察院、公安机关（转国家司法救助）"), DECIDING_KINDS),
    ) if any(u.kind in kinds for u in units)]


def rooms_for(case: Case) -> list[tuple[str, str]]:
    from banshi.services.models import MediationRoom

    if not case.lead_unit_id:
        return []
    return [(str(r.pk), r.name) for r in MediationRoom.objects.filter(unit_id=case.lead_unit_id, is_active=True)
            .order_by("name")]


def document_links(case: Case) -> list[dict[str, str]]:
    if case.kind == "notary":
        from banshi.web.notary_views import document_link

        link = document_link(case)
        return [link] if link else []
    return [{"code": d.code, "title": d.title,
             "html": reverse("web:case_document", args=[case.pk, d.code]),
             "pdf": reverse("web:case_document_pdf", args=[case.pk, d.code])} for d in documents_for(case)]


# -- home ------------------------------------------------------------------------------------------


def service_sections(person: Person) -> list[dict[str, Any]]:
    """The home page's 专项服务: for staff of a legal-aid centre, a mediation committee or a 司法所,
    their open matters by state, each linking to the queue of that kind and state."""
    if person.unit is None:
        return []
    out = []
    for kind in SERVICE_KINDS.get(person.unit.kind, ()):
        d = definition_for(kind)
        states = [s for s in d.states.values if s in d.open_states]
        counts = kind_state_counts(person, kind, states)
        queue = reverse("web:queue")
        page, page_label = NEW_PAGES[kind]
        out.append({
            "kind": kind, "label": str(d.label), "total": sum(counts.values()),
            "all_url": f"{queue}?{urlencode({'kind': kind})}",
            "new_url": reverse(page), "new_label": page_label,
            "rows": [{"state": s, "label": d.state_label(s), "count": counts.get(s, 0),
                      "url": f"{queue}?{urlencode({'kind': kind, 'state': s})}"} for s in states],
        })
    return out


# -- registration pages ----------------------------------------------------------------------------


def opening_units(person: Person, kinds: tuple[str, ...]) -> list[Unit]:
    """The units of these kinds this person registers for: their own unit and those under it, or
    for a supervisor those of the region (the domain checks the same, `opener_check`)."""
    if person.unit is None:
        return []
    q = Q(path__startswith=person.unit.path)
    if sees_region(person):
        q |= Q(region__path__startswith=person.unit.region.path)
    return list(Unit.objects.filter(q, is_active=True, kind__in=kinds).order_by("path"))


def _posted(request: HttpRequest, names: tuple[str, ...]) -> dict[str, str]:
    return {n: str(request.POST.get(n, "")).strip() for n in names}


def _unit_id(raw: str, what: str) -> int:
    if not is_id(raw):
        raise InvalidInput(_("请选择%(what)s。") % {"what": what}, code="invalid_unit")
    return int(raw)


def _typed(model: Any, values: dict[str, Any]) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        names = "、".join(dict.fromkeys(str(e["loc"][0]) for e in exc.errors() if e.get("loc")))
        raise InvalidInput(_("请求数据不正确：%(f)s") % {"f": names}, code="invalid_input") from None


AID_FIELDS = ("unit_id", "applicant_name", "applicant_phone", "applicant_id_number", "matter_type", "facts",
              "other_party", "economic", "exemption", "address", "channel")


def _aid_context(person: Person, form: dict[str, Any], error: str = "") -> dict[str, Any]:
    cat = catalog.legal_aid()
    groups = [(label, [(code, t) for code, t in cat["matter_types"].items() if t.get("kind") == kind])
              for kind, label in cat["matter_kinds"].items()]
    return {
        "units": opening_units(person, AID_UNITS), "form": form, "error": error,
        "matter_groups": [(label, items) for label, items in groups if items],
        "exemptions": list(cat["exemptions"].items()),
        "green": [e for e in cat["exemptions"].values() if e.get("green_channel")],
        "documents": list(enumerate(cat["documents"])),
        "received_docs": set(form.get("received_docs", [])),
        "channels": Channel.choices, "docs_period_days": cat["docs_period_days"],
    }


@require_http_methods(["GET", "POST"])
@case_staff_view
def legal_aid_new(request: HttpRequest) -> HttpResponse:
    """法律援助申请登记 at a legal-aid centre: the applicant, 援助事项 (with its article), facts,
    economic situation or an exemption of arts. 32/42 (农民工讨薪、工伤: 绿色通道), and the
    checklist of documents (those not ticked are offered for 一次性告知补正 on the case page)."""
    person = me(request)
    if request.method == "POST":
        form: dict[str, Any] = {**_posted(request, AID_FIELDS),
                                "received_docs": [d for d in request.POST.getlist("received_docs") if is_id(d)]}
        try:
            values = {k: form[k] for k in AID_FIELDS}
            values["unit_id"] = _unit_id(form["unit_id"], _("法律援助中心"))
            values["channel"] = values["channel"] or Channel.WINDOW
            case = aid_open(_typed(AidApplyIn, values), actor=person)
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            return render(request, "web/services/legal_aid_new.html", _aid_context(person, form, exc.message),
                          status=exc.status)
        f = matter_file(case) or {}
        docs = catalog.legal_aid()["documents"]
        missing = [i for i in range(len(docs)) if str(i) not in form["received_docs"]]
        messages.success(request, _("已登记法律援助申请 %(n)s%(g)s。") % {
            "n": case.number, "g": _("（绿色通道，优先审查）") if f.get("green_channel") else ""})
        if missing:
            messages.info(request, _("尚未收到的材料：%(d)s。可在“一次性告知补正”中一次告知申请人。")
                          % {"d": "、".join(docs[i] for i in missing)})
        url = reverse("web:case", args=[case.pk])
        return redirect(f"{url}?{urlencode([('missing', i) for i in missing])}" if missing else url)
    units = opening_units(person, AID_UNITS)
    ctx = _aid_context(person, {"unit_id": str(units[0].pk) if len(units) == 1 else "", "channel": Channel.WINDOW})
    if not units:
        ctx["error"] = _("只有法律援助中心的工作人员可以登记法律援助申请。")
    return render(request, "web/services/legal_aid_new.html", ctx, status=200 if units else 403)


MED_FIELDS = ("unit_id", "source", "dispute_type", "facts", "applicants", "respondents", "address", "channel")


def _med_context(person: Person, form: dict[str, Any], error: str = "") -> dict[str, Any]:
    cat = catalog.mediation()
    return {"units": opening_units(person, MEDIATION_UNITS), "form": form, "error": error,
            "sources": [(k, v) for k, v in cat["sources"].items() if k != "referral"],
            "dispute_types": list(cat["dispute_types"].items()), "channels": Channel.choices}


@require_http_methods(["GET", "POST"])
@case_staff_view
def mediation_new(request: HttpRequest) -> HttpResponse:
    """调解登记 at a mediation committee or 司法所: how the dispute came, its type, the facts, the
    parties (one a line, "姓名,电话") and the place."""
    person = me(request)
    if request.method == "POST":
        form = _posted(request, MED_FIELDS)
        try:
            parties = (parties_parse(request.POST.get("applicants", ""), role="applicant", what=_("申请人"))
                       + parties_parse(request.POST.get("respondents", ""), role="respondent", what=_("被申请人")))
            values: dict[str, Any] = {
                "unit_id": _unit_id(form["unit_id"], _("人民调解委员会或司法所")), "source": form["source"] or "application",
                "dispute_type": form["dispute_type"], "facts": form["facts"], "parties": parties,
                "address": form["address"], "channel": form["channel"] or Channel.WINDOW,
            }
            if not any(p["role"] == "applicant" for p in parties):
                raise InvalidInput(_("请填写申请人（每行：姓名,电话）。"), code="parties_required")
            case = mediation_open(_typed(MedOpenIn, values), actor=person)
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            return render(request, "web/services/mediation_new.html", _med_context(person, form, exc.message),
                          status=exc.status)
        messages.success(request, _("已登记调解申请 %(n)s。") % {"n": case.number})
        return redirect("web:case", case_id=case.pk)
    units = opening_units(person, MEDIATION_UNITS)
    ctx = _med_context(person, {"unit_id": str(units[0].pk) if len(units) == 1 else "", "source": "application",
                                "channel": Channel.WINDOW})
    if not units:
        ctx["error"] = _("只有人民调解委员会或司法所的工作人员可以登记调解申请。")
    return render(request, "web/services/mediation_new.html", ctx, status=200 if units else 403)


# -- documents -------------------------------------------------------------------------------------


@case_staff_view
def case_document(request: HttpRequest, case_id: int, doc: str, fmt: str = "html") -> HttpResponse:
    """A matter's document as a printable page or a PDF: 404 for a case this person may not see,
    and for a document the matter does not have (yet)."""
    person = me(request)
    case = case_get_for(person, case_id)  # 404 for a case this person may not see
    audit_write(actor_id=person.pk, action="document_view", object_type="case", object_id=case.pk,
                ip=client_ip(request), data={"document": doc[:40], "format": fmt})
    if fmt == "pdf":
        pdf = document_pdf(case, doc)
        title = next((d.title for d in documents_for(case) if d.code == doc), doc)
        resp = HttpResponse(pdf, content_type="application/pdf")
        resp["Content-Disposition"] = content_disposition_header(False, f"{case.number}-{title}.pdf") or "inline"
    else:
        html = document_html(case, doc, links={"back": reverse("web:case", args=[case.pk]),
                                               "pdf": reverse("web:case_document_pdf", args=[case.pk, doc])})
        resp = HttpResponse(html, content_type="text/html; charset=utf-8")
        # The page's one stylesheet is inline (the PDF reads no file): allowed by its hash, nothing else.
        resp["Content-Security-Policy"] = CSP.replace("style-src 'self'", f"style-src 'self' {document_style_hash()}")
    resp["Cache-Control"] = "private, no-store"
    return resp
