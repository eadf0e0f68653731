"""Administration pages (system administrators only): parse, call each app's domain module, render.

Every list pages (50 rows) and searches; rows are fetched with their related rows in the same query
(the page's query count does not grow with the list)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from banshi.cases.enums import Channel
from banshi.core.errors import DomainError, InvalidInput, PermissionDenied
from banshi.intake import domain as intake_domain
from banshi.intake import knowledge as kb
from banshi.intake.models import KnowledgeEntry, ServicePoint
from banshi.notify import domain as notify_domain
from banshi.notify.models import MessageTemplate
from banshi.orgs import domain as orgs_domain
from banshi.orgs.enums import UNIT_KIND_AGENCY, Agency, RegionLevel, Role, UnitKind
from banshi.orgs.models import Person, Region, Unit
from banshi.sla import domain as sla_domain
from banshi.sla.models import CalendarYear, Policy
from banshi.triage import domain as triage_domain
from banshi.triage.catalogue import POLICIES as CATALOGUE_POLICIES
from banshi.triage.models import CatalogueItem
from banshi.triage.routing import default_unit_kinds
from banshi.web.params import is_id
from banshi.web.views import client_ip, me, staff_view


def admin_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if me(request).role != Role.ADMIN:
            raise PermissionDenied(_("只有系统管理员可以使用管理功能。"), code="admin_only")
        return view(request, *args, **kwargs)

    return staff_view(wrapper)


def _opt_int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not is_id(raw):
        raise InvalidInput(_("编号不正确。"), code="invalid_id")
    return int(raw)


def _run(request: HttpRequest, fn: Callable[[], Any], done: str) -> str:
    """Run an admin write; return the error message ('' on success)."""
    try:
        fn()
    except DomainError as exc:
        return exc.message
    messages.success(request, done)
    return ""


def _page(request: HttpRequest, template: str, ctx: dict[str, Any], error: str) -> HttpResponse:
    ctx["error"] = error
    return render(request, template, ctx, status=400 if error else 200)


PAGE_SIZE = 50
CATALOGUE_PAGE_SIZE = 100  # grouped by agency: a larger page keeps a group together


def _paged(request: HttpRequest, rows: QuerySet[Any] | list[Any], per_page: int = PAGE_SIZE) -> dict[str, Any]:
    """One page of a list, and the query string (search and filters) its page links keep."""
    page: Page[Any] = Paginator(rows, per_page).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    for key in ("page", "edit", "reset"):
        keep.pop(key, None)
    return {"page": page, "query": keep.urlencode()}


def _q(request: HttpRequest) -> str:
    return (request.GET.get("q") or "").strip()[:100]


# -- the landing page ------------------------------------------------------------------------------

SECTIONS = (
    # (url name, title, what it is for, model whose rows are counted)
    ("web:admin_units", "单位", "政法委、法院、检察院、公安、司法行政和职能部门的单位树；新建、停用。", Unit),
    ("web:admin_people", "人员与角色", "工作人员账号、角色和所属单位；停用账号、重置密码。", Person),
    ("web:admin_policies", "时限规则", "各类诉求的签收、答复、办结期限及其依据。", Policy),
    ("web:admin_calendars", "法定节假日日历", "载入国务院公布的放假和调休安排，期限按工作日计算时使用。", CalendarYear),
    ("web:admin_templates", "答复模板", "短信和答复的文字模板。", MessageTemplate),
    ("web:admin_service_points", "服务点", "窗口、村居服务站和二维码海报；群众扫码后诉求记到该服务点。", ServicePoint),
    ("web:admin_knowledge", "知识库", "热线和窗口当场答复咨询的口径。", KnowledgeEntry),
    ("web:admin_catalogue", "事项目录", "智能分流的依据：事项、条线、承办单位类型、关键词和示例，修改后立即生效。", CatalogueItem),
)


@admin_view
def index(request: HttpRequest) -> HttpResponse:
    """/manage/: the administration's sections, with how many rows each holds."""
    sections = [{"url": url, "title": _(title), "text": _(text), "count": model.objects.count()}
                for url, title, text, model in SECTIONS]
    return render(request, "web/admin/index.html", {"sections": sections})


