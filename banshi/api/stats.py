"""/api/v1/stats/…: the assessment figures, read from the count tables within the caller's scope."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from banshi.api.schemas import ErrorOut
from banshi.orgs.models import Person
from banshi.stats import queries
from banshi.stats.measures import measures, rate_defaults
from banshi.stats.settings import rate_config

router = Router(tags=["stats"])


class MeasureOut(Schema):
    name: str
    label: str
    definition: str


class MeasuresOut(Schema):
    measures: list[MeasureOut]
    rates: dict[str, str]
    note: str
    settings: dict[str, Any]


class RateRowOut(Schema):
    unit_id: int | None = None
    region_code: str | None = None
    agency: str | None = None
    name: str
    dispatched: int
    replied: int
    replied_on_time: int
    followups: int
    contacted: int
    resolved: int
    rating_5: int
    rating_4: int
    rating_3: int
    rating_2: int
    rating_1: int
    reopened: int
    breached: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    composite: float | None
    on_time_rate: float | None
    reopen_rate: float | None
    intervals: dict[str, list[float] | None]
    rank: int | None = None
    ranked: bool | None = None
    note: str | None = None


class TotalsOut(Schema):
    scope: str
    start: date
    end: date
    totals: dict[str, int]


class SeriesOut(Schema):
    measure: str
    label: str
    days: dict[str, int]


def _me(request: HttpRequest) -> Person:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, Person)
    return person


@router.get("/measures", response={200: MeasuresOut})
def stats_measures(request: HttpRequest) -> dict[str, Any]:
    """口径: every counted measure with its definition, and the 三率 settings in force."""
    d = rate_defaults()
    return {"measures": [{"name": m.name, "label": m.label, "definition": m.definition} for m in measures().values()],
            "rates": d.definitions, "note": d.note, "settings": rate_config().as_dict()}


@router.get("/totals", response={200: TotalsOut, 400: ErrorOut})
def stats_totals(request: HttpRequest, start: date = Query(..., alias="from"),  # noqa: B008
                 end: date = Query(..., alias="to")) -> dict[str, Any]:  # noqa: B008
    """Every measure's total for the period (Asia/Shanghai days, inclusive) within the caller's scope."""
    scope = queries.scope_for(_me(request))
    return {"scope": scope.label, "start": start, "end": end, "totals": queries.totals(scope, start, end)}


@router.get("/series", response={200: list[SeriesOut], 400: ErrorOut})
def stats_series(request: HttpRequest, start: date = Query(..., alias="from"),  # noqa: B008
                 end: date = Query(..., alias="to"),  # noqa: B008
                 measure: list[str] = Query(["received", "replied"])) -> list[dict[str, Any]]:  # noqa: B008
    """Daily counts of the named measures within the caller's scope."""
    known = measures()
    wanted = tuple(m for m in measure if m in known)[:20]
    series = queries.daily(queries.scope_for(_me(request)), start, end, wanted)
    return [{"measure": m, "label": known[m].label,
             "days": {d.isoformat(): v for d, v in sorted(series.get(m, {}).items())}} for m in wanted]


@router.get("/rates", response={200: list[RateRowOut], 400: ErrorOut})
def stats_rates(request: HttpRequest, start: date = Query(..., alias="from"),  # noqa: B008
                end: date = Query(..., alias="to"), by: str = "unit",  # noqa: B008
                region: str | None = None) -> list[dict[str, Any]]:
    """三率 per unit, region (the children of `region`) or agency: fractions 0–1, composite 0–100."""
    return queries.rate_rows(start, end, by, region_code=region, scope=queries.scope_for(_me(request)))


@router.get("/ranking", response={200: list[RateRowOut], 400: ErrorOut})
def stats_ranking(request: HttpRequest, start: date = Query(..., alias="from"),  # noqa: B008
                  end: date = Query(..., alias="to"), by: str = "unit",  # noqa: B008
                  region: str | None = None,
                  min_volume: int | None = Query(None, ge=1, le=100000)) -> list[dict[str, Any]]:
    """The rows in rank order by 综合得分; under the minimum volume: 样本不足, rank null."""
    return queries.ranking(start, end, by, min_volume=min_volume, region_code=region,
                           scope=queries.scope_for(_me(request)))


class ServiceRowOut(Schema):
    unit_id: int | None = None
    category: str | None = None
    name: str
    aid_applied: int
    aid_green: int
    aid_granted: int
    aid_refused: int
    aid_decided: int
    aid_decided_late: int
    aid_closed: int
    aid_amount: int
    med_received: int
    med_concluded: int
    med_agreed: int
    mediation_success_rate: float | None
    aid_on_time_rate: float | None


@router.get("/services", response={200: list[ServiceRowOut], 400: ErrorOut})
def stats_services(request: HttpRequest, start: date = Query(..., alias="from"),  # noqa: B008
                   end: date = Query(..., alias="to"), by: str = "unit") -> list[dict[str, Any]]:  # noqa: B008
    """法律援助 and 人民调解 per centre/committee (`by=unit`) or per 援助事项/纠纷类型 (`by=category`):
    applications, 绿色通道, decisions on time, amounts recovered, 调解成功率."""
    return queries.service_rows(start, end, by, scope=queries.scope_for(_me(request)))
