"""What the statistics pages show, assembled from the count tables (`queries.py`): the dashboard's
figures and charts, the public page's suppressed counts, the rankings' display rows, the periods
people pick, and who may read and make the monthly briefings.

Everything here reads the count tables and the organisation (units, regions) only, never the case
register; the dashboard is a handful of grouped reads whatever the size of the register."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.enums import CaseType, Channel
from banshi.core.errors import InvalidInput
from banshi.orgs.enums import Agency, RegionLevel, Role
from banshi.orgs.models import Person, Region, Unit
from banshi.orgs.scoping import sees_region
from banshi.stats.drill import drill_params
from banshi.stats.measures import measures, rate_defaults
from banshi.stats.models import Dim, FillState, Report
from banshi.stats.queries import (
    EVERYTHING,
    RATE_MEASURES,
    SERVICE_MEASURES,
    StatsScope,
    breakdown,
    daily,
    rates_of,
    service_figures,
)
from banshi.stats.settings import RateConfig, rate_config
from banshi.triage.labels import category_label, category_names

RATINGS = tuple(f"rating_{k}" for k in range(5, 0, -1))
# Every count the dashboard reads, in one grouped read by day (totals are the days' sums).
DASHBOARD_MEASURES = ("received", "dispatched", "replied", "replied_on_time", "replied_late", "handling_seconds",
                      "breached", "returned", "extended", "supervised", "reopened", "followups", "fu_contacted",
                      "fu_resolved", *RATINGS, *SERVICE_MEASURES)
BREAKDOWN_MEASURES = tuple(dict.fromkeys(("received", *RATE_MEASURES)))
THREE_RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
COMMON_RULE = "常见公开口径，非官方标准"
TOP_CATEGORIES = 10
HEAT_LEVELS = 5  # heat-0 … heat-4
PUBLIC_MIN_COUNT = 5  # the public page shows a count below this as "<5"
MAX_DAYS = 3660
DAILY_TREND_MAX_DAYS = 120  # longer periods show the trend by month

PRESETS: dict[str, str] = {"month": "本月", "last_month": "上月", "30d": "近30天", "year": "本年"}


# -- periods ---------------------------------------------------------------------------------------

def today_local(now: datetime | None = None) -> date:
    """Today in Asia/Shanghai (the day the counts are kept by)."""
    return timezone.localtime(now or timezone.now(), timezone.get_default_timezone()).date()


def last_full_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def period_preset(name: str, today: date) -> tuple[date, date]:
    """本月 (to date), 上月, 近30天 (today included), 本年 (to date)."""
    if name == "month":
        return today.replace(day=1), today
    if name == "last_month":
        return last_full_month(today)
    if name == "30d":
        return today - timedelta(days=29), today
    if name == "year":
        return today.replace(month=1, day=1), today
    raise InvalidInput(_("统计期间的快捷选项不正确。"), code="invalid_period")


def period_check(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput(_("结束日期不能早于开始日期。"), code="invalid_period")
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(_("统计期间不能超过十年。"), code="invalid_period")


def month_parse(text: str) -> tuple[date, date]:
    """"2026-10" → its first and last day; anything else is a Chinese 400."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise InvalidInput(_("月份格式不正确，应为“2026-10”这样的年-月。"), code="invalid_month")
    first = date(int(m.group(1)), int(m.group(2)), 1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


def _months(start: date, end: date) -> list[str]:
    out, d = [], start.replace(day=1)
    while d <= end:
        out.append(f"{d.year:04d}-{d.month:02d}")
        d = (d + timedelta(days=32)).replace(day=1)
    return out


# -- labels and formats ----------------------------------------------------------------------------

def count_text(n: int | None) -> str:
    return "—" if n is None else f"{n:,}"


def rate_text(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f}%"


def rate_interval_text(x: float | None, interval: list[float] | None) -> str:
    """"92.3%（88.1–95.2%）": the rate and its 95 % Wilson interval."""
    if x is None:
        return "—"
    if not interval:
        return rate_text(x)
    return f"{x * 100:.1f}%（{interval[0] * 100:.1f}–{interval[1] * 100:.1f}%）"


def score_text(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def _pct(x: float | None) -> float | None:
    return None if x is None else round(x * 100, 1)


def channel_label(code: str) -> str:
    if not code:
        return _("未填写")
    return str(dict(Channel.choices).get(code, _("其他")))


def type_label(code: str) -> str:
    if not code:
        return _("未填写")
    return str(dict(CaseType.choices).get(code, _("其他")))


def _category_label(code: str) -> str:
    return category_label(code) if code else _("未分类")


def _num(x: Decimal) -> str:
    return f"{float(x):g}"


def rate_definitions(cfg: RateConfig) -> dict[str, str]:
    """The rates' definitions, with the weights and rating factors in force written in."""
    defs = dict(rate_defaults().definitions)
    defs["satisfaction_rate"] = _("满意率 = (非常满意 × %(f5)s + 满意 × %(f4)s + 基本满意 × %(f3)s) ÷ 回访次数（折算系数可调）。") % {
        "f5": _num(cfg.rating_factors.get(5, Decimal(1))), "f4": _num(cfg.rating_factors.get(4, Decimal(1))),
        "f3": _num(cfg.rating_factors.get(3, Decimal(0)))}
    defs["composite"] = _("综合得分 = 100 × (%(r)s × 响应率 + %(s)s × 解决率 + %(t)s × 满意率)（权重可调）。") % {
        "r": _num(cfg.weight_response), "s": _num(cfg.weight_resolution), "t": _num(cfg.weight_satisfaction)}
    return defs


# -- scope: what a drill-down adds, how regions are named -------------------------------------------

def scope_region_code(scope: StatsScope) -> str:
    return scope.region_path.rstrip("/").rsplit("/", 1)[-1] if scope.region_path else ""


def drill_scope(scope: StatsScope) -> dict[str, Any]:
    """The drill-down parameters that keep the list to the figure's scope: the region of a region
    scope, the unit (with its sub-units) of a unit scope."""
    if scope.everything:
        return {}
    if scope.region_path:
        return {"region_code": scope_region_code(scope)}
    if scope.root_unit_id > 0:
        return {"unit_id": scope.root_unit_id, "subtree": len(scope.unit_ids) > 1}
    if len(scope.unit_ids) == 1 and scope.unit_ids[0] > 0:
        return {"unit_id": scope.unit_ids[0]}
    return {}


def _drill(measure: str, start: date, end: date, scope: StatsScope, **extra: Any) -> str:
    kw = drill_scope(scope)
    kw.update({k: v for k, v in extra.items() if v})
    return drill_params(measure, start, end, **kw)


def _codes(path: str) -> list[str]:
    return [c for c in path.split("/") if c]


def _base_path(scope: StatsScope) -> str:
    """The region the region rows are named below: the scope's, or the single root's."""
    if scope.region_path:
        return scope.region_path
    roots = list(Region.objects.filter(parent__isnull=True).values_list("path", flat=True)[:2])
    return roots[0] if len(roots) == 1 else ""


def region_rows_named(paths: list[str], base: str) -> dict[str, dict[str, Any]]:
    """path → {name, code, own}: the region's names below `base` joined with " · "; a path at
    a level above 街乡镇 is named "海港区（区县本级）" (`own`: its cases name no 街乡镇)."""
    codes = {c for p in paths for c in _codes(p)}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes).only("code", "name", "level")}
    base_codes = set(_codes(base))
    out: dict[str, dict[str, Any]] = {}
    for p in paths:
        cs = _codes(p)
        if not cs:
            out[p] = {"name": _("未填写区划"), "code": "", "own": True}
            continue
        last = regions.get(cs[-1])
        below = [regions[c].name if c in regions else c for c in cs if c not in base_codes] or \
                [last.name if last else cs[-1]]
        name = " · ".join(below)
        own = last is None or last.level < RegionLevel.TOWN
        if own and last is not None:
            name += _("（%(level)s本级）") % {"level": RegionLevel(last.level).label}
        out[p] = {"name": name, "code": cs[-1], "own": own}
    return out