@admin_view
def units(request: HttpRequest) -> HttpResponse:
    person, error = me(request), ""
    if request.method == "POST":
        p = request.POST
        if p.get("op") == "toggle":
            error = _run(request, lambda: orgs_domain.unit_set_active(
                actor=person, unit_id=_opt_int(p.get("unit_id")) or 0, active=p.get("active") == "1"), _("已保存。"))
        else:
            error = _run(request, lambda: orgs_domain.unit_create(
                actor=person, name=p.get("name", ""), kind=p.get("kind", ""), region_code=p.get("region", "").strip(),
                parent_id=_opt_int(p.get("parent"))), _("单位已创建。"))
        if not error:
            return redirect("web:admin_units")
    q, kind = _q(request), request.GET.get("kind") or ""
    rows = Unit.objects.select_related("region", "parent").order_by("path")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(region__name__icontains=q) | Q(region_id=q))
    if kind in UnitKind.values:
        rows = rows.filter(kind=kind)
    ctx = {**_paged(request, rows), "q": q, "kind": kind, "kinds": UnitKind.choices,
           "parents": Unit.objects.filter(is_active=True).order_by("path").only("id", "name"),
           # Regions down to county level for the picker (a national import has hundreds of thousands
           # of towns and villages); any code can still be typed.
           "regions": Region.objects.filter(level__lte=RegionLevel.COUNTY).order_by("path").only("code", "name")[:5000],
           "form": request.POST}
    return _page(request, "web/admin/units.html", ctx, error)


@admin_view
def people(request: HttpRequest) -> HttpResponse:
    """人员: a page of 50 people with search and a role filter; one edit form (?edit=id) with the
    password reset. Rows are plain text: one unit list for the forms, not one per row."""
    person, error, temporary = me(request), "", None
    p = request.POST
    editing = _opt_int(p.get("person_id") if request.method == "POST" else request.GET.get("edit"))
    if request.method == "POST":
        op = p.get("op")
        if op == "reset":
            try:
                _reset, temporary = orgs_domain.person_password_reset(
                    actor=person, person_id=editing or 0, ip=client_ip(request))
            except DomainError as exc:
                error = exc.message
        elif op == "update":
            error = _run(request, lambda: orgs_domain.person_update(
                actor=person, person_id=editing or 0, role=p.get("role", ""),
                unit_id=_opt_int(p.get("unit")), active=p.get("active") == "on"), _("已保存。"))
        else:
            error = _run(request, lambda: orgs_domain.person_create(
                actor=person, username=p.get("username", ""), display_name=p.get("display_name", ""),
                role=p.get("role", ""), unit_id=_opt_int(p.get("unit")), password=p.get("password", "")),
                _("人员已创建。"))
        if not error and temporary is None:
            return redirect("web:admin_people")
    q, role = _q(request), request.GET.get("role") or ""
    rows = Person.objects.select_related("unit").order_by("unit__path", "username").only(
        "id", "username", "display_name", "role", "is_active", "locked_until", "unit__name")
    if q:
        rows = rows.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(unit__name__icontains=q))
    if role in Role.values:
        rows = rows.filter(role=role)
    target_person = Person.objects.select_related("unit").filter(pk=editing).first() if editing else None
    ctx = {**_paged(request, rows), "q": q, "role": role, "roles": Role.choices,
           "units": Unit.objects.filter(is_active=True).order_by("path").only("id", "name"),
           "editing": target_person, "temporary": temporary,
           "form": p if request.method == "POST" and p.get("op") not in ("reset", "update") else {}}
    response = _page(request, "web/admin/people.html", ctx, error)
    if temporary is not None:
        response["Cache-Control"] = "no-store"  # the temporary password is shown once, never cached
    return response


@admin_view
def policies(request: HttpRequest) -> HttpResponse:
    person, error = me(request), ""
    editing: int | None = _opt_int(request.GET.get("edit") or request.POST.get("policy_id"))
    if request.method == "POST":
        p = request.POST
        error = _run(request, lambda: sla_domain.policy_update(
            actor=person, policy_id=editing or 0, name=p.get("name", ""), source=p.get("source", ""),
            milestones_json=p.get("milestones", ""), max_extension=p.get("max_extension", ""),
            active=p.get("active") == "on"), _("时限规则已保存。"))
        if not error:
            return redirect("web:admin_policies")
    q = _q(request)
    found = Policy.objects.order_by("code")
    if q:
        found = found.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(source__icontains=q))
    paged = _paged(request, found)
    rows = [{"p": pol, "json": json.dumps(pol.milestones, ensure_ascii=False, indent=2)}
            for pol in paged["page"]]
    ctx = {**paged, "rows": rows, "editing": editing, "form": request.POST, "q": q}
    return _page(request, "web/admin/policies.html", ctx, error)


