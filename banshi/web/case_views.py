"""The case page, its actions, the dispatch desk and the supervision board."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banshi.cases.actions import action_for
from banshi.cases.enums import (
    LinkKind,
    Satisfaction,
    Urgency,
)
from banshi.cases.models import ApprovalRequest, Attachment, Case, CaseLink, Supervision
from banshi.cases.queries.available import actions_offered, extension_periods, period_text
from banshi.cases.queries.cases import caller_history, case_get_for
from banshi.cases.queries.clock import WAITING_STATES, clock_read, milestones_clock
from banshi.cases.queries.desk import DESK_LIMIT, dispatch_desk
from banshi.cases.queries.personal import citizen_masked, citizen_reveal, may_reveal
from banshi.cases.queries.supervision import BOARD_LIMIT, board_case, supervision_board
from banshi.cases.workflow import TABLE, rule_for, state_label
from banshi.core.errors import DomainError, InvalidInput, NotFound
from banshi.notify.models import MessageTemplate
from banshi.orgs.enums import Role
from banshi.orgs.models import Person
from banshi.sla.models import Milestone, MilestoneStatus
from banshi.sla.policies import DEFAULT_POLICIES
from banshi.sla.services import due_state
from banshi.triage.labels import alternative_labels, suggestion_rows
from banshi.web.actions import CHOICE_KINDS, FormField, action_run, case_ref, field_choices, form_for
from banshi.web.board import board_rows, desk_rows, pick_options
from banshi.web.params import is_id
from banshi.web.service_views import (
    document_links,
    event_label,
    matter_panel,
    refer_unit_groups,
    related_panel,
    rooms_for,
)
from banshi.web.views import case_staff_view, client_ip, me, safe_next, scope_units

CLOCK_LABELS = {
    "on_time": _("按期"), "due_soon": _("即将到期"), "overdue": _("已超时"), "met": _("按时完成"),
    "met_late": _("超时完成"), "paused": _("暂停计时"), "cancelled": _("已取消"),
}


def triage_view(case: Case) -> dict[str, Any]:
    """The 分办建议 panel: Chinese rows (label, value) for the stored suggestion — agency and item
    by name, confidence as a percentage, an emergency with what to do, the unit by name — the
    other likely items by name, and the suggested unit's id (for the dispatch forms, never shown)."""
    t = dict(case.triage or {})
    policies = {str(p["code"]): str(p["name"]) for p in DEFAULT_POLICIES}
    unit_id = t.get("unit_id")
    return {"rows": suggestion_rows(t, policy_names=policies), "alternatives": alternative_labels(t.get("alternatives"), besides=t.get("category"), min_share=0.05),
            "unit_id": unit_id if isinstance(unit_id, int) else None}


@dataclass
class BoundField:
    """A form field as the page draws it: the registry's field, with the value to show (what was
    posted when the action failed, else a helpful default) and its choices."""

    name: str
    kind: str
    label: Any
    required: bool
    value: Any = ""
    choices: list[tuple[str, str]] = dc_field(default_factory=list)
    groups: list[tuple[str, list[Any]]] = dc_field(default_factory=list)


def _initial(case: Case, action: str, f: FormField, matter: dict[str, Any] | None, request: HttpRequest) -> Any:
    """What a field starts with: the 补正 list from the registration page's unticked documents,
    the exemption the application names, now for a session, the file's mediators …"""
    from banshi.services import catalog

    m = matter or {}
    if f.kind == "hardship":
        return "exempt" if m.get("exemption") else "met"
    if f.kind == "mediation_mode":
        return "face_to_face"
    if f.kind == "agreement_form":
        return "written"
    if action == "aid_docs_request" and f.name == "documents":
        docs = catalog.legal_aid()["documents"]
        picked = [docs[int(i)] for i in request.GET.getlist("missing") if is_id(i) and int(i) < len(docs)]
        return "\n".join(dict.fromkeys(picked))
    if action == "med_session":
        if f.name == "at":
            return timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        if f.name == "mediators":
            return "\n".join(m.get("mediators") or [])
        if f.name == "place":
            return m.get("room") or ""
    return ""


