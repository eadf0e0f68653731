"""Staff workbench: sign-in, home, queues (with export and bulk actions). The intake console is in console_views.

Views parse the request, call the domain (cases/domain, cases/queries) and render. No rules here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from banshi.cases.domain.lifecycle import case_dispatch, case_sign
from banshi.cases.enums import CaseType, Channel, Kind
from banshi.cases.models import Case
from banshi.cases.queries.cases import (
    QUEUES,
    URGENT_SORT,
    CaseFilters,
    case_ids_for,
    case_list_for,
    queue_counts_for,
)
from banshi.cases.queries.clock import case_clock
from banshi.core.audit import audit_write
from banshi.core.errors import DomainError, InvalidInput, PermissionDenied
from banshi.notify.health import worker_health
from banshi.orgs.auth import person_sign_in
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Region, Unit
from banshi.stats.dashboard import drill_caption
from banshi.stats.drill import drill_filters
from banshi.web.errors import domain_errors
from banshi.web.params import is_id

PAGE_SIZE = 25
EXPORT_LIMIT = 20000

# Which queues each role sees on its home page (presentation only; the counts come from the query layer).
ROLE_QUEUES: dict[str, tuple[str, ...]] = {
    Role.OPERATOR: ("to_dispatch", "to_follow_up", "due_soon", "overdue", "supervised"),
    Role.DISPATCHER: ("to_dispatch", "to_sign", "to_follow_up", "due_soon", "overdue", "supervised"),
    Role.HANDLER: ("to_sign", "handling", "due_soon", "overdue", "supervised"),
    Role.LEADER: ("to_sign", "handling", "to_review", "due_soon", "overdue", "supervised"),
    Role.SUPERVISOR: tuple(QUEUES),
}


def me(request: HttpRequest) -> Person:
    user = request.user
    assert isinstance(user, Person)
    return user


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def staff_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in staff only; DomainErrors become Chinese error pages with their HTTP status."""
    return login_required(domain_errors(view))


def case_staff_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Staff who work on cases (system administrators see no case content)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        person = me(request)
        if person.role == Role.ADMIN or person.unit is None:
            raise PermissionDenied(_("系统管理员不处理诉求，请使用管理功能。"), code="admin_no_cases")
        return view(request, *args, **kwargs)

    return staff_view(wrapper)


def safe_next(request: HttpRequest, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=False):
        return nxt
    return default


# -- health, sign-in -----------------------------------------------------------------------------

def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, the worker beats and the outbox drains; 503 otherwise
    (the JSON says why: see `notify/health.py` for the thresholds and the start-up grace)."""
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    report = worker_health()
    return JsonResponse(report, status=200 if report["ok"] else 503)


def login_view(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, Any] = {"next": safe_next(request, "/"), "username": ""}
    if request.method == "POST":
        username = (request.POST.get("username") or "").strip()[:150]
        ctx["username"] = username
        try:
            person = person_sign_in(username=username, password=request.POST.get("password") or "", ip=client_ip(request))
        except DomainError as exc:
            ctx["error"] = exc.message
            return render(request, "web/login.html", ctx, status=exc.status)
        login(request, person)
        return redirect(ctx["next"])
    return render(request, "web/login.html", ctx)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


# -- home ----------------------------------------------------------------------------------------

@staff_view
def home(request: HttpRequest) -> HttpResponse:
    person = me(request)
    if person.role == Role.ADMIN or person.unit is None:
        return render(request, "web/home_admin.html", {})
    from banshi.web.notary_views import notary_links
    from banshi.web.service_views import service_sections

    names = ROLE_QUEUES.get(person.role, tuple(QUEUES))
    counts = queue_counts_for(person, names)
    queues = [(q, QUEUES[q], counts[q]) for q in names]
    # Staff of a legal-aid centre, a mediation committee or a 司法所: their open matters by state.
    return render(request, "web/home.html", {"queues": queues, "services": service_sections(person),
                                              "notary_links": notary_links(person)})


# -- queues --------------------------------------------------------------------------------------

def _date(raw: str | None, what: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("%(what)s格式不正确。") % {"what": what}, code="invalid_date") from None


@dataclass
class DrillFilters(CaseFilters):
    """The queue's filters, with the caption of the statistics figure the list drills from."""

    drill_caption: str = ""