def _heat(values: list[float | None]) -> list[int | None]:
    """Each value's level 0 … HEAT_LEVELS-1 between the smallest and the largest."""
    known = [v for v in values if v is not None]
    if not known:
        return [None for _v in values]
    lo, hi = min(known), max(known)
    out: list[int | None] = []
    for v in values:
        if v is None:
            out.append(None)
        elif hi == lo:
            out.append(HEAT_LEVELS - 1 if hi else 0)
        else:
            out.append(min(HEAT_LEVELS - 1, int((v - lo) / (hi - lo) * HEAT_LEVELS)))
    return out


# -- the dashboard ---------------------------------------------------------------------------------

def _service_kpis(c: dict[str, int], drill: Any) -> list[dict[str, Any]]:
    """法律援助 and 人民调解 figures, when the scope has any (调解成功率, 绿色通道, 按时审查率, 挽回金额)."""
    if not any(c.get(k) for k in SERVICE_MEASURES):
        return []
    m = measures()
    f = service_figures(c)
    defs = rate_defaults().definitions

    def count(key: str, unit: str = "件") -> dict[str, Any]:
        return {"key": key, "label": m[key].label, "value": c.get(key, 0), "text": count_text(c.get(key, 0)),
                "unit": unit, "definition": m[key].definition, "drill": drill(key) if key != "aid_amount" else "",
                "drill_label": _("查看明细")}

    def rate(key: str, label: str, base: str) -> dict[str, Any]:
        return {"key": key, "label": label, "value": f[key], "text": rate_text(f[key]), "unit": "",
                "definition": defs[key], "drill": drill(base), "drill_label": _("查看明细")}

    out = []
    if c.get("aid_applied") or c.get("aid_decided"):
        out += [count("aid_applied"), count("aid_green"), count("aid_granted"), count("aid_refused"),
                rate("aid_on_time_rate", _("按时审查率"), "aid_decided"), count("aid_amount", _("元"))]
    if c.get("med_received") or c.get("med_concluded"):
        out += [count("med_received"), count("med_concluded"), count("med_agreed"),
                rate("mediation_success_rate", _("调解成功率"), "med_concluded")]
    return out


