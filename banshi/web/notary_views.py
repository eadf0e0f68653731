"""The workbench for a notary office (公证处): the day's bookings (`day_list`) with each matter's
case page and checklist, the form that publishes a slot (`slots_publish`), and the matter's
printable document (`notary_document_html`, scoped like the case page). The notary domain decides
who may see and publish; these views parse, call it and render."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import ValidationError

from banshi.cases.models import Case
from banshi.cases.queries.cases import case_get_for
from banshi.core.audit import audit_write
from banshi.core.errors import InvalidInput
from banshi.core.middleware import CSP
from banshi.notary import catalog
from banshi.notary import domain as nt
from banshi.notary.documents import notary_document_html, notary_document_kind
from banshi.notary.enums import SlotKind
from banshi.notary.inputs import SlotIn
from banshi.orgs.enums import UnitKind
from banshi.orgs.models import Person, Unit
from banshi.web.params import is_id
from banshi.web.service_views import opening_units
from banshi.web.views import case_staff_view, client_ip, me

NOTARY_UNITS = (UnitKind.NOTARY,)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
SLOT_FIELDS = ("office", "date", "start", "end", "capacity", "kind", "label", "note")


def notary_offices(person: Person) -> list[Unit]:
    """The notary offices this person works at or oversees (the domain checks again)."""
    return opening_units(person, NOTARY_UNITS)


def notary_links(person: Person) -> list[dict[str, str]]:
    """The home page's links for staff of a notary office."""
    if person.unit is None or person.unit.kind != UnitKind.NOTARY:
        return []
    out = [{"url": reverse("web:notary_day"), "label": _("当日预约"), "id": "notary-day-link"}]
    if person.role in nt.PUBLISHERS:
        out.append({"url": reverse("web:notary_slots"), "label": _("发布预约时段"), "id": "notary-slots-link"})
    return out


def _office_id(raw: str, offices: list[Unit]) -> int:
    if raw:
        if not is_id(raw):
            raise InvalidInput(_("公证处不正确。"), code="invalid_unit")
        return int(raw)
    if not offices:
        raise InvalidInput(_("只有公证处的工作人员可以查看预约。"), code="not_notary_staff")
    return offices[0].pk


def _day(raw: str) -> date:
    if not raw:
        return timezone.localdate()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("日期格式不正确，应为 2026-11-07。"), code="invalid_date") from None


@require_GET
@case_staff_view
def notary_day(request: HttpRequest) -> HttpResponse:
    """当日预约: the office's slots of a day with their bookings (phone masked), each booking
    linking to its matter's case page and showing the matter's checklist."""
    person = me(request)
    offices = notary_offices(person)
    office_id = _office_id(str(request.GET.get("office") or "").strip(), offices)
    day = _day(str(request.GET.get("date") or "").strip())
    data = nt.day_list(office_id, day, actor=person)  # 403 for anyone but the office's staff and supervisors
    for s in data["slots"]:
        for b in s["bookings"]:
            m = catalog.matter(b["matter"]) or {}
            b["materials"] = list(m.get("materials", []))
    q = {"office": office_id}
    return render(request, "web/notary/day.html", {
        "data": data, "offices": offices, "office_id": office_id, "day": day,
        "prev_url": f"?{urlencode({**q, 'date': (day - timedelta(days=1)).isoformat()})}",
        "next_url": f"?{urlencode({**q, 'date': (day + timedelta(days=1)).isoformat()})}",
        "may_publish": person.role in nt.PUBLISHERS,
    })