def filters_from(request: HttpRequest) -> CaseFilters:
    g = request.GET
    unit = g.get("unit") or ""
    if unit and not is_id(unit):
        raise InvalidInput(_("单位不正确。"), code="invalid_unit")
    # A drill-down from a statistics figure (stats/drill.py): the events behind the figure.
    drill = drill_filters(g)
    base: dict[str, Any] = dict(
        queue=g.get("queue") or None,
        kind=g.get("kind") or None,
        state=[s for s in g.getlist("state") if s] or None,
        type=g.get("type") or None,
        channel=g.get("channel") or None,
        category=(g.get("category") or "").strip() or None,
        region=g.get("region") or None,
        unit_id=int(unit) if unit else None,
        due=g.get("due") or None,
        received_from=_date(g.get("from"), _("开始日期")),
        received_to=_date(g.get("to"), _("结束日期")),
        q=(g.get("q") or "").strip() or None,
        # The 待派单 queue reads like the dispatch desk: 特急 and 紧急 first, then by deadline.
        sort=g.get("sort") or (URGENT_SORT if g.get("queue") == "to_dispatch" else "-received"),
    )
    base.update(drill)
    return DrillFilters(**base, drill_caption=drill_caption(g) if drill else "")


def scope_units(person: Person) -> list[Unit]:
    if person.unit is None:
        return []
    region_path = person.unit.region.path
    return list(Unit.objects.filter(is_active=True, region__path__startswith=region_path).order_by("path"))


def scope_regions(person: Person) -> list[Region]:
    if person.unit is None:
        return []
    return list(Region.objects.filter(path__startswith=person.unit.region.path).order_by("path"))


WEB_LIST_CAP = 1000  # the workbench pages through the newest 1000 matches (40 pages)


class CappedPaginator(Paginator):
    """Pages through at most WEB_LIST_CAP matches (shown as "1000+"), so paging stops at 40 pages:
    an exact count, or an OFFSET of thousands, over hundreds of thousands of cases costs more than
    the page itself. People narrow the filters (or export to Excel) to go further; the API pages on.

    `read_ids` reads the ids of those matches in order (one query; two for 紧急优先, see
    `case_ids_for`): their number is the count, and a page's rows are then fetched by primary key
    with `fetch`. The filters (a content search, the visibility test) run once per request, not
    once for the count and again for the page."""

    def __init__(self, read_ids: Callable[[], list[int]], per_page: int,
                 fetch: Callable[[list[int]], QuerySet[Case]]) -> None:
        super().__init__([], per_page)
        self.read_ids, self.fetch = read_ids, fetch

    @cached_property
    def ids(self) -> list[int]:
        return self.read_ids()

    @cached_property
    def count(self) -> int:
        return len(self.ids)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        ids = self.ids[bottom:bottom + self.per_page]
        rows = {c.pk: c for c in self.fetch(ids)}
        return Page([rows[i] for i in ids if i in rows], number, self)


def _queue_label(filters: CaseFilters) -> Any:
    """The list's title: the queue, else the kind of matter (法律援助 …), with the state chosen."""
    from banshi.cases.workflow import state_label

    label = QUEUES.get(filters.queue or "") or (Kind(filters.kind).label if filters.kind in Kind.values
                                                else _("全部诉求"))
    if filters.state and len(filters.state) == 1:
        return f"{label} · {state_label(filters.state[0])}"
    return label


def _kind_choices() -> list[tuple[str, str]]:
    """The kinds of matter that have a workflow (群众诉求, 法律援助, 人民调解 …)."""
    from banshi.cases.workflow import definitions

    return [(d.kind, str(d.label)) for d in definitions()]