def _kpis(c: dict[str, int], r: dict[str, Any], defs: dict[str, str], drill: Any) -> list[dict[str, Any]]:
    m = measures()
    replied = c.get("replied", 0)
    hours = round(c.get("handling_seconds", 0) / replied / 3600, 1) if replied else None

    def count(key: str) -> dict[str, Any]:
        return {"key": key, "label": m[key].label, "value": c.get(key, 0), "text": count_text(c.get(key, 0)),
                "unit": _("件"), "definition": m[key].definition, "common_rule": False, "drill": drill(key),
                "drill_label": _("查看明细")}

    def rate(key: str, label: str, value: Any, text: str, base: str, unit: str = "") -> dict[str, Any]:
        return {"key": key, "label": label, "value": value, "text": text, "unit": unit, "definition": defs[key],
                "common_rule": key in (*THREE_RATES, "composite"), "drill": drill(base),
                "drill_label": _("查看%(what)s明细") % {"what": m[base].label}}

    return [
        count("received"), count("dispatched"), count("replied"),
        rate("on_time_rate", _("按时办结率"), r["on_time_rate"], rate_text(r["on_time_rate"]), "replied"),
        {**count("breached"), "label": _("超期件数")},
        count("returned"), count("extended"), count("supervised"),
        rate("reopen_rate", _("重办率"), r["reopen_rate"], rate_text(r["reopen_rate"]), "reopened"),
        rate("average_hours", _("平均办理时长"), hours, "—" if hours is None else f"{hours:,.1f}", "replied",
             unit=_("小时") if hours is not None else ""),
        rate("response_rate", _("响应率"), r["response_rate"], rate_text(r["response_rate"]), "followups"),
        rate("resolution_rate", _("解决率"), r["resolution_rate"], rate_text(r["resolution_rate"]), "followups"),
        rate("satisfaction_rate", _("满意率"), r["satisfaction_rate"], rate_text(r["satisfaction_rate"]), "followups"),
        rate("composite", _("综合得分"), r["composite"], score_text(r["composite"]), "followups", unit=_("分")),
    ]


