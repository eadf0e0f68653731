"""The figures of one monthly briefing (月度通报).

Read from the count tables through `stats/queries.py` and from the organisation (units, regions)
only — never from the case register — so a briefing regenerated over the same counts and the same
rate settings gives the same figures.

Scope: without a region, everything; with a region, the demands located in it (totals, 热点分类,
热点区域) and the units it holds (三率排名 and 超期单位, counted over all their work, the same rows
`banshi stats ranking --region` prints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.core.errors import InvalidInput
from banshi.orgs.enums import RegionLevel
from banshi.orgs.models import Region, Unit
from banshi.stats.measures import measure_label, measures, rate_defaults
from banshi.stats.models import Dim, FillState
from banshi.stats.queries import EVERYTHING, StatsScope, breakdown, ranking, rates_of, totals
from banshi.stats.reports import press
from banshi.stats.settings import rate_config

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")
TOP = 10
OVERDUE_MEASURES = ("breached", "dispatched", "replied", "replied_on_time", "replied_late")


@dataclass(frozen=True)
class TotalRow:
    key: str
    label: str
    value: int | float | None
    kind: str  # count | rate | hours | score
    definition: str


@dataclass
class Figures:
    month: str
    start: date
    end: date
    full_month: bool
    period_text: str
    region_code: str
    region_name: str
    name: str  # for the title: the region, or the one top-level region
    whole: str  # 全市 / 全区 … (the paragraph's word for everything)
    totals: dict[str, int]
    overall: dict[str, Any]  # rates_of() over the totals
    replied_rate: float | None
    average_hours: float | None
    ranking: list[dict[str, Any]]
    min_volume: int
    overdue: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    hotspots: list[dict[str, Any]]
    unlocated: int  # received, not located at a 街乡镇
    config: dict[str, Any]
    watermark: dict[str, Any]
    generated_at: datetime
    title: str = ""
    paragraph: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ranked(self) -> list[dict[str, Any]]:
        return [r for r in self.ranking if r["ranked"]]

    @property
    def unranked(self) -> list[dict[str, Any]]:
        return [r for r in self.ranking if not r["ranked"]]

    def total_rows(self) -> list[TotalRow]:
        t, o = self.totals, self.overall
        defs, rate_defs = measures(), rate_defaults().definitions

        def count(key: str) -> TotalRow:
            return TotalRow(key, measure_label(key), t.get(key, 0), "count", defs[key].definition)

        def rate(key: str, label: str, value: float | None, definition: str) -> TotalRow:
            return TotalRow(key, label, value, "rate", definition)

        return [
            count("received"), count("dispatched"), count("replied"),
            rate("replied_rate", _("办结率"), self.replied_rate, press.note("replied_rate")),
            rate("on_time_rate", _("按时办结率"), o["on_time_rate"], rate_defs.get("on_time_rate", "")),
            count("breached"), count("returned"), count("extended"), count("supervised"),
            rate("reopen_rate", _("重办率"), o["reopen_rate"], rate_defs.get("reopen_rate", "")),
            TotalRow("average_hours", _("平均办理时长（小时）"), self.average_hours, "hours",
                     rate_defs.get("average_hours", "")),
            count("followups"),
            rate("response_rate", _("响应率"), o["response_rate"], rate_defs.get("response_rate", "")),
            rate("resolution_rate", _("解决率"), o["resolution_rate"], rate_defs.get("resolution_rate", "")),
            rate("satisfaction_rate", _("满意率"), o["satisfaction_rate"], rate_defs.get("satisfaction_rate", "")),
            TotalRow("composite", _("综合得分"), o["composite"], "score", rate_defs.get("composite", "")),
        ]


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of "YYYY-MM" (Asia/Shanghai days), or a Chinese InvalidInput."""
    m = MONTH_RE.match(month.strip()) if isinstance(month, str) else None
    if m is None:
        raise InvalidInput(_("月份格式不正确：%(text)s（应为 YYYY-MM，如 2026-10）") % {"text": month},
                           code="invalid_month")
    year, mon = int(m[1]), int(m[2])
    if not 1 <= mon <= 12:
        raise InvalidInput(_("月份不正确：%(text)s（月应为01至12）") % {"text": month}, code="invalid_month")
    if not 2000 <= year <= 2099:
        raise InvalidInput(_("年份超出范围：%(text)s（应在2000年至2099年之间）") % {"text": month},
                           code="invalid_month")
    start = date(year, mon, 1)
    nxt = date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)
    return start, nxt - timedelta(days=1)


