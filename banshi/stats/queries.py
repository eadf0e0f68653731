"""The read side of assessment: totals, series, breakdowns, 三率 rows and rankings.

Everything here reads the count tables (`DailyCount`, `RollupCount`) and the organisation
(units, regions) — never the case register (tests/stats/test_no_case_scan.py proves it)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from banshi.core.errors import InvalidInput
from banshi.orgs.enums import Agency, RegionLevel, Role
from banshi.orgs.models import Person, Region, Unit
from banshi.orgs.scoping import sees_region, unit_subtree_ids
from banshi.stats.models import DailyCount, Dim, RollupCount
from banshi.stats.settings import RateConfig, rate_config

RATE_MEASURES = ("dispatched", "replied", "replied_on_time", "followups", "fu_contacted", "fu_resolved",
                 "rating_5", "rating_4", "rating_3", "rating_2", "rating_1", "reopened", "breached")
BY_CHOICES = ("unit", "region", "agency")
Z95 = 1.959963984540054


@dataclass(frozen=True)
class StatsScope:
    """What a viewer's figures cover: everything, a region subtree, or a set of units."""

    everything: bool = False
    region_path: str = ""
    unit_ids: tuple[int, ...] = ()
    label: str = ""
    root_unit_id: int = 0  # the unit whose subtree `unit_ids` is (drill-downs name it with its subtree)

    def rolled(self) -> QuerySet[RollupCount] | None:
        """The rollup rows of this scope, when it has them: the whole register, a county or city
        region (its counties' rows), a unit and its sub-units; None for a town (the fine table)."""
        if self.everything:
            return RollupCount.objects.filter(area="")
        if self.region_path and all(len(c) == 6 for c in self.region_path.strip("/").split("/")):
            # The region itself and its counties, as one semi-join (the index on dim, area, day serves it).
            counties = Region.objects.filter(path__startswith=self.region_path, level__lte=RegionLevel.COUNTY)
            return RollupCount.objects.filter(area__in=counties.values("path"))
        if self.unit_ids and not self.region_path:
            return RollupCount.objects.filter(area__in=[f"unit:{i}" for i in self.unit_ids])
        return None

    def daily(self) -> QuerySet[DailyCount]:
        if self.everything:
            return DailyCount.objects.all()
        if self.region_path:
            return DailyCount.objects.filter(region_path__startswith=self.region_path)
        return DailyCount.objects.filter(unit_id__in=list(self.unit_ids))


EVERYTHING = StatsScope(everything=True, label="全部")


def scope_for(person: Person) -> StatsScope:
    """A supervisor (and a committee's dispatcher) sees the region; other staff their unit's
    subtree; the system administrator everything (figures only: the drill-down lists stay scoped)."""
    if person.role == Role.ADMIN:
        return EVERYTHING
    if person.unit is None or not person.is_active:
        return StatsScope(unit_ids=(-1,), label="")
    if sees_region(person):
        region = person.unit.region
        if region.parent_id is None:
            return StatsScope(everything=True, label=region.name)
        return StatsScope(region_path=region.path, label=region.name)
    return StatsScope(unit_ids=tuple(unit_subtree_ids(person.unit)), label=person.unit.name,
                      root_unit_id=person.unit.pk)


def _period(start: date, end: date) -> Q:
    if end < start:
        raise InvalidInput(_("结束日期不能早于开始日期。"), code="invalid_period")
    if (end - start).days > 3660:
        raise InvalidInput(_("统计期间不能超过十年。"), code="invalid_period")
    return Q(day__gte=start, day__lte=end)


def totals(scope: StatsScope, start: date, end: date, measures: tuple[str, ...] | None = None) -> dict[str, int]:
    rolled = scope.rolled()
    if rolled is not None:
        qs: QuerySet[Any] = rolled.filter(_period(start, end), dim=Dim.ALL)
    else:
        qs = scope.daily().filter(_period(start, end))
    if measures is not None:
        qs = qs.filter(measure__in=measures)
    return {m: int(v) for m, v in qs.values_list("measure").annotate(v=Sum("value")).order_by()}


def daily(scope: StatsScope, start: date, end: date, measures: tuple[str, ...]) -> dict[str, dict[date, int]]:
    """measure → day → count (days without counts are absent)."""
    rolled = scope.rolled()
    if rolled is not None:
        qs: QuerySet[Any] = rolled.filter(_period(start, end), dim=Dim.ALL, measure__in=measures)
    else:
        qs = scope.daily().filter(_period(start, end), measure__in=measures)
    out: dict[str, dict[date, int]] = defaultdict(dict)
    for m, d, v in qs.values_list("measure", "day").annotate(v=Sum("value")).order_by():
        out[m][d] = int(v)
    return out


_DAILY_FIELD = {Dim.UNIT: "unit_id", Dim.REGION: "region_path", Dim.AGENCY: "agency", Dim.KIND: "kind",
                Dim.CHANNEL: "channel", Dim.TYPE: "type", Dim.CATEGORY: "category"}