def _sum(rows: dict[str, dict[date, int]], days: list[date] | None = None) -> dict[str, int]:
    out: dict[str, int] = {}
    for m, by_day in rows.items():
        out[m] = sum(v for d, v in by_day.items() if days is None or d in days)
    return out


def _by_key(counts: dict[str, dict[str, int]], label: Any, start: date, end: date, scope: StatsScope,
            param: str, volume: str, top: int | None = None) -> dict[str, Any]:
    """A breakdown by one code as chart data: names, the volume measure's counts, each bar's drill-down."""
    rows = sorted(((key, v.get(volume, 0)) for key, v in counts.items() if v.get(volume)),
                  key=lambda kv: (-kv[1], kv[0]))
    if top is not None:
        rows = rows[:top]
    return {"names": [label(k) for k, _n in rows], "values": [n for _k, n in rows],
            "measure": volume, "measure_label": measures()[volume].label,
            "drills": [_drill(volume, start, end, scope) + "&" + urlencode({param: k}) if k else ""
                       for k, _n in rows]}


def volume_measure(c: dict[str, int]) -> str:
    """What the breakdowns count: 受理量, or 派单量 for a scope that takes in nothing itself (a unit
    that handles what others take in)."""
    return "dispatched" if not c.get("received") and c.get("dispatched") else "received"