def previous_month(today: date) -> str:
    last = today.replace(day=1) - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def _report_region(region_code: str | None) -> Region | None:
    if not region_code:
        return None
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise InvalidInput(_("区划代码不存在：%(code)s") % {"code": region_code}, code="unknown_region")
    if region.level > RegionLevel.TOWN:
        # The counts keep regions down to the 街乡镇 (stats/fill.py: street_path).
        raise InvalidInput(_("区划“%(name)s”低于街道乡镇级：统计只细分到街道乡镇，请选其所属街道乡镇或更上级区划。")
                           % {"name": region.name}, code="region_too_fine")
    return region


def _whole() -> tuple[str, str]:
    """(the title's name, the paragraph's word) for everything: from the one top-level region."""
    w = press.wording()
    roots = list(Region.objects.filter(parent__isnull=True).order_by("code")[:2])
    if len(roots) != 1:
        return "", str(w["whole_fallback"])
    name = roots[0].name
    return name, str(w["whole_words"].get(name[-1:], w["whole_fallback"]))


def _watermark() -> dict[str, Any]:
    state = FillState.objects.filter(pk=1).first()
    if state is None:
        return {"done_through": None, "event_id": 0, "case_id": 0, "last_run_at": None}
    return {
        "done_through": state.done_through.isoformat() if state.done_through else None,
        "event_id": state.event_id, "case_id": state.case_id,
        "last_run_at": state.last_run_at.isoformat() if state.last_run_at else None,
    }


def _region_unit_ids(region: Region | None) -> set[int] | None:
    if region is None:
        return None
    return set(Unit.objects.filter(region__path__startswith=region.path).values_list("id", flat=True))


def _overdue(start: date, end: date, region: Region | None) -> list[dict[str, Any]]:
    counts = breakdown(EVERYTHING, start, end, Dim.UNIT, OVERDUE_MEASURES)
    allowed = _region_unit_ids(region)
    ids = [int(k) for k, c in counts.items() if k.isdigit() and k != "0" and c.get("breached")
           and (allowed is None or int(k) in allowed)]
    names = dict(Unit.objects.filter(pk__in=ids).values_list("id", "name"))
    rows: list[dict[str, Any]] = []
    for uid in ids:
        if uid not in names:
            continue
        c = counts[str(uid)]
        replied = c.get("replied", 0)
        rows.append({
            "unit_id": uid, "name": names[uid], "breached": c.get("breached", 0),
            "dispatched": c.get("dispatched", 0), "replied": replied, "replied_late": c.get("replied_late", 0),
            "on_time_rate": round(c.get("replied_on_time", 0) / replied, 4) if replied else None,
        })
    rows.sort(key=lambda r: (-r["breached"], -r["dispatched"], r["name"], r["unit_id"]))
    for i, r in enumerate(rows[:TOP], start=1):
        r["rank"] = i
    return rows[:TOP]


def _categories(scope: StatsScope, start: date, end: date, received: int) -> list[dict[str, Any]]:
    from banshi.triage.labels import category_label

    counts = breakdown(scope, start, end, Dim.CATEGORY, ("received", "replied"))
    rows: list[dict[str, Any]] = [{"code": code, "label": category_label(code) if code else _("未分类"),
             "received": c.get("received", 0), "replied": c.get("replied", 0)}
            for code, c in counts.items() if c.get("received")]
    rows.sort(key=lambda r: (-r["received"], r["code"] == "", r["label"], r["code"]))
    for i, r in enumerate(rows[:TOP], start=1):
        r["rank"] = i
        r["share"] = round(r["received"] / received, 4) if received else None
    return rows[:TOP]