def breakdown(scope: StatsScope, start: date, end: date, dim: str, measures: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """key of `dim` → measure → count. Region keys are 街乡镇-level paths."""
    if dim not in _DAILY_FIELD:
        raise InvalidInput(_("不支持的统计维度：%(dim)s") % {"dim": dim}, code="invalid_dim")
    out: dict[str, dict[str, int]] = defaultdict(dict)
    rows: Any
    rolled = scope.rolled()
    if rolled is not None:
        rows = (rolled.filter(_period(start, end), dim=dim, measure__in=measures)
                .values_list("key", "measure").annotate(v=Sum("value")).order_by())
    else:
        field = _DAILY_FIELD[Dim(dim)]
        rows = (scope.daily().filter(_period(start, end), measure__in=measures)
                .values_list(field, "measure").annotate(v=Sum("value")).order_by())
    for key, m, v in rows:
        bucket = out[str(key)]
        bucket[m] = bucket.get(m, 0) + int(v)
    return out


# -- 三率 ------------------------------------------------------------------------------------------

def _q4(x: Fraction | None) -> float | None:
    if x is None:
        return None
    return float((Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def _q2(x: Fraction | None) -> float | None:
    if x is None:
        return None
    return float((Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def wilson(p: float | None, n: int) -> list[float] | None:
    """The 95 % Wilson score interval of a rate p observed over n follow-ups."""
    if p is None or n <= 0:
        return None
    z2 = Z95 * Z95
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = Z95 * math.sqrt(max(0.0, p * (1 - p) / n + z2 / (4 * n * n))) / denom
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def rates_of(c: dict[str, int], cfg: RateConfig) -> dict[str, Any]:
    """The rates of one row of counts (followups, fu_contacted, fu_resolved, rating_k …)."""
    n = c.get("followups", 0)
    ratings = {k: c.get(f"rating_{k}", 0) for k in range(5, 0, -1)}
    out: dict[str, Any] = {
        "dispatched": c.get("dispatched", 0), "replied": c.get("replied", 0),
        "replied_on_time": c.get("replied_on_time", 0), "followups": n,
        "contacted": c.get("fu_contacted", 0), "resolved": c.get("fu_resolved", 0),
        **{f"rating_{k}": v for k, v in ratings.items()},
        "reopened": c.get("reopened", 0), "breached": c.get("breached", 0),
    }
    if n:
        resp = Fraction(out["contacted"], n)
        reso = Fraction(out["resolved"], n)
        sat = sum((Fraction(cfg.rating_factors.get(k, Decimal(0))) * v for k, v in ratings.items()), Fraction(0)) / n
        comp = 100 * (Fraction(cfg.weight_response) * resp + Fraction(cfg.weight_resolution) * reso
                      + Fraction(cfg.weight_satisfaction) * sat)
        reopen: Fraction | None = Fraction(out["reopened"], n)
    else:
        resp = reso = sat = comp = reopen = None  # type: ignore[assignment]
    on_time = Fraction(out["replied_on_time"], out["replied"]) if out["replied"] else None
    out.update({
        "response_rate": _q4(resp), "resolution_rate": _q4(reso), "satisfaction_rate": _q4(sat),
        "composite": _q2(comp), "on_time_rate": _q4(on_time), "reopen_rate": _q4(reopen),
    })
    out["intervals"] = {k: wilson(float(v) if v is not None else None, n)
                        for k, v in (("response_rate", resp), ("resolution_rate", reso), ("satisfaction_rate", sat))}
    return out


def _region_children(region_code: str | None) -> list[Region]:
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise InvalidInput(_("区划代码不存在：%(code)s") % {"code": region_code}, code="unknown_region")
        return list(region.children.order_by("code"))
    roots = list(Region.objects.filter(parent__isnull=True).order_by("code"))
    if len(roots) == 1:
        return list(roots[0].children.order_by("code"))
    return roots


def rate_rows(start: date, end: date, by: str, *, region_code: str | None = None,
              scope: StatsScope = EVERYTHING, cfg: RateConfig | None = None) -> list[dict[str, Any]]:
    """One row of counts and rates per unit, region (the children of `region_code`) or agency."""
    if by not in BY_CHOICES:
        raise InvalidInput(_("统计对象应为 unit、region 或 agency。"), code="invalid_by")
    cfg = cfg or rate_config()
    rows: list[dict[str, Any]] = []
    if by == "region":
        children = _region_children(region_code)
        if scope.region_path:
            children = [r for r in children if r.path.startswith(scope.region_path)
                        or scope.region_path.startswith(r.path)]
        counts = breakdown(scope, start, end, Dim.REGION, RATE_MEASURES)
        for region in children:
            c: dict[str, int] = defaultdict(int)
            for path, values in counts.items():
                if path.startswith(region.path):
                    for m, v in values.items():
                        c[m] += v
            rows.append({"region_code": region.code, "name": region.name, **rates_of(c, cfg)})
        return rows
    if by == "agency":
        counts = breakdown(scope, start, end, Dim.AGENCY, RATE_MEASURES)
        labels = dict(Agency.choices)
        for key in sorted(counts):
            if key:
                rows.append({"agency": key, "name": str(labels.get(key, key)), **rates_of(counts[key], cfg)})
        return rows
    counts = breakdown(scope, start, end, Dim.UNIT, RATE_MEASURES)
    if region_code:
        within = Region.objects.filter(code=region_code).first()
        if within is None:
            raise InvalidInput(_("区划代码不存在：%(code)s") % {"code": region_code}, code="unknown_region")
        in_region = set(Unit.objects.filter(region__path__startswith=within.path).values_list("id", flat=True))
        counts = {k: v for k, v in counts.items() if k.isdigit() and int(k) in in_region}
    names = dict(Unit.objects.filter(pk__in=[int(k) for k in counts if k.isdigit() and k != "0"])
                 .values_list("id", "name"))
    for key in sorted(counts, key=lambda k: int(k) if k.isdigit() else 0):
        if key.isdigit() and int(key) in names:
            rows.append({"unit_id": int(key), "name": names[int(key)], **rates_of(counts[key], cfg)})
    return rows


def ranking(start: date, end: date, by: str, *, min_volume: int | None = None, region_code: str | None = None,
            scope: StatsScope = EVERYTHING) -> list[dict[str, Any]]:
    """The rows in rank order by 综合得分 (ties: more follow-ups first). A row under the minimum
    volume of follow-ups is 样本不足: listed after the ranked rows, with rank null."""
    cfg = rate_config()
    floor = cfg.min_volume if min_volume is None else min_volume
    rows = rate_rows(start, end, by, region_code=region_code, scope=scope, cfg=cfg)
    ranked = sorted((r for r in rows if r["followups"] >= floor and r["composite"] is not None),
                    key=lambda r: (-r["composite"], -r["followups"], r["name"]))
    rest = sorted((r for r in rows if not (r["followups"] >= floor and r["composite"] is not None)),
                  key=lambda r: (-r["followups"], r["name"]))
    previous: tuple[float, int] | None = None
    rank = 0
    for i, r in enumerate(ranked, start=1):
        key = (r["composite"], r["followups"])
        if key != previous:
            rank = i
        previous = key
        r["rank"], r["ranked"] = rank, True
    for r in rest:
        r["rank"], r["ranked"] = None, False
        r["note"] = _("样本不足") if r["followups"] < floor else ""
    return ranked + rest


# -- specialised services (法律援助, 人民调解) --------------------------------------------------------

SERVICE_MEASURES = ("aid_applied", "aid_green", "aid_granted", "aid_refused", "aid_decided", "aid_decided_late",
                    "aid_closed", "aid_amount", "med_received", "med_concluded", "med_agreed")


def service_figures(c: dict[str, int]) -> dict[str, Any]:
    """The service counts of one row, with 调解成功率 and the legal-aid on-time decision rate."""
    out: dict[str, Any] = {m: c.get(m, 0) for m in SERVICE_MEASURES}
    concluded, decided = out["med_concluded"], out["aid_decided"]
    out["mediation_success_rate"] = _q4(Fraction(out["med_agreed"], concluded)) if concluded else None
    out["aid_on_time_rate"] = _q4(Fraction(decided - out["aid_decided_late"], decided)) if decided else None
    return out


def service_rows(start: date, end: date, by: str = "unit", *, scope: StatsScope = EVERYTHING) -> list[dict[str, Any]]:
    """Per legal-aid centre or mediation committee (`by="unit"`), or per 援助事项/纠纷类型
    (`by="category"`): applications, decisions, 绿色通道, amounts; mediations, agreements and the
    success rate. Rows without any service count are left out."""
    from banshi.triage.labels import category_label

    if by not in ("unit", "category"):
        raise InvalidInput(_("统计对象应为 unit 或 category。"), code="invalid_by")
    counts = breakdown(scope, start, end, Dim.UNIT if by == "unit" else Dim.CATEGORY, SERVICE_MEASURES)
    rows: list[dict[str, Any]] = []
    if by == "unit":
        names = dict(Unit.objects.filter(pk__in=[int(k) for k in counts if k.isdigit()]).values_list("id", "name"))
        for key, c in sorted(counts.items(), key=lambda kv: kv[0]):
            if key.isdigit() and int(key) in names:
                rows.append({"unit_id": int(key), "name": names[int(key)], **service_figures(c)})
    else:
        for key, c in sorted(counts.items()):
            if key:
                rows.append({"category": key, "name": category_label(key), **service_figures(c)})
    return rows