def _state_groups(kind: str | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The state picker: each kind's states under its name (only the chosen kind's when one is)."""
    from banshi.cases.workflow import definitions

    return [(str(d.label), [(s, d.state_label(s)) for s in d.states.values])
            for d in definitions() if not kind or d.kind == kind]


@case_staff_view
def queue(request: HttpRequest) -> HttpResponse:
    person = me(request)
    filters = filters_from(request)
    now = timezone.now()
    page = CappedPaginator(lambda: case_ids_for(person, filters, cap=WEB_LIST_CAP, now=now), PAGE_SIZE,
                           lambda ids: Case.objects.filter(pk__in=ids).select_related("lead_unit")
                           ).get_page(request.GET.get("page"))
    for c in page.object_list:
        c.clock = case_clock(c, now)  # the traffic light and time left, from the row's own columns
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "page": page,
        "capped": page.paginator.count >= WEB_LIST_CAP,
        "list_cap": WEB_LIST_CAP,
        "filters": filters,
        "query": params.urlencode(),
        "queue_label": _queue_label(filters),
        "queues": QUEUES,
        "kinds": _kind_choices(),
        "state_groups": _state_groups(filters.kind),
        "types": CaseType.choices,
        "channels": Channel.choices,
        "dues": [("overdue", _("已超时")), ("due_soon", _("即将超时")), ("on_time", _("未超时"))],
        "sorts": [("-received", _("受理时间（新→旧）")), ("received", _("受理时间（旧→新）")),
                  (URGENT_SORT, _("紧急优先（再按时限）")),
                  ("due", _("办理时限（近→远）")), ("-due", _("办理时限（远→近）")), ("number", _("编号"))],
        "units": scope_units(person),
        "regions": scope_regions(person),
        "now": now,
        "can_sign": person.role in (Role.HANDLER, Role.LEADER),
        "can_dispatch": person.role in (Role.DISPATCHER, Role.SUPERVISOR),
    }
    return render(request, "web/queue.html", ctx)


@case_staff_view
def queue_export(request: HttpRequest) -> HttpResponse:
    from openpyxl import Workbook

    from banshi.core.excel import excel_row
    from banshi.triage.labels import agency_label, category_label

    person = me(request)
    filters = filters_from(request)
    rows = case_list_for(person, filters).select_related("lead_unit", "intake_unit")[:EXPORT_LIMIT]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("诉求清单"))
    ws.append([_("编号"), _("受理时间"), _("类型"), _("渠道"), _("标题"), _("事项分类"), _("条线"), _("状态"),
               _("紧急程度"), _("受理单位"), _("主办单位"), _("办理时限"), _("是否超时")])
    n = 0
    for c in rows.iterator(chunk_size=1000):
        n += 1
        ws.append(excel_row([
            c.number, timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"), c.get_type_display(),
            c.get_channel_display(), c.title, category_label(c.category), agency_label(c.agency),
            c.get_state_display(), c.get_urgency_display(),
            c.intake_unit.name, c.lead_unit.name if c.lead_unit else "",
            timezone.localtime(c.next_due_at).strftime("%Y-%m-%d %H:%M") if c.next_due_at else "",
            _("是") if c.overdue else _("否"),
        ]))
    audit_write(actor_id=person.pk, action="case_export", object_type="case", ip=client_ip(request),
                data={"rows": n, "filters": request.GET.urlencode()[:500]})
    buf = BytesIO()
    wb.save(buf)
    resp = HttpResponse(buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    resp["Content-Disposition"] = f'attachment; filename="cases-{stamp}.xlsx"'
    return resp


@require_POST
@case_staff_view
def queue_bulk(request: HttpRequest) -> HttpResponse:
    """Bulk sign / dispatch: each case goes through the same domain function as a single action."""
    person = me(request)
    action = request.POST.get("action") or ""
    ids = [int(i) for i in request.POST.getlist("ids") if is_id(i)]
    back = safe_next(request, "/queue/")
    if not ids:
        messages.error(request, _("请先勾选诉求。"))
        return redirect(back)
    unit_id: int | None = None
    if action == "dispatch":
        raw = request.POST.get("unit_id") or ""
        if not is_id(raw):
            messages.error(request, _("批量派单请选择承办单位。"))
            return redirect(back)
        unit_id = int(raw)
    elif action != "sign":
        messages.error(request, _("不支持的批量操作。"))
        return redirect(back)
    done, failed = 0, []
    for case_id in ids[:200]:
        try:
            if unit_id is not None:
                case_dispatch(case_id, actor=person, unit_id=unit_id)
            else:
                case_sign(case_id, actor=person)
            done += 1
        except DomainError as exc:
            number = Case.objects.filter(pk=case_id).values_list("number", flat=True).first() or f"#{case_id}"
            failed.append(f"{number}：{exc.message}")
    if done:
        messages.success(request, _("已处理%(n)d件。") % {"n": done})
    for line in failed:
        messages.error(request, line)
    return redirect(back)
