"""The case page, its actions, the dispatch desk and the supervision board."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.cases.enums import LinkKind, RequestKind, RequestStatus, Satisfaction, State, Urgency
from banshi.cases.models import ApprovalRequest, Attachment, Case, CaseLink, Supervision
from banshi.cases.queries.cases import CaseFilters, caller_history, case_get_for, case_list_for
from banshi.cases.queries.personal import citizen_masked, citizen_reveal, may_reveal
from banshi.cases.workflow import TABLE, allowed_actions, state_label
from banshi.core.errors import DomainError, NotFound
from banshi.notify.models import MessageTemplate
from banshi.orgs.enums import Role
from banshi.orgs.models import Person
from banshi.sla.models import Milestone
from banshi.sla.services import due_state
from banshi.web.actions import FIELDS, action_run
from banshi.web.views import case_staff_view, client_ip, me, safe_next, scope_units

TRIAGE_LABELS = {
    "agency": _("建议条线"), "category": _("建议分类"), "confidence": _("置信度"), "unit": _("建议单位"),
    "reason": _("依据"), "policy": _("建议时限规则"), "urgent": _("疑似紧急"),
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
    rows = [(TRIAGE_LABELS.get(k, k), v) for k, v in t.items() if k not in ("alternatives", "unit_id") and v not in ("", None)]
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
    kinds = {f.kind for r in rules for f in FIELDS.get(r.action, ())}
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
        "actions": [{"rule": r, "fields": FIELDS.get(r.action, ())} for r in rules],
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
        done = action_run(case.pk, action, actor=person, data=data)
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
    return render(request, "web/desk.html", {"rows": rows, "units": units, "urgencies": Urgency.choices,
                                             "state_returned": State.RETURNED})


@case_staff_view
def supervision(request: HttpRequest) -> HttpResponse:
    person = me(request)
    overdue = list(case_list_for(person, CaseFilters(queue="overdue", sort="due")).select_related("lead_unit")[:50])
    returned = list(case_list_for(person, CaseFilters(state=[State.RETURNED], sort="received"))
                    .select_related("lead_unit")[:50])
    supervised_ids = case_list_for(person, CaseFilters(queue="supervised", sort="received")).values("pk")
    notices = list(Supervision.objects.filter(case_id__in=supervised_ids, answered_at__isnull=True)
                   .select_related("case", "case__lead_unit", "by").order_by("due_at", "id")[:100])
    urgent = list(case_list_for(person, CaseFilters(state=[State.REGISTERED, State.DISPATCHED, State.HANDLING],
                                                    sort="due"))
                  .exclude(urgency=Urgency.NORMAL).select_related("lead_unit")[:50])
    return render(request, "web/supervision.html", {
        "overdue": overdue, "returned": returned, "notices": notices, "urgent": urgent,
        "can_supervise": person.role == Role.SUPERVISOR, "now": timezone.now(),
    })


@case_staff_view
def hotspots(request: HttpRequest) -> HttpResponse:
    """一类事: recent demands grouped by topic and place, hottest first, for solving at the root."""
    from banshi.triage.links import hotspots_for

    try:
        days = min(max(int(request.GET.get("days", "30")), 1), 180)
    except ValueError:
        days = 30
    return render(request, "web/hotspots.html", {"spots": hotspots_for(me(request), days=days), "days": days})
