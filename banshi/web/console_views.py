"""The hotline / window console and field intake (补录), with its htmx side panels.

Views parse, call the domain (case_register, case_link, case_answer) and the intake console
selectors (caller history, knowledge base, emergency prompt), and render. No rules here: whether a
demand may be answered on the spot, linked, or back-dated is decided by the domain.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import case_answer, case_link
from banshi.cases.enums import CaseType, Channel, LinkKind, Urgency
from banshi.cases.models import Case
from banshi.cases.registration import VIA_STAFF, channels_for, registrar_check
from banshi.core.errors import DomainError, InvalidInput
from banshi.core.privacy import mask_phone, phone_normalise
from banshi.intake.console import caller_history, emergency_banner, knowledge_search
from banshi.intake.knowledge import knowledge_suggest
from banshi.orgs.models import Grid, Person
from banshi.web.params import is_id
from banshi.web.views import case_staff_view, me, scope_regions

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The caller's earlier demands received this recently are pre-ticked for linking (the operator may untick).
LINK_PRESELECT = timedelta(days=30)
FORM_KEYS = ("type", "channel", "content", "title", "citizen_name", "citizen_phone", "citizen_id_number",
             "address", "region", "grid", "category", "urgency", "received_at", "answer", "anonymous", "confidential")


def partial_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponseBase]:
    """An htmx side panel: GET only, registering staff only; a domain error becomes a short notice."""

    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponseBase:
        if not request.user.is_authenticated:
            # No redirect: the panel must not replace itself with the sign-in page mid-call.
            message = _("登录已过期：请在新标签页重新登录，本页已填内容不会丢失。")
            return render(request, "web/console/_notice.html", {"message": message}, status=401)
        try:
            registrar_check(me(request))
            return view(request)
        except DomainError as exc:
            return render(request, "web/console/_notice.html", {"message": exc.message}, status=exc.status)

    return require_GET(wrapper)


def received_at_parse(raw: str) -> datetime | None:
    """A `datetime-local` value, read as Beijing time."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("受理时间格式不正确。"), code="invalid_received_at") from None
    return value if timezone.is_aware(value) else value.replace(tzinfo=SHANGHAI)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if is_id(v)]


# -- the console page ------------------------------------------------------------------------------

@case_staff_view
def intake(request: HttpRequest) -> HttpResponse:
    return _console(request, field=False)


@case_staff_view
def intake_field(request: HttpRequest) -> HttpResponse:
    return _console(request, field=True)


def _console(request: HttpRequest, *, field: bool) -> HttpResponse:
    person = me(request)
    registrar_check(person)  # the page itself; case_register checks the whole rule again on POST
    assert person.unit is not None
    form: dict[str, Any] = {
        "type": CaseType.HELP, "channel": Channel.FIELD_VISIT if field else Channel.HOTLINE_12345,
        "urgency": Urgency.NORMAL, "region": person.unit.region.code,
    }
    error, status = "", 200
    linked: set[int] | None = None  # None: nothing posted yet, pre-tick the recent ones
    if request.method == "POST":
        p = request.POST
        form = {k: (p.get(k) or "").strip() for k in FORM_KEYS}
        linked = set(_ids(p.getlist("link_ids")))
        try:
            data = CaseInput(
                type=form["type"], channel=form["channel"], content=form["content"], title=form["title"],
                citizen_name=form["citizen_name"], citizen_phone=form["citizen_phone"],
                citizen_id_number=form["citizen_id_number"], anonymous=form["anonymous"] == "on",
                confidential=form["confidential"] == "on", address=form["address"],
                region_code=form["region"] or None, grid_id=int(form["grid"]) if is_id(form["grid"]) else None,
                category=form["category"], urgency=form["urgency"] or Urgency.NORMAL,
                received_at=received_at_parse(form["received_at"]) if field else None,
            )
            case, created = case_register(data=data, intake_unit=person.unit, actor=person, via=VIA_STAFF,
                                          idempotency_key=p.get("idempotency_key") or None)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            if not created:
                messages.info(request, _("该诉求已登记（重复提交）：%(n)s。") % {"n": case.number})
                return redirect("web:case", case_id=case.pk)
            _after_register(request, person, case, linked or set(), answer=form["answer"] if p.get("op") == "answer" else None)
            return redirect("web:case", case_id=case.pk)
    channels = channels_for(VIA_STAFF, field=field)
    region_path = person.unit.region.path
    now_local = timezone.localtime(timezone.now(), SHANGHAI)
    ctx = {
        "field": field, "form": form, "error": error, "types": CaseType.choices, "channels": channels,
        "urgencies": Urgency.choices, "regions": scope_regions(person),
        "caller": caller_context(person, form.get("citizen_phone") or "", linked),
        "grids": list(Grid.objects.filter(region__path__startswith=region_path).order_by("name")) if field else [],
        "now_local": now_local.strftime("%Y-%m-%dT%H:%M"),
        "idempotency_key": f"web-{person.pk}-{timezone.now().timestamp():.6f}",
    }
    return render(request, "web/intake.html", ctx, status=status)


