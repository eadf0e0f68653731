"""/api/v1/stats/…: the same figures as `banshi stats`, within the caller's scope, described in
the OpenAPI document; a figure's drill-down on /api/v1/cases lists the cases behind it."""

from __future__ import annotations

import pytest

from banshi.api.views import api
from banshi.stats.fill import fill
from tests.factories import World
from tests.stats.test_rates_by_hand import at, expected, rated_world  # noqa: F401 - the fixture

PERIOD = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.mark.django_db
def test_rates_and_ranking_match_the_command(rated_world: World, api_as) -> None:  # noqa: F811
    w = rated_world
    r = api_as(w.supervisor).get("/stats/rates", **PERIOD, by="unit")
    assert r.status_code == 200, r.content
    rows = {row["unit_id"]: row for row in r.json()}
    for key, unit in (("A", w.station), ("B", w.court), ("C", w.justice_office)):
        for field, value in expected(key).items():
            assert rows[unit.pk][field] == value
    ranking = api_as(w.supervisor).get("/stats/ranking", **PERIOD, by="unit", min_volume=2).json()
    ranked = [row["unit_id"] for row in ranking if row["ranked"]]
    assert ranked[:2] == [w.court.pk, w.station.pk]
    assert next(row for row in ranking if row["unit_id"] == w.justice_office.pk)["note"] == "样本不足"


@pytest.mark.django_db
def test_scope_limits_the_figures(rated_world: World, api_as) -> None:  # noqa: F811
    w = rated_world
    leader = api_as(w.leader).get("/stats/totals", **PERIOD).json()["totals"]
    supervisor = api_as(w.supervisor).get("/stats/totals", **PERIOD).json()["totals"]
    assert leader["followups"] == 5 and supervisor["followups"] == 8
    other = api_as(w.other_supervisor).get("/stats/rates", **PERIOD, by="unit").json()
    assert other == []
    series = api_as(w.supervisor).get("/stats/series", **PERIOD, measure=["received"]).json()
    assert series[0]["label"] == "受理量" and sum(series[0]["days"].values()) == 5


@pytest.mark.django_db
def test_drill_down_lists_the_cases_behind_a_figure(rated_world: World, api_as) -> None:  # noqa: F811
    w = rated_world
    r = api_as(w.supervisor).get("/cases", m="followups", m_from="2026-10-01", m_to="2026-10-31", m_unit=w.court.pk)
    assert r.status_code == 200, r.content
    assert r.json()["count"] == 2  # c4 (its second follow-up) and c5
    r = api_as(w.supervisor).get("/cases", m="followups", m_from="2026-10-01", m_to="2026-10-31",
                                 m_unit=w.station.pk)
    assert r.json()["count"] == 4  # c1, c2, c3 and c4 (its first follow-up, before the transfer)
    # The list stays within the viewer's scope.
    assert api_as(w.other_supervisor).get("/cases", m="followups", m_from="2026-10-01", m_to="2026-10-31",
                                          m_unit=w.station.pk).json()["count"] == 0


@pytest.mark.django_db
def test_bad_input_is_a_clear_400(world: World, api_as) -> None:
    fill()
    me = api_as(world.supervisor)
    for path, params in (
        ("/stats/rates", {"from": "2026-10-31", "to": "2026-10-01"}),
        ("/stats/rates", {"from": "2026-13-01", "to": "2026-10-31"}),
        ("/stats/rates", {**PERIOD, "by": "planet"}),
        ("/stats/rates", {**PERIOD, "by": "region", "region": "x" * 300}),
        ("/stats/ranking", {**PERIOD, "min_volume": 0}),
        ("/stats/totals", {"from": "2026-01-01", "to": "2099-01-01"}),
        ("/cases", {"m": "nonsense"}),
        ("/cases", {"m": "replied", "m_from": "yesterday"}),
    ):
        r = me.get(path, **params)
        assert r.status_code == 400, (path, params, r.status_code)
        assert r.json()["message"], r.json()


def test_openapi_describes_the_stats_endpoints() -> None:
    doc = api.get_openapi_schema(path_prefix="/api/v1/")
    for path in ("/api/v1/stats/rates", "/api/v1/stats/ranking", "/api/v1/stats/totals", "/api/v1/stats/measures"):
        assert path in doc["paths"], path
    assert "composite" in doc["components"]["schemas"]["RateRowOut"]["properties"]


@pytest.mark.django_db
def test_measures_carry_their_definitions(world: World, api_as) -> None:
    out = api_as(world.leader).get("/stats/measures").json()
    names = {m["name"]: m for m in out["measures"]}
    assert "按受理时间" in names["received"]["definition"]
    assert "非官方" in out["note"]
    assert out["settings"]["weights"] == {"response": 0.1, "resolution": 0.5, "satisfaction": 0.4}


def test_at_helper_is_shanghai() -> None:
    assert at(1, 0).utcoffset() is not None


@pytest.mark.django_db
def test_a_unit_with_sub_units_drills_into_its_whole_subtree(rated_world: World, api_as) -> None:  # noqa: F811
    from tests.factories import person

    w = rated_world
    branch_leader = person("branch_leader", "leader", w.police)  # 海港公安分局: the stations are its sub-units
    params = {"m": "followups", "m_from": "2026-10-01", "m_to": "2026-10-31", "m_unit": w.police.pk}
    me = api_as(branch_leader)
    assert me.get("/cases", **params).json()["count"] == 0  # the branch itself counted no follow-up
    # Its stations did: c1–c4 at 文化路派出所; c4 has since gone to the court, so the branch no longer sees it.
    assert me.get("/cases", **params, m_tree=1).json()["count"] == 3
    totals = me.get("/stats/totals", **PERIOD).json()["totals"]
    assert totals["followups"] == 5