def _hotspots(scope: StatsScope, start: date, end: date, received: int,
              region: Region | None) -> tuple[list[dict[str, Any]], int]:
    counts = breakdown(scope, start, end, Dim.REGION, ("received", "replied"))
    last = {path: path.rstrip("/").rsplit("/", 1)[-1] for path in counts if path}
    regions = {r.code: r for r in Region.objects.filter(code__in=set(last.values())).select_related("parent")}
    towns: dict[str, dict[str, Any]] = {}
    unlocated = 0
    within_county = region is not None and region.level >= RegionLevel.COUNTY
    for path, c in counts.items():
        town = regions.get(last.get(path, ""))
        if town is None or town.level != RegionLevel.TOWN:
            unlocated += c.get("received", 0)
            continue
        county = town.parent.name if town.parent else ""
        row = towns.setdefault(town.code, {"code": town.code, "name": town.name, "county": county,
                                           "label": town.name if within_county else f"{county}{town.name}",
                                           "received": 0, "replied": 0})
        row["received"] += c.get("received", 0)
        row["replied"] += c.get("replied", 0)
    rows = sorted((r for r in towns.values() if r["received"]), key=lambda r: (-r["received"], r["code"]))
    for i, r in enumerate(rows[:TOP], start=1):
        r["rank"] = i
        r["share"] = round(r["received"] / received, 4) if received else None
    return rows[:TOP], unlocated


def figures_monthly(month: str, *, region_code: str | None = None, now: datetime | None = None) -> Figures:
    """Every figure of the month's briefing, with the paragraph and the notes."""
    now = now or timezone.now()
    today = timezone.localtime(now, timezone.get_default_timezone()).date()
    start, last = month_bounds(month)
    if start > today:
        raise InvalidInput(_("%(month)s尚未开始，无法生成通报。") % {"month": month}, code="future_month")
    end = min(last, today - timedelta(days=1))
    if end < start:
        raise InvalidInput(_("%(month)s今天才开始，还没有完整的统计日。") % {"month": month}, code="future_month")
    full = end == last
    region = _report_region(region_code)
    if region is not None:
        scope = StatsScope(region_path=region.path, label=region.name)
        name, whole = region.name, region.name
    else:
        scope = EVERYTHING
        name, whole = _whole()

    cfg = rate_config()
    t = totals(scope, start, end)
    overall = rates_of(t, cfg)
    received, replied = t.get("received", 0), t.get("replied", 0)
    rows = ranking(start, end, "unit", region_code=region.code if region else None)
    categories = _categories(scope, start, end, received)
    hotspots, unlocated = _hotspots(scope, start, end, received, region)
    fig = Figures(
        month=f"{start.year:04d}-{start.month:02d}", start=start, end=end, full_month=full,
        period_text=press.cn_period(start, end, full_month=full),
        region_code=region.code if region else "", region_name=region.name if region else "",
        name=name, whole=whole, totals=t, overall=overall,
        replied_rate=round(replied / received, 4) if received else None,
        average_hours=round(t.get("handling_seconds", 0) / replied / 3600, 2) if replied else None,
        ranking=rows, min_volume=cfg.min_volume, overdue=_overdue(start, end, region),
        categories=categories, hotspots=hotspots, unlocated=unlocated,
        config=cfg.as_dict(), watermark=_watermark(), generated_at=now,
    )
    fig.title = press.title(name)
    fig.paragraph = press.press_paragraph(fig)
    fig.notes = [press.note("rates"), press.note("min_volume", min_volume=cfg.min_volume), press.note("interval"),
                 press.note("replied_rate"), press.note("hotspots")]
    if region is not None:
        fig.notes.append(press.note("region_scope", region=region.name))
    if not full:
        fig.notes.append(press.note("partial", end=press.cn_date(end)))
    done = fig.watermark["done_through"]
    if done is None or date.fromisoformat(done) < end:
        fig.notes.append(press.note("watermark", done=press.cn_date(date.fromisoformat(done)) if done else _("（尚未填充）")))
    local = timezone.localtime(now, timezone.get_default_timezone())
    fig.notes.append(press.note("source", generated=f"{press.cn_date(local.date())} {local:%H:%M}"))
    return fig