@admin_view
def calendars(request: HttpRequest) -> HttpResponse:
    person, error = me(request), ""
    if request.method == "POST":
        p = request.POST
        error = _run(request, lambda: sla_domain.calendar_year_load(
            actor=person, year=_opt_int(p.get("year")) or 0, holidays=p.get("holidays", ""),
            workdays=p.get("workdays", ""), source=p.get("source", "")), _("日历已载入，新的期限将按此计算。"))
        if not error:
            return redirect("web:admin_calendars")
    ctx = {"years": CalendarYear.objects.select_related("loaded_by").order_by("-year"), "form": request.POST}
    return _page(request, "web/admin/calendars.html", ctx, error)


@admin_view
def templates(request: HttpRequest) -> HttpResponse:
    person, error = me(request), ""
    if request.method == "POST":
        p = request.POST
        error = _run(request, lambda: notify_domain.template_save(
            actor=person, code=p.get("code", ""), name=p.get("name", ""), body=p.get("body", "")), _("模板已保存。"))
        if not error:
            return redirect("web:admin_templates")
    q = _q(request)
    rows = MessageTemplate.objects.order_by("code")
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(body__icontains=q))
    ctx = {**_paged(request, rows), "form": request.POST, "q": q}
    return _page(request, "web/admin/templates.html", ctx, error)


@admin_view
def service_points(request: HttpRequest) -> HttpResponse:
    person, error = me(request), ""
    if request.method == "POST":
        p = request.POST
        error = _run(request, lambda: intake_domain.service_point_create(
            actor=person, code=p.get("code", ""), name=p.get("name", ""), channel=p.get("channel", ""),
            unit_id=_opt_int(p.get("unit"))), _("服务点已创建。"))
        if not error:
            return redirect("web:admin_service_points")
    q, channel = _q(request), request.GET.get("channel") or ""
    rows = ServicePoint.objects.select_related("unit", "region").order_by("code")
    if q:
        rows = rows.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(unit__name__icontains=q))
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    ctx = {**_paged(request, rows), "q": q, "channel": channel, "channels": Channel.choices,
           "units": Unit.objects.filter(is_active=True).order_by("path").only("id", "name"), "form": request.POST,
           "public_url": str(getattr(settings, "BANSHI_PUBLIC_URL", "") or "")}
    return _page(request, "web/admin/service_points.html", ctx, error)


@admin_view
def knowledge(request: HttpRequest) -> HttpResponse:
    """知识库: list, create, edit, enable/disable. Writes go through intake.knowledge (audited)."""
    person, error = me(request), ""
    posted = request.method == "POST"
    editing = _opt_int(request.POST.get("entry_id") if posted else request.GET.get("edit"))
    if posted:
        p = request.POST
        if p.get("op") == "toggle":
            error = _run(request, lambda: kb.knowledge_entry_set_active(
                actor=person, entry_id=editing or 0, active=p.get("active") == "1"), _("已保存。"))
        else:
            data = kb.KnowledgeInput(
                title=p.get("title", ""), answer=p.get("answer", ""), question=p.get("question", ""),
                keywords=p.get("keywords", ""), category=p.get("category", ""), agency=p.get("agency", ""),
                source=p.get("source", ""), is_active=p.get("is_active") == "on")
            error = _run(request, lambda: kb.knowledge_entry_save(actor=person, entry_id=editing, data=data),
                         _("知识库条目已保存。"))
        if not error:
            return redirect("web:admin_knowledge")
    q = (request.GET.get("q") or "").strip()
    entries = KnowledgeEntry.objects.order_by("-is_active", "title", "id")
    if q:
        entries = entries.filter(Q(title__icontains=q) | Q(keywords__icontains=q) | Q(answer__icontains=q))
    entry = KnowledgeEntry.objects.filter(pk=editing).first() if editing else None
    if posted:
        form: Any = request.POST
    elif entry is not None:
        form = {f: getattr(entry, f) for f in kb.FIELDS}
    else:
        form = {"is_active": True}
    labels = dict(Agency.choices)
    paged = _paged(request, entries)
    rows = [(e, labels.get(e.agency, e.agency)) for e in paged["page"]]
    ctx = {**paged, "rows": rows, "entry": entry, "editing": editing, "form": form, "q": q,
           "agencies": Agency.choices}
    return _page(request, "web/admin/knowledge.html", ctx, error)