def dashboard_data(scope: StatsScope, start: date, end: date) -> dict[str, Any]:
    """Everything the statistics dashboard (and the big screen) shows for this scope and period,
    labelled in Chinese: KPI figures with their definitions and drill-downs, and the charts' data
    (JSON-ready). The breakdowns count 受理量, or 派单量 for a scope that takes in nothing itself.
    Reads (8–9 queries): the rate settings, one grouped read by day, four breakdowns, the regions'
    names (and the root region), the fill's watermark."""
    period_check(start, end)
    cfg = rate_config()
    defs = rate_definitions(cfg)
    by_day = daily(scope, start, end, DASHBOARD_MEASURES)
    c = _sum(by_day)
    r = rates_of(c, cfg)

    def drill(measure: str) -> str:
        return _drill(measure, start, end, scope)

    kpis = _kpis(c, r, defs, drill)
    volume = volume_measure(c)
    trend_measures = (volume, "replied")

    # Trend: 受理量 and 办结量 by day (by month over long periods).
    n_days = (end - start).days + 1
    if n_days <= DAILY_TREND_MAX_DAYS:
        days = [start + timedelta(days=i) for i in range(n_days)]
        trend = {"by": "day", "labels": [d.isoformat() for d in days],
                 "series": [{"name": measures()[m].label,
                             "data": [by_day.get(m, {}).get(d, 0) for d in days]} for m in trend_measures]}
    else:
        months = _months(start, end)
        sums: dict[str, dict[str, int]] = {m: defaultdict(int) for m in trend_measures}
        for m in sums:
            for d, v in by_day.get(m, {}).items():
                sums[m][d.strftime("%Y-%m")] += v
        trend = {"by": "month", "labels": months,
                 "series": [{"name": measures()[m].label, "data": [sums[m].get(mo, 0) for mo in months]}
                            for m in trend_measures]}

    # 三率 by month (each month's rates from that month's follow-ups).
    month_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for m, values in by_day.items():
        for d, v in values.items():
            month_counts[d.strftime("%Y-%m")][m] += v
    months = _months(start, end)
    month_rates = [rates_of(month_counts.get(mo, {}), cfg) for mo in months]
    rates_chart = {"labels": months, "series": [
        {"name": _("响应率"), "data": [_pct(x["response_rate"]) for x in month_rates]},
        {"name": _("解决率"), "data": [_pct(x["resolution_rate"]) for x in month_rates]},
        {"name": _("满意率"), "data": [_pct(x["satisfaction_rate"]) for x in month_rates]},
    ], "followups": [x["followups"] for x in month_rates], "note": _("三率为%(rule)s。") % {"rule": COMMON_RULE}}

    # Breakdowns: channel, type, the ten hottest categories (受理量), regions (counts and 三率).
    by_channel = breakdown(scope, start, end, Dim.CHANNEL, (volume,))
    by_type = breakdown(scope, start, end, Dim.TYPE, (volume,))
    by_category = breakdown(scope, start, end, Dim.CATEGORY, (volume,))
    by_region = breakdown(scope, start, end, Dim.REGION, BREAKDOWN_MEASURES)

    names = region_rows_named(list(by_region), _base_path(scope))
    regions: list[dict[str, Any]] = []
    for path, counts in by_region.items():
        rr = rates_of(counts, cfg)
        info = names[path]
        regions.append({
            "path": path, "code": info["code"], "name": info["name"], "own": info["own"],
            "received": counts.get("received", 0), "dispatched": counts.get("dispatched", 0),
            "volume": counts.get(volume, 0), "replied": counts.get("replied", 0),
            "followups": rr["followups"], "satisfaction_rate": rr["satisfaction_rate"],
            "satisfaction_text": rate_text(rr["satisfaction_rate"]), "composite": rr["composite"],
            "composite_text": score_text(rr["composite"]),
            "drill": "" if info["own"] or not counts.get(volume) else
            _drill(volume, start, end, scope, region_code=info["code"]),
        })
    regions.sort(key=lambda x: (-x["volume"], x["name"]))
    for row, hv, hs in zip(regions, _heat([x["volume"] for x in regions]),
                           _heat([x["composite"] for x in regions]), strict=True):
        row["heat_volume"], row["heat_score"] = hv, hs

    on_time, late = c.get("replied_on_time", 0), c.get("replied_late", 0)
    charts = {
        "trend": trend,
        "channel": _by_key(by_channel, channel_label, start, end, scope, "channel", volume),
        "type": _by_key(by_type, type_label, start, end, scope, "type", volume),
        "category": _by_key(by_category, _category_label, start, end, scope, "category", volume,
                            top=TOP_CATEGORIES),
        "deadline": {"names": [_("按时办结"), _("超期办结")], "values": [on_time, late],
                     "breached": c.get("breached", 0), "breached_label": _("超期件数"),
                     "on_time_rate": _pct(r["on_time_rate"]),
                     "drills": [drill("replied"), drill("replied")]},
        "rates": rates_chart,
        "regions": {"names": [x["name"] for x in regions[:20]], "values": [x["volume"] for x in regions[:20]],
                    "drills": [x["drill"] for x in regions[:20]], "measure": volume,
                    "measure_label": measures()[volume].label},
    }
    state = FillState.objects.filter(pk=1).values_list("last_run_at", flat=True).first()
    return {
        "services": _service_kpis(c, drill),
        "period": {"start": start, "end": end, "days": n_days},
        "scope_label": scope.label,
        "updated_at": state,
        "kpis": kpis,
        "kpi": {k["key"]: k for k in kpis},
        "totals": c,
        "rates": r,
        "regions": regions,
        "volume": volume,
        "volume_label": measures()[volume].label,
        "categories": [{"name": n, "count": v, "drill": d} for n, v, d in
                       zip(charts["category"]["names"], charts["category"]["values"], charts["category"]["drills"],
                           strict=True)],
        "charts": charts,
        "rate_note": rate_defaults().note,
        "common_rule": COMMON_RULE,
        "config": cfg.as_dict(),
    }