def _slot_in(form: dict[str, Any]) -> tuple[int, SlotIn]:
    office = _office_id(form["office"], [])
    day = _day(form["date"]) if form["date"] else None
    start, end = _HHMM.match(form["start"]), _HHMM.match(form["end"])
    if day is None or start is None or end is None:
        raise InvalidInput(_("请填写日期和开始、结束时间（如 09:00）。"), code="invalid_slot_time")
    if not (form["capacity"].isascii() and form["capacity"].isdigit() and len(form["capacity"]) <= 4):
        raise InvalidInput(_("可预约人数应为1至500。"), code="invalid_capacity")
    capacity = int(form["capacity"])
    if not 1 <= capacity <= 500:
        raise InvalidInput(_("可预约人数应为1至500。"), code="invalid_capacity")

    def aware(m: re.Match[str]) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(int(m.group(1)), int(m.group(2)))))

    try:
        return office, SlotIn(starts_at=aware(start), ends_at=aware(end), capacity=capacity,
                              kind=form["kind"] or SlotKind.REGULAR, label=form["label"], video=form["video"],
                              matters=form["matters"], note=form["note"])
    except ValidationError:
        raise InvalidInput(_("时段填写不正确，请检查。"), code="invalid_input") from None


def _slots_ctx(person: Person, form: dict[str, Any], error: str = "") -> dict[str, Any]:
    return {"offices": notary_offices(person), "form": form, "error": error, "kinds": SlotKind.choices,
            "matters": list(catalog.matters().values()), "chosen": set(form.get("matters") or [])}


@require_http_methods(["GET", "POST"])
@case_staff_view
def notary_slots(request: HttpRequest) -> HttpResponse:
    """发布预约时段 (the office's own staff; `slots_publish` refuses anyone else): one slot — a
    weekday, 周末不打烊 on a rest day, or a special week with its label — with its capacity,
    whether video is offered and, if only some, which matters."""
    person = me(request)
    if request.method == "POST":
        form: dict[str, Any] = {n: str(request.POST.get(n, "")).strip() for n in SLOT_FIELDS}
        form["video"] = request.POST.get("video") == "on"
        form["matters"] = [m for m in request.POST.getlist("matters") if m in catalog.matters()]
        try:
            office, slot_in = _slot_in(form)
            [s] = nt.slots_publish(office, [slot_in], actor=person)
        except InvalidInput as exc:
            return render(request, "web/notary/slots.html", _slots_ctx(person, form, exc.message), status=exc.status)
        messages.success(request, _("已发布预约时段：%(w)s，可预约%(n)d人。") % {
            "w": nt.when_text(s.starts_at, s.ends_at), "n": s.capacity})
        return redirect(f"{reverse('web:notary_day')}?{urlencode({'office': office, 'date': form['date']})}")
    offices = notary_offices(person)
    ctx = _slots_ctx(person, {"office": str(offices[0].pk) if offices else "", "capacity": "4", "kind": "regular",
                              "date": (timezone.localdate() + timedelta(days=1)).isoformat(),
                              "start": "09:00", "end": "11:30"})
    if not offices or person.role not in nt.PUBLISHERS:
        ctx["error"] = _("只有本公证处的工作人员可以发布预约时段。")
        return render(request, "web/notary/slots.html", ctx, status=403)
    return render(request, "web/notary/slots.html", ctx)


def document_link(case: Case) -> dict[str, str] | None:
    """The case page's link to the matter's printable document (none when it has none now)."""
    if notary_document_kind(case) is None:
        return None
    return {"code": "notary", "title": _("公证文书（可打印）"), "html": reverse("web:notary_document", args=[case.pk]),
            "pdf": ""}


@require_GET
@case_staff_view
def notary_document(request: HttpRequest, case_id: int) -> HttpResponse:
    """The notary matter's current document as a printable page: 404 for a case this person may
    not see, and for a matter without one (cancelled, missed)."""
    person = me(request)
    case = case_get_for(person, case_id)
    html = notary_document_html(case, links={"back": reverse("web:case", args=[case.pk])})
    audit_write(actor_id=person.pk, action="document_view", object_type="case", object_id=case.pk,
                ip=client_ip(request), data={"document": notary_document_kind(case) or "", "format": "html"})
    resp = HttpResponse(html, content_type="text/html; charset=utf-8")
    # The page's one stylesheet is inline: allowed by its hash, nothing else.
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(m.encode()).digest()).decode()}'"
                      for m in _STYLE.findall(html))
    resp["Content-Security-Policy"] = CSP.replace("style-src 'self'", f"style-src 'self' {hashes}")
    resp["Cache-Control"] = "private, no-store"
    return resp