def _catalogue_form(item: CatalogueItem | None, post: Any) -> dict[str, Any]:
    """The edit form's values: as posted (after an error), from the item, or a new item's defaults."""
    if post:
        form = {f: post.get(f, "") for f in ("code", "name", "agency", "category", "policy_code", "keywords",
                                                "examples", "department", "notes")}
        return {**form, "unit_kinds": post.getlist("unit_kinds"), "is_active": post.get("is_active") == "on"}
    if item is not None:
        form = {f: getattr(item, f) for f in triage_domain.CATALOGUE_FIELDS}
        return {**form, "code": item.code, "keywords": "\n".join(item.keywords),
                "examples": "\n".join(item.examples)}
    return {"policy_code": "12345", "unit_kinds": [], "is_active": True}


@admin_view
def catalogue(request: HttpRequest) -> HttpResponse:
    """事项目录: the routing catalogue the classifier learns from. List by agency, create, edit,
    deactivate (never delete). Writes go through core.administration (audited, model retrained)."""
    person, error = me(request), ""
    posted = request.method == "POST"
    p = request.POST
    editing = _opt_int(p.get("item_id") if posted else request.GET.get("edit"))
    toggle = posted and p.get("op") == "toggle"
    if posted:
        if toggle:
            error = _run(request, lambda: triage_domain.catalogue_item_set_active(
                actor=person, item_id=editing or 0, active=p.get("active") == "1"), _("已保存。"))
        else:
            data = triage_domain.CatalogueInput(
                code=p.get("code", ""), name=p.get("name", ""), agency=p.get("agency", ""),
                category=p.get("category", ""), policy_code=p.get("policy_code", ""),
                unit_kinds=p.getlist("unit_kinds"), keywords=p.get("keywords", "").splitlines(),
                examples=p.get("examples", "").splitlines(), department=p.get("department", ""),
                notes=p.get("notes", ""), is_active=p.get("is_active") == "on")
            error = _run(request, lambda: triage_domain.catalogue_item_save(
                actor=person, item_id=editing, data=data,
                policy_find=lambda code: Policy.objects.filter(code=code).first()),
                _("事项已保存，之后的分流建议按修改后的目录给出。"))
        if not error:
            return redirect("web:admin_catalogue")
    items = list(CatalogueItem.objects.order_by("agency", "code"))  # the whole catalogue: tens to hundreds
    policies = [pol for pol in Policy.objects.order_by("code") if pol.code in CATALOGUE_POLICIES]
    policy_names = {pol.code: pol.name for pol in policies}
    kind_labels, agency_labels = dict(UnitKind.choices), dict(Agency.choices)
    q = _q(request)
    needle = q.lower()
    found = [it for it in items
             if not needle or needle in " ".join([it.name, it.code, it.category, *it.keywords]).lower()]
    paged = _paged(request, found, per_page=CATALOGUE_PAGE_SIZE)
    groups: dict[str, list[dict[str, Any]]] = {code: [] for code in Agency.values}
    for it in paged["page"]:
        kinds = list(it.unit_kinds) or default_unit_kinds(it.code, it.agency)
        groups.setdefault(it.agency, []).append({
            "item": it, "policy": policy_names.get(it.policy_code, it.policy_code),
            "kinds": "、".join(str(kind_labels.get(k, k)) for k in kinds), "default_kinds": not it.unit_kinds,
            "examples": len(it.examples), "keywords": len(it.keywords)})
    item = None if toggle else next((it for it in items if it.pk == editing), None)
    ctx = {
        **paged,
        "groups": [(agency_labels.get(a, a), rows) for a, rows in groups.items() if rows],
        "shown": len(found), "total": len(items), "q": q,
        "item": item, "form": _catalogue_form(item, p if posted and not toggle else None),
        "agencies": Agency.choices, "policies": policies,
        "kinds": [(k, label, agency_labels[UNIT_KIND_AGENCY[k]]) for k, label in UnitKind.choices],
    }
    return _page(request, "web/admin/catalogue.html", ctx, error)