def bound_fields(request: HttpRequest, case: Case, action: str, person: Person, *, posted: dict[str, str],
                 matter: dict[str, Any] | None) -> list[BoundField]:
    out = []
    for f in form_for(case.kind, action):
        value = posted.get(f.name, "") if posted else _initial(case, action, f, matter, request)
        b = BoundField(f.name, f.kind, f.label, f.required, value)
        if f.kind in CHOICE_KINDS:
            b.choices = field_choices(f.kind)
        elif f.kind == "mediation_room":
            b.choices = rooms_for(case)
        elif f.kind == "unit" and any(g.kind == "matter_kind" for g in form_for(case.kind, action)):
            b.groups = refer_unit_groups(person)  # 转法律援助/人民调解: the centres and committees
        out.append(b)
    return out


def case_context(request: HttpRequest, case: Case, *, citizen: dict[str, Any] | None = None,
                 error: str = "", failed_action: str = "") -> dict[str, Any]:
    person = me(request)
    now = timezone.now()
    milestones = list(Milestone.objects.filter(case=case).order_by("starts_at", "id"))
    clocks = [{"m": m, "state": due_state(m, now), "label": CLOCK_LABELS.get(due_state(m, now), ""),
               "period": period_text(m.period),
               "clock": clock_read(m.due_at, now, overdue=m.status == MilestoneStatus.BREACHED)
               if m.status in (MilestoneStatus.PENDING, MilestoneStatus.BREACHED) else None} for m in milestones]
    requests = list(ApprovalRequest.objects.filter(case=case).select_related("requested_by", "decided_by").order_by("created_at"))
    for r in requests:
        r.period_text = period_text(r.period) if r.period else ""  # type: ignore[attr-defined]
    supervisions = list(Supervision.objects.filter(case=case).select_related("by", "answered_by").order_by("created_at"))
    # Only what can apply now (queries/available.py: the API offers the same, the domain refuses the rest).
    offer = actions_offered(case, person)
    # An action without a form or an endpoint of its own (添加附件: an upload) is not posted from here.
    rules = [r for r in offer.rules
             if (entry := action_for(case.kind, r.action)) is not None and (entry.path or entry.form)]
    kinds = {f.kind for r in rules for f in form_for(case.kind, r.action)}
    matter = matter_panel(case)
    posted_data = {k: str(v) for k, v in request.POST.items()} if failed_action else {}
    opened = failed_action or ("aid_docs_request" if request.GET.getlist("missing") else "")
    events = list(case.events.select_related("actor", "actor_unit").order_by("at", "id"))
    for e in events:
        e.label = event_label(case.kind, e.action)  # type: ignore[attr-defined]
    handlers: list[Person] = []
    if "handler" in kinds and case.lead_unit_id:
        handlers = list(Person.objects.filter(unit_id=case.lead_unit_id, is_active=True,
                                              role__in=[Role.HANDLER, Role.LEADER]).order_by("username"))
    return {
        "case": case,
        "state_label": state_label(case.state),
        "kind_label": case.get_kind_display(),
        "matter": matter,
        "related": related_panel(case),
        "documents": document_links(case),
        "citizen": citizen or citizen_masked(case),
        "may_reveal": may_reveal(person, case),
        "events": events,
        "clocks": clocks,
        "clock": milestones_clock(milestones, now,
                                  waiting_since=case.received_at if case.state in WAITING_STATES else None),
        "waiting": [(r.label, refusal.message) for r, refusal in offer.refused if refusal.waiting],
        "attachments": list(Attachment.objects.filter(case=case).order_by("created_at")),
        "links": list(CaseLink.objects.filter(case=case).select_related("other").order_by("kind", "id")),
        "history": list(caller_history(person, case)),
        "replies": list(case.replies.select_related("author", "approved_by").order_by("created_at", "id")),
        "requests": requests,
        "supervisions": supervisions,
        "follow_ups": list(case.follow_ups.select_related("by").order_by("at")),
        "co_units": list(case.co_units.select_related("unit")),
        "triage": triage_view(case),
        "actions": [{"rule": r, "fields": bound_fields(request, case, r.action, person, matter=matter,
                                                       posted=posted_data if failed_action == r.action else {})}
                    for r in rules],
        "units": scope_units(person) if kinds & {"unit"} else [],
        "periods": extension_periods(case) if "period" in kinds else [],
        "handlers": handlers,
        "ratings": Satisfaction.choices,
        "urgencies": Urgency.choices,
        "link_kinds": LinkKind.choices,
        "templates": list(MessageTemplate.objects.order_by("code")) if kinds & {"textarea"} else [],
        "error": error,
        "failed_action": failed_action,
        "opened_action": opened,
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
    rule = rule_for(case.kind, action)
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
    """派单台: the cases waiting for dispatch, 特急 and 紧急 first, then by deadline, each with its
    clock, the suggestion (agency, item, confidence, reason, unit preselected), the return reason
    and the near-duplicates it may be merged into."""
    person = me(request)
    now = timezone.now()
    desk_ = dispatch_desk(person, now=now)
    units = scope_units(person)
    return render(request, "web/desk.html", {"rows": desk_rows(desk_, units, now), "more": desk_.more,
                                             "limit": DESK_LIMIT})


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


def _hotspot_days(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("days", "30")), 1), 180)
    except ValueError:
        return 30