# -- rankings --------------------------------------------------------------------------------------

RANKING_COUNTS = ("dispatched", "replied", "followups", "reopened", "breached")


def ranking_display(rows: list[dict[str, Any]], by: str, start: date, end: date, scope: StatsScope) -> list[dict[str, Any]]:
    """The ranking rows with their texts (rates with 95 % intervals) and each count's drill-down."""
    out = []
    for r in rows:
        key: dict[str, Any] = {}
        if by == "unit":
            key = {"unit_id": r.get("unit_id")}
        elif by == "region":
            key = {"region_code": r.get("region_code")}
        elif by == "agency":
            key = {"agency": r.get("agency")}
        drills = {m: _drill(m, start, end, scope, **key) for m in RANKING_COUNTS}
        out.append({
            **r, "drills": drills,
            "cells": [{"measure": m, "value": r.get(m, 0), "text": count_text(r.get(m, 0)), "drill": drills[m]}
                      for m in RANKING_COUNTS],
            "texts": {k: rate_interval_text(r.get(k), (r.get("intervals") or {}).get(k)) for k in THREE_RATES},
            "rate_cells": [{"key": k, "text": rate_text(r.get(k)),
                            "interval": rate_interval_text(r.get(k), (r.get("intervals") or {}).get(k))
                            [len(rate_text(r.get(k))):]} for k in THREE_RATES],
            "composite_text": score_text(r.get("composite")),
            "on_time_text": rate_text(r.get("on_time_rate")),
        })
    return out


# -- the public page -------------------------------------------------------------------------------

def public_count(n: int) -> str:
    """A count as the public page shows it: below PUBLIC_MIN_COUNT (but not none) as "<5"."""
    if 0 < n < PUBLIC_MIN_COUNT:
        return f"<{PUBLIC_MIN_COUNT}"
    return f"{n:,}"


def public_rate(numerator: int | float, denominator: int) -> str:
    if denominator < PUBLIC_MIN_COUNT:
        return "—"
    return f"{numerator / denominator * 100:.1f}%"


PUBLIC_MEASURES = ("received", "replied", "followups", *RATINGS)


def _public_row(name: str, c: dict[str, int], cfg: RateConfig) -> dict[str, Any]:
    received, replied, n = c.get("received", 0), c.get("replied", 0), c.get("followups", 0)
    satisfied = sum(float(cfg.rating_factors.get(k, Decimal(0))) * c.get(f"rating_{k}", 0) for k in range(1, 6))
    return {"name": name, "received": public_count(received), "replied": public_count(replied),
            "completion_rate": public_rate(replied, received), "satisfaction_rate": public_rate(satisfied, n)}


def public_data(start: date, end: date) -> dict[str, Any]:
    """The whole register's counts and rates for the public, by region and by category: no case
    content, no unit; a count below 5 shown as "<5", a rate over fewer than 5 as "—"; categories
    that are no catalogue item (a ledger's free text) counted under 其他."""
    period_check(start, end)
    cfg = rate_config()
    by_region = breakdown(EVERYTHING, start, end, Dim.REGION, PUBLIC_MEASURES)
    by_category = breakdown(EVERYTHING, start, end, Dim.CATEGORY, PUBLIC_MEASURES)
    total: dict[str, int] = defaultdict(int)
    for counts in by_region.values():
        for m, v in counts.items():
            total[m] += v
    names = region_rows_named(list(by_region), _base_path(EVERYTHING))
    regions = sorted((_public_row(names[p]["name"], c, cfg) | {"path": p} for p, c in by_region.items()
                      if c.get("received") or c.get("replied") or c.get("followups")), key=lambda x: x["path"])
    known = category_names()
    merged: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for code, counts in by_category.items():
        label = str(known[code]) if code in known else _("其他/未分类")
        for m, v in counts.items():
            merged[label][m] += v
    order = sorted(merged, key=lambda k: (-merged[k].get("received", 0), k))
    categories = [_public_row(k, merged[k], cfg) for k in order
                  if merged[k].get("received") or merged[k].get("replied") or merged[k].get("followups")]
    defs = rate_definitions(cfg)
    return {
        "period": {"start": start, "end": end},
        "total": _public_row(_("合计"), total, cfg),
        "regions": regions,
        "categories": categories,
        "definitions": {
            "received": measures()["received"].definition,
            "replied": measures()["replied"].definition,
            "completion_rate": _("办结率 = 期间办结量 ÷ 期间受理量（办结件可能为期前受理，故可能超过100%）。"),
            "satisfaction_rate": defs["satisfaction_rate"],
        },
        "min_count": PUBLIC_MIN_COUNT,
    }


