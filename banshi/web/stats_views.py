"""统计考核 pages: the dashboard, the ranking (with CSV and Excel), the big screen, the rate
settings, the monthly briefings, and the public statistics page (no sign-in).

Views parse the request, call stats (dashboard.py, queries.py, settings.py, exports.py) and
render; the figures come from the count tables only. Every bad parameter is a Chinese 400."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from banshi.core.audit import audit_write
from banshi.core.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from banshi.core.models import AuditLog
from banshi.orgs.enums import RegionLevel, Role
from banshi.orgs.models import Person, Region
from banshi.stats.dashboard import (
    PRESETS,
    dashboard_data,
    last_full_month,
    may_make_report,
    month_parse,
    period_check,
    period_preset,
    public_data,
    ranking_display,
    report_regions,
    reports_for,
    scope_region_code,
    today_local,
)
from banshi.stats.exports import rows_csv, rows_xlsx
from banshi.stats.queries import BY_CHOICES, StatsScope, ranking, scope_for
from banshi.stats.settings import rate_config, rate_config_update
from banshi.web.views import client_ip, me, staff_view

MAX_PARAM = 64
PUBLIC_CACHE_SECONDS = 300
BY_LABELS = {"unit": gettext_lazy("按单位"), "region": gettext_lazy("按区划（街乡镇）"), "agency": gettext_lazy("按条线")}
DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- parameters ------------------------------------------------------------------------------------

def _params_check(request: HttpRequest) -> None:
    """Over-long query parameters are refused before anything reads them."""
    for key, values in request.GET.lists():
        if len(key) > MAX_PARAM or any(len(v) > MAX_PARAM for v in values):
            raise InvalidInput(_("请求参数过长，请检查链接。"), code="param_too_long")


def _day(raw: str | None, what: str) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not DAY_RE.fullmatch(raw):
        raise InvalidInput(_("%(what)s格式不正确，应为“2026-10-01”这样的年-月-日。") % {"what": what},
                           code="invalid_date")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("%(what)s不是有效的日期。") % {"what": what}, code="invalid_date") from None


def period_from(request: HttpRequest, default: tuple[date, date]) -> tuple[date, date, str]:
    """The period asked for: a quick pick (`p`), or `from` and `to` (either may be left out), or
    the page's default. Returns (start, end, the quick pick's name or "")."""
    g = request.GET
    today = today_local()
    preset = (g.get("p") or "").strip()
    if preset:
        start, end = period_preset(preset, today)
    else:
        start_given = _day(g.get("from"), _("开始日期"))
        end_given = _day(g.get("to"), _("结束日期"))
        if start_given and end_given:
            start, end = start_given, end_given
        elif start_given:  # from a day on: to the default's end, or that day itself
            start, end = start_given, default[1] if start_given <= default[1] else start_given
        elif end_given:  # up to a day: from the default's start, or the first of that day's month
            start, end = default[0] if default[0] <= end_given else end_given.replace(day=1), end_given
        else:
            start, end = default
        preset = next((k for k in PRESETS if period_preset(k, today) == (start, end)), "")
    period_check(start, end)
    return start, end, preset


def _period_ctx(start: date, end: date, preset: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    keep = {k: v for k, v in (extra or {}).items() if v}
    return {
        "start": start, "end": end, "preset": preset,
        "presets": [(k, _(label), urlencode({**keep, "p": k}), k == preset) for k, label in PRESETS.items()],
        "period_query": urlencode({**keep, "from": start.isoformat(), "to": end.isoformat()}),
    }


def _tabs(person: Person, current: str) -> list[tuple[str, str, bool]]:
    tabs = [("stats", _("统计看板")), ("stats_ranking", _("排名")), ("stats_screen", _("大屏")),
            ("stats_reports", _("月度通报"))]
    if person.role == Role.ADMIN:
        tabs.append(("stats_settings", _("统计设置")))
    return [(reverse(f"web:{name}"), label, name == current) for name, label in tabs]


def _can_drill(person: Person) -> bool:
    """System administrators see figures but no case list (the queue is for case staff)."""
    return person.role != Role.ADMIN and person.unit is not None


# -- the dashboard and the big screen --------------------------------------------------------------

def _dashboard_ctx(request: HttpRequest, current: str) -> dict[str, Any]:
    _params_check(request)
    person = me(request)
    today = today_local()
    start, end, preset = period_from(request, period_preset("month", today))
    scope = scope_for(person)
    data = dashboard_data(scope, start, end)
    can_drill = _can_drill(person)
    charts = {**data["charts"], "drill": can_drill, "queue": reverse("web:queue")}
    return {"data": data, "charts": charts, "can_drill": can_drill, "scope": scope, "tabs": _tabs(person, current),
            "now": timezone.localtime(), **_period_ctx(start, end, preset)}


@staff_view
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/stats/dashboard.html", _dashboard_ctx(request, "stats"))


@staff_view
def screen(request: HttpRequest) -> HttpResponse:
    """The command centre's big screen: the dashboard's figures, dark, refreshed every 60 s."""
    ctx = _dashboard_ctx(request, "stats_screen")
    ctx["refresh_seconds"] = 60
    ctx["charts"]["drill"] = False  # a wall display: nothing to click
    ctx["screen_kpis"] = [ctx["data"]["kpi"][k] for k in (
        "received", "replied", "on_time_rate", "breached", "response_rate", "resolution_rate",
        "satisfaction_rate", "composite")]
    return render(request, "web/stats/screen.html", ctx)


# -- the ranking -----------------------------------------------------------------------------------

def _ranking(request: HttpRequest) -> dict[str, Any]:
    _params_check(request)
    person = me(request)
    g = request.GET
    by = (g.get("by") or "unit").strip()
    if by not in BY_CHOICES:
        raise InvalidInput(_("排名对象不正确：应为按单位、按区划或按条线。"), code="invalid_by")
    region = (g.get("region") or "").strip()
    if region and not (region.isascii() and region.isdigit() and len(region) <= 12):
        raise InvalidInput(_("区划代码不正确。"), code="unknown_region")
    start, end, preset = period_from(request, last_full_month(today_local()))
    scope = scope_for(person)
    cfg = rate_config()
    rows = ranking(start, end, by, region_code=region or None, scope=scope)
    return {"person": person, "by": by, "region": region, "start": start, "end": end, "preset": preset,
            "scope": scope, "rows": rows, "min_volume": cfg.min_volume}


def _regions_to_pick(scope: StatsScope) -> list[Region]:
    """The regions a ranking may be narrowed to: those above 街乡镇 within the scope."""
    qs = Region.objects.filter(level__lt=RegionLevel.TOWN)
    if scope.region_path:
        qs = qs.filter(path__startswith=scope.region_path)
    return list(qs.order_by("path")[:300])


@staff_view
def ranking_page(request: HttpRequest) -> HttpResponse:
    r = _ranking(request)
    person: Person = r["person"]
    rows = ranking_display(r["rows"], r["by"], r["start"], r["end"], r["scope"])
    ranked = [x for x in rows if x["ranked"]]
    unranked = [x for x in rows if not x["ranked"]]
    keep = {"by": r["by"], "region": r["region"]}
    ctx = {
        **r, "ranked": ranked, "unranked": unranked, "can_drill": _can_drill(person),
        "by_choices": [(k, BY_LABELS[k]) for k in BY_CHOICES], "by_label": BY_LABELS[r["by"]],
        "regions": _regions_to_pick(r["scope"]), "scope_region": scope_region_code(r["scope"]),
        "tabs": _tabs(person, "stats_ranking"), "queue": reverse("web:queue"),
        **_period_ctx(r["start"], r["end"], r["preset"], keep),
    }
    return render(request, "web/stats/ranking.html", ctx)


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    r = _ranking(request)
    rows = r["rows"]
    name = f"ranking-{r['by']}-{r['start'].isoformat()}-{r['end'].isoformat()}"
    audit_write(actor_id=r["person"].pk, action="stats_export", object_type="stats.ranking", ip=client_ip(request),
                data={"format": fmt, "rows": len(rows), "params": request.GET.urlencode()[:500]})
    if fmt == "csv":
        # A byte-order mark, so Excel opens the Chinese text as UTF-8.
        resp = HttpResponse("\ufeff" + rows_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        resp = HttpResponse(rows_xlsx(rows, title=_("排名")),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return resp


@staff_view
def ranking_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@staff_view
def ranking_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")


# -- rate settings (administrators) ----------------------------------------------------------------

WEIGHTS = (("response", gettext_lazy("响应率权重")), ("resolution", gettext_lazy("解决率权重")),
           ("satisfaction", gettext_lazy("满意率权重")))
FACTORS = ((5, gettext_lazy("非常满意")), (4, gettext_lazy("满意")), (3, gettext_lazy("基本满意")),
           (2, gettext_lazy("不满意")), (1, gettext_lazy("非常不满意")))


@require_http_methods(["GET", "POST"])
@staff_view
def settings_page(request: HttpRequest) -> HttpResponse:
    person = me(request)
    if person.role != Role.ADMIN:
        raise PermissionDenied(_("只有系统管理员可以修改统计设置。"), code="admin_only")
    cfg = rate_config().as_dict()
    values: dict[str, str] = {f"weight_{k}": f"{cfg['weights'][k]:g}" for k, _l in WEIGHTS}
    values |= {f"factor_{k}": f"{cfg['rating_factors'][str(k)]:g}" for k, _l in FACTORS}
    values["min_volume"] = str(cfg["min_volume"])
    error = ""
    if request.method == "POST":
        values = {k: (request.POST.get(k) or "").strip()[:32] for k in values}
        try:
            rate_config_update(
                person, weights={k: values[f"weight_{k}"] for k, _l in WEIGHTS},
                rating_factors={str(k): values[f"factor_{k}"] for k, _l in FACTORS},
                min_volume=values["min_volume"], ip=client_ip(request))
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("统计设置已保存，并已记入审计日志。"))
            return redirect("web:stats_settings")
    history = list(AuditLog.objects.filter(action="stats.rate_settings").select_related("actor").order_by("-at")[:10])
    ctx = {"values": values, "error": error, "customised": cfg["customised"], "history": history,
           "weights": [(f"weight_{k}", label, values[f"weight_{k}"]) for k, label in WEIGHTS],
           "factors": [(f"factor_{k}", label, values[f"factor_{k}"]) for k, label in FACTORS],
           "tabs": _tabs(person, "stats_settings")}
    return render(request, "web/stats/settings.html", ctx, status=400 if error else 200)


# -- monthly briefings -----------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@staff_view
def reports_page(request: HttpRequest) -> HttpResponse:
    """The briefings this person may read, and (supervisors, unit leaders, administrators) a form
    to make one for a month. The briefing itself is made by stats/reports/monthly.py."""
    _params_check(request)
    person = me(request)
    choices = report_regions(person)
    error, status = "", 200
    month = (request.POST.get("month") or "").strip()[:16]
    region = (request.POST.get("region") or "").strip()[:16]
    if request.method == "POST":
        if not may_make_report(person):
            raise PermissionDenied(_("只有督办、单位负责人和系统管理员可以生成月度通报。"), code="report_forbidden")
        try:
            first, _last = month_parse(month)
            if first > today_local():
                raise InvalidInput(_("不能为尚未开始的月份生成通报。"), code="invalid_month")
            if region not in {code for code, _name in choices}:
                raise InvalidInput(_("不能为该区划生成通报。"), code="invalid_region")
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            try:
                from banshi.stats.reports.monthly import report_monthly
            except ImportError:
                error, status = _("月度通报功能尚未安装，请联系系统管理员。"), 503
            else:
                try:
                    report = report_monthly(month, region_code=region or None, actor=person)
                except DomainError as exc:
                    error, status = exc.message, exc.status
                else:
                    messages.success(request, _("已生成%(period)s月度通报。") % {"period": report.period})
                    return redirect("web:stats_reports")
    default_month = last_full_month(today_local())[0].strftime("%Y-%m")
    reports = list(reports_for(person)[:100])
    region_names = dict(Region.objects.filter(code__in={r.region_code for r in reports if r.region_code})
                        .values_list("code", "name"))
    rows = [{"report": r, "region_name": region_names.get(r.region_code, r.region_code) if r.region_code
             else _("全部")} for r in reports]
    ctx = {"rows": rows, "choices": choices, "may_make": may_make_report(person), "error": error,
           "month": month or default_month, "region": region if request.method == "POST" else
           (choices[0][0] if choices else ""), "tabs": _tabs(person, "stats_reports")}
    return render(request, "web/stats/reports.html", ctx, status=status)


@staff_view
def report_file(request: HttpRequest, report_id: int, fmt: str) -> HttpResponseBase:
    person = me(request)
    if fmt not in ("xlsx", "pdf"):
        raise NotFound(_("文件格式不存在。"))
    report = reports_for(person).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("通报不存在或无权查看。"))
    field = report.xlsx if fmt == "xlsx" else report.pdf
    if not field:
        raise NotFound(_("该通报没有此格式的文件。"))
    try:
        handle = field.open("rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise NotFound(_("通报文件已不存在，请重新生成。")) from None
    suffix = f"-{report.region_code}" if report.region_code else ""
    return FileResponse(handle, as_attachment=True, filename=f"banshi-monthly-{report.period}{suffix}.{fmt}")


# -- public statistics (no sign-in) ----------------------------------------------------------------

def public_errors(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """DomainErrors on the public page: a Chinese page of the public layout, with the error's status."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except DomainError as exc:
            return render(request, "web/stats/public_error.html", {"message": exc.message, "code": exc.code},
                          status=exc.status)

    return wrapper


@require_http_methods(["GET", "HEAD"])
@public_errors
def public(request: HttpRequest) -> HttpResponse:
    """公开统计: the whole register's counts and rates by region and by category for a period
    (default: the last full month), small counts suppressed. No sign-in, no case content."""
    _params_check(request)
    start, end, preset = period_from(request, last_full_month(today_local()))
    key = f"stats:public:{start.isoformat()}:{end.isoformat()}"
    data = cache.get(key)
    if data is None:
        data = public_data(start, end)
        cache.set(key, data, PUBLIC_CACHE_SECONDS)
    return render(request, "web/stats/public.html", {"data": data, **_period_ctx(start, end, preset)})