def _hotspot_name(spot: dict[str, Any]) -> str:
    """A hot spot in a few words for the chart: its label (the typical demand's opening phrase),
    else its first key words."""
    label = str(spot["label"])
    return (label if len(label) <= 16 else label[:15] + "…") or "、".join(spot["keywords"][:2])


@case_staff_view
def hotspots(request: HttpRequest) -> HttpResponse:
    """一类事: recent demands grouped by topic and place, hottest first, for solving at the root;
    a bar chart of the hot spots by count; each links to its page with its cases."""
    from django.urls import reverse

    from banshi.cases.links import hotspots_for

    days = _hotspot_days(request)
    spots = hotspots_for(me(request), days=days)
    for s in spots:
        s["url"] = reverse("web:hotspot", args=[s["representative_id"]]) + f"?days={days}"
    by_count = sorted(spots, key=lambda s: -s["count"])  # the chart by count; the table by heat
    chart = {"names": [_hotspot_name(s) for s in by_count], "counts": [s["count"] for s in by_count],
             "recent": [s["recent"] for s in by_count], "urls": [s["url"] for s in by_count],
             "series": [_("近两周"), _("更早")]}
    return render(request, "web/hotspots.html", {"spots": spots, "days": days, "chart": chart})


@case_staff_view
def hotspot(request: HttpRequest, case_id: int) -> HttpResponse:
    """One hot spot (the one that holds this case): its words, place, daily trend and its cases as
    the queue lists them (number, title, state, unit; no personal data)."""
    from banshi.cases.links import hotspot_for
    from banshi.cases.queries.cases import visible_cases
    from banshi.core.privacy import mask_text

    person = me(request)
    days = _hotspot_days(request)
    spot = hotspot_for(person, case_id, days=days)
    if spot is None:
        raise NotFound(_("这件诉求不在近%(d)d天的热点中（热点随新诉求变化），请回到热点列表查看。") % {"d": days},
                       code="hotspot_not_found")
    order = {pk: k for k, pk in enumerate(reversed(spot["ids"]))}  # newest first
    cases = sorted(visible_cases(person).filter(pk__in=spot["ids"]).select_related("lead_unit", "region"),
                   key=lambda c: order.get(c.pk, 0))
    rows = []
    for c in cases:
        title = c.title or mask_text(c.content)
        rows.append({"case": c, "title": title if len(title) <= 40 else title[:39] + "…"})
    chart = {"days": [d.strftime("%m-%d") for d, _n in spot["daily"]], "counts": [n for _d, n in spot["daily"]],
             "series": _("每日件数")}
    return render(request, "web/hotspot.html", {"spot": spot, "rows": rows, "days": days, "chart": chart,
                                                "name": _hotspot_name(spot)})
