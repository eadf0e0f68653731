"""The case page, its actions, the dispatch desk and the supervision board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banshi.cases.enums import (
    SUPERVISION_MAX_LEVEL,
    LinkKind,
    RequestKind,
    RequestStatus,
    Satisfaction,
    State,
    Urgency,
)
from banshi.cases.models import ApprovalRequest, Attachment, Case, CaseLink, Supervision
from banshi.cases.queries.cases import CaseFilters, caller_history, case_get_for, case_list_for
from banshi.cases.queries.personal import citizen_masked, citizen_reveal, may_reveal
from banshi.cases.queries.supervision import BOARD_LIMIT, board_case, supervision_board
from banshi.cases.workflow import TABLE, allowed_actions, state_label
from banshi.core.errors import DomainError, InvalidInput, NotFound
from banshi.notify.models import MessageTemplate
from banshi.orgs.enums import Role
from banshi.orgs.models import Person
from banshi.sla.models import Milestone
from banshi.sla.services import due_state
from banshi.web.actions import action_run, case_ref, form_for
from banshi.web.board import board_rows, pick_options
from banshi.web.params import is_id
from banshi.web.views import case_staff_view, client_ip, me, safe_next, scope_units

TRIAGE_LABELS = {
    "agency": _("建议条线"), "category": _("建议分类"), "confidence": _("置信度"), "unit": _("建议单位"),
    "reason": _("依据"), "policy": _("建议时限规则"), "urgent": _("疑似紧急"),
    "learned": _("仅据派单员纠正得出（不自动派单）"),
}
CLOCK_LABELS = {
    "on_time": _("按期"), "due_soon": _("即将到期"), "overdue": _("已超时"), "met": _("按时完成"),
    "met_late": _("超时完成"), "paused": _("暂停计时"), "cancelled": _("已取消"),
}
# Decisions shown only while there is something pending to decide (the domain refuses otherwise).
NEEDS_PENDING = {
    "extend_approve": "extension", "extend_reject": "extension", "return_reject": "return", "supervise_answer": "supervision",
}


def triage_view(case: Case) -> dict[str, Any]:
    t = dict(case.triage or {})
    rows = [(TRIAGE_LABELS.get(k, k), (_("是") if v else _("否")) if isinstance(v, bool) else v)
            for k, v in t.items() if k not in ("alternatives", "unit_id") and v not in ("", None)]
    alternatives = t.get("alternatives") or []
    return {"rows": rows, "alternatives": alternatives if isinstance(alternatives, list) else [],
            "unit_id": t.get("unit_id")}


def case_context(request: HttpRequest, case: Case, *, citizen: dict[str, Any] | None = None,
                 error: str = "", failed_action: str = "") -> dict[str, Any]:
    person = me(request)
    now = timezone.now()
    milestones = list(Milestone.objects.filter(case=case).order_by("starts_at", "id"))
    clocks = [{"m": m, "state": due_state(m, now), "label": CLOCK_LABELS.get(due_state(m, now), "")} for m in milestones]
    requests = list(ApprovalRequest.objects.filter(case=case).select_related("requested_by", "decided_by").order_by("created_at"))
    supervisions = list(Supervision.objects.filter(case=case).select_related("by", "answered_by").order_by("created_at"))
    pending = {
        "extension": any(r.kind == RequestKind.EXTENSION and r.status == RequestStatus.PENDING for r in requests),
        "return": any(r.kind == RequestKind.RETURN and r.status == RequestStatus.PENDING for r in requests),
        "supervision": any(s.answered_at is None for s in supervisions),
    }
    rules = [r for r in allowed_actions(case, person) if r.action not in NEEDS_PENDING or pending[NEEDS_PENDING[r.action]]]
    if any(s.answered_at is None and s.level >= SUPERVISION_MAX_LEVEL for s in supervisions):
        rules = [r for r in rules if r.action != "escalate"]  # 挂牌督办 is the top: the domain refuses more
    kinds = {f.kind for r in rules for f in form_for(case.kind, r.action)}
    handlers: list[Person] = []
    if "handler" in kinds and case.lead_unit_id:
        handlers = list(Person.objects.filter(unit_id=case.lead_unit_id, is_active=True,
                                              role__in=[Role.HANDLER, Role.LEADER]).order_by("username"))
    return {
        "case": case,
        "state_label": state_label(case.state),
        "citizen": citizen or citizen_masked(case),
        "may_reveal": may_reveal(person, case),
        "events": list(case.events.select_related("actor", "actor_unit").order_by("at", "id")),
        "clocks": clocks,
        "attachments": list(Attachment.objects.filter(case=case).order_by("created_at")),
        "links": list(CaseLink.objects.filter(case=case).select_related("other").order_by("kind", "id")),
        "history": list(caller_history(person, case)),
        "replies": list(case.replies.select_related("author", "approved_by").order_by("created_at", "id")),
        "requests": requests,
        "supervisions": supervisions,
        "follow_ups": list(case.follow_ups.select_related("by").order_by("at")),
        "co_units": list(case.co_units.select_related("unit")),
        "triage": triage_view(case),
        "actions": [{"rule": r, "fields": form_for(case.kind, r.action)} for r in rules],
        "units": scope_units(person) if kinds & {"unit"} else [],
        "handlers": handlers,
        "ratings": Satisfaction.choices,
        "urgencies": Urgency.choices,
        "link_kinds": LinkKind.choices,
        "templates": list(MessageTemplate.objects.order_by("code")) if kinds & {"textarea"} else [],
        "error": error,
        "failed_action": failed_action,
        "posted": request.POST if failed_action else {},
    }


@case_staff_view
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_get_for(me(request), case_id)
    return render(request, "web/case.html", case_context(request, case))


@require_POST
@case_staff_view
def case_reveal(request: HttpRequest, case_id: int) -> HttpResponse:
    person = me(request)
    case = case_get_for(person, case_id)
    try:
        citizen = citizen_reveal(person, case, ip=client_ip(request), purpose=request.POST.get("purpose", ""))
    except DomainError as exc:
        return render(request, "web/case.html", case_context(request, case, error=exc.message), status=exc.status)
    resp = render(request, "web/case.html", case_context(request, case, citizen=citizen))
    resp["Cache-Control"] = "no-store"
    return resp


@require_POST
@case_staff_view
def case_act(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    """Every action on a case posts here; the domain function decides (table, scope, input)."""
    person = me(request)
    case = case_get_for(person, case_id)  # 404 for a case this person may not see
    data: dict[str, str] = {k: str(v) for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        done = action_run(case.pk, action, actor=person, data=data, kind=case.kind)
    except DomainError as exc:
        if isinstance(exc, NotFound):
            raise
        case = case_get_for(person, case_id)
        ctx = case_context(request, case, error=exc.message, failed_action=action)
        return render(request, "web/case.html", ctx, status=exc.status)
    rule = TABLE.get(action)
    messages.success(request, _("已完成“%(label)s”。当前状态：%(state)s") % {
        "label": rule.label if rule else action, "state": state_label(done.state)})
    return redirect(safe_next(request, f"/cases/{case_id}/"))


@case_staff_view
def attachment(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponseBase:
    case = case_get_for(me(request), case_id)
    att = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if att is None:
        raise NotFound(_("附件不存在。"))
    inline = att.content_type.startswith("image/") or att.content_type == "application/pdf"
    resp = FileResponse(att.file.open("rb"), content_type=att.content_type if inline else "application/octet-stream",
                        as_attachment=not inline, filename=att.name)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


# -- dispatch desk and supervision -----------------------------------------------------------------

@case_staff_view
def desk(request: HttpRequest) -> HttpResponse:
    person = me(request)
    qs = case_list_for(person, CaseFilters(queue="to_dispatch", sort="received")).select_related("region")[:50]
    units = scope_units(person)
    names = {u.pk: u.name for u in units}
    rows: list[dict[str, Any]] = []
    for c in qs:
        triage = triage_view(c)
        uid = triage["unit_id"]
        rows.append({"case": c, "triage": triage, "suggested_unit": names.get(uid) if isinstance(uid, int) else None})
    # 50 cards share one unit list and one URL prefix: built once here rather than per card in
    # the template (350 {% url %} calls and 50 option loops were most of the page's CPU).
    unit_options = format_html_join("", '<option value="{}">{}</option>', ((u.pk, u.name) for u in units))
    return render(request, "web/desk.html", {"rows": rows, "unit_options": unit_options,
                                             "cases_prefix": reverse("web:case", args=[0])[:-2],
                                             "state_returned": State.RETURNED})


# The shared form of the 督办 board: which workflow action each choice runs, and the field its text fills.
BOARD_ACTIONS = {"supervise": "note", "escalate": "reason"}


def _board_context(request: HttpRequest, person: Person, *, error: str = "",
                   posted: dict[str, str] | None = None) -> dict[str, Any]:
    now = timezone.now()
    board = supervision_board(person, now=now)
    can_supervise = person.role == Role.SUPERVISOR
    form = posted or {"case": request.GET.get("case", ""), "do": request.GET.get("do", "")}
    options: list[dict[str, Any]] = []
    if can_supervise:
        pick = board.cases()
        picked = form.get("case", "")
        if is_id(picked) and all(c.pk != int(picked) for c in pick):
            extra = board_case(person, int(picked))  # picked by a link from elsewhere; out of scope → ignored
            if extra is not None:
                pick.insert(0, extra)
        levels = dict(board.levels)
        for s in (*board.notices.rows, *board.lapsed.rows):
            levels[s.case_id] = max(s.level, levels.get(s.case_id, 0))
        options = pick_options(pick, levels)
    return {
        "sections": board_rows(board, now), "can_supervise": can_supervise, "error": error, "form": form,
        "pick_options": options, "limit": BOARD_LIMIT,
    }


@require_http_methods(["GET", "POST"])
@case_staff_view
def supervision(request: HttpRequest) -> HttpResponse:
    """督办看板: open notices with their level and deadline, notices and cases past due, returned
    and urgent cases. A supervisor issues or escalates a notice through one shared form; the
    workflow decides (a non-supervisor is refused there, an unseen case is 404)."""
    person = me(request)
    if request.method == "POST":
        posted = {k: str(request.POST.get(k, "")).strip() for k in ("case", "do", "text", "due_at")}
        try:
            action = posted["do"]
            if action not in BOARD_ACTIONS:
                raise InvalidInput(_("请选择“督办”或“升级督办”。"), code="invalid_board_action")
            if not posted["case"]:
                raise InvalidInput(_("请选择要督办的诉求。"), code="invalid_case_ref")
            case = case_get_for(person, case_ref(posted, "case"))  # 404 for a case this person may not see
            data = {BOARD_ACTIONS[action]: posted["text"], "due_at": posted["due_at"]}
            done = action_run(case.pk, action, actor=person, data=data, kind=case.kind)
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            ctx = _board_context(request, person, error=exc.message, posted=posted)
            return render(request, "web/supervision.html", ctx, status=exc.status)
        messages.success(request, _("已完成“%(label)s”：%(number)s") % {
            "label": TABLE[action].label, "number": done.number or done.pk})
        return redirect("web:supervision")
    return render(request, "web/supervision.html", _board_context(request, person))


@case_staff_view
def hotspots(request: HttpRequest) -> HttpResponse:
    """一类事: recent demands grouped by topic and place, hottest first, for solving at the root."""
    from banshi.cases.links import hotspots_for

    try:
        days = min(max(int(request.GET.get("days", "30")), 1), 180)
    except ValueError:
        days = 30
    return render(request, "web/hotspots.html", {"spots": hotspots_for(me(request), days=days), "days": days})