def _after_register(request: HttpRequest, person: Person, case: Case, link_ids: set[int], *,
                    answer: str | None) -> None:
    """Link the ticked earlier demands of the same caller, then answer on the spot if asked.

    The registration has committed by now: a refusal here (not a consultation, empty answer, a link
    the domain refuses) leaves a normal registered case waiting for dispatch, and says so.
    """
    messages.success(request, _("已登记诉求 %(n)s，查询码 %(c)s。") % {"n": case.number, "c": case.tracking_code})
    if link_ids and case.citizen_phone:
        # Only cases this person may see with this very phone: the list they were shown.
        allowed = {row["id"] for row in caller_history(person, case.citizen_phone, limit=50)} - {case.pk}
        done = 0
        for other_id in sorted(link_ids & allowed):
            try:
                case_link(case.pk, actor=person, other_id=other_id, kind=LinkKind.SAME_CALLER)
                done += 1
            except DomainError as exc:
                messages.error(request, _("关联诉求失败：%(m)s") % {"m": exc.message})
        if done:
            messages.success(request, _("已关联同一来电人的%(n)d件诉求。") % {"n": done})
    if answer is not None:
        try:
            case_answer(case.pk, actor=person, text=answer)
        except DomainError as exc:
            messages.error(request, _("诉求已登记，但未能当场答复：%(m)s") % {"m": exc.message})
        else:
            messages.success(request, _("已当场答复。"))


# -- htmx side panels ------------------------------------------------------------------------------

def caller_context(person: Person, raw: str, linked: set[int] | None) -> dict[str, Any]:
    """The caller's earlier demands this person may see, masked, with the link boxes' ticks."""
    ctx: dict[str, Any] = {"rows": [], "phone": "", "incomplete": False, "days": LINK_PRESELECT.days}
    raw = raw.strip()
    if not raw:
        return ctx
    try:
        number = phone_normalise(raw)
    except InvalidInput:
        ctx["incomplete"] = True
        return ctx
    since = timezone.now() - LINK_PRESELECT
    rows = caller_history(person, number)
    for row in rows:
        row["received"] = datetime.fromisoformat(row["received_at"])
        row["checked"] = row["id"] in linked if linked is not None else row["received"] >= since
    ctx.update(rows=rows, phone=mask_phone(number))
    return ctx


@partial_view
def caller_panel(request: HttpRequest) -> HttpResponse:
    ctx = caller_context(me(request), request.GET.get("citizen_phone") or "", None)
    return render(request, "web/console/_caller.html", {"caller": ctx})


@partial_view
def knowledge_panel(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()
    content = (request.GET.get("content") or "").strip()
    entries = knowledge_search(q, limit=8) if q else knowledge_suggest(content)
    return render(request, "web/console/_knowledge.html", {"entries": entries, "q": q, "content": content})


@partial_view
def emergency_panel(request: HttpRequest) -> HttpResponse:
    text = (request.GET.get("content") or "").strip()
    return render(request, "web/console/_emergency.html", {"banner": emergency_banner(text) if text else None})