# -- monthly briefings: who reads and makes them ---------------------------------------------------

REPORT_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.ADMIN)


def reports_for(person: Person) -> QuerySet[Report]:
    """The briefings this person may read: an administrator all; others those of their unit's
    region and the regions above it (a briefing is circulated down), and a supervisor also those
    of the regions within theirs."""
    qs = Report.objects.select_related("created_by")
    if person.role == Role.ADMIN and person.is_active:
        return qs
    if person.unit is None or not person.is_active:
        return qs.none()
    region = person.unit.region
    q = Q(region_code="") | Q(region_code__in=_codes(region.path))
    if sees_region(person):
        q |= Q(region_code__in=Region.objects.filter(path__startswith=region.path).values("code"))
    return qs.filter(q)


def may_make_report(person: Person) -> bool:
    return person.is_active and person.role in REPORT_ROLES and (person.role == Role.ADMIN or person.unit is not None)


def report_regions(person: Person) -> list[tuple[str, str]]:
    """The regions (code, name) this person may make a briefing for: an administrator the whole
    register ("") and every region above 街乡镇; a supervisor their region and those within it
    (above 街乡镇); a unit leader their unit's region."""
    if not may_make_report(person):
        return []
    if person.role == Role.ADMIN:
        rows = Region.objects.filter(level__lt=RegionLevel.TOWN).order_by("path")
        return [("", _("全部"))] + [(r.code, r.name) for r in rows[:500]]
    assert person.unit is not None
    region = person.unit.region
    if person.role == Role.SUPERVISOR:
        rows = Region.objects.filter(path__startswith=region.path, level__lt=RegionLevel.TOWN).order_by("path")
        return [(r.code, r.name) for r in rows[:500]] or [(region.code, region.name)]
    return [(region.code, region.name)]


# -- the drill-down list's caption -----------------------------------------------------------------

def drill_caption(get: Any) -> str:
    """What a drill-down list shows, in words: "统计数字“派单量”（2026-10-01至2026-10-31，文化路派出所）
    所含的诉求"; "" when the request is no drill-down. Call after `drill_filters` accepted `get`."""
    name = (get.get("m") or "").strip()
    m = measures().get(name)
    if m is None:
        return ""
    parts = []
    start, end = (get.get("m_from") or "").strip(), (get.get("m_to") or "").strip()
    if start or end:
        parts.append(_("%(start)s至%(end)s") % {"start": start or "…", "end": end or "…"})
    unit = (get.get("m_unit") or "").strip()
    if unit.isascii() and unit.isdigit() and len(unit) <= 18:
        unit_name = Unit.objects.filter(pk=int(unit)).values_list("name", flat=True).first()
        if unit_name:
            parts.append(unit_name)
    agency = (get.get("m_agency") or "").strip()
    if agency in Agency.values:
        parts.append(str(Agency(agency).label))
    where = "（{}）".format("，".join(parts)) if parts else ""
    return _("统计数字“%(label)s”%(where)s所含的诉求") % {"label": m.label, "where": where}
