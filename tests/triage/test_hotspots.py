from datetime import UTC, datetime, timedelta

from banshi.triage.hotspots import Demand, find_hotspots

NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)


def _demands() -> list[Demand]:
    noise = [
        "丽发新城小区附近搅拌站噪音扰民，晚上也在生产，严重影响休息",
        "丽发新城小区旁边的搅拌站粉尘和噪音太大，要求搬迁",
        "投诉丽发新城附近违建搅拌站，噪音扰民，灰尘很大",
        "丽发新城小区搅拌站夜间施工噪音扰民，请环保部门处理",
        "丽发新城搅拌站每天噪音不断，居民无法正常生活",
    ]
    parking = [
        "伊景园滨河苑开发商捆绑销售车位，不买车位不给收房",
        "伊景园滨河苑强制捆绑销售车位，侵害购房者权益",
        "投诉伊景园滨河苑捆绑销售车位的问题",
    ]
    singles = [
        "希望增加一条公交线路到高铁站",
        "孩子入学划片不合理",
        "医院挂号太难了",
        "菜市场门口占道经营",
    ]
    out: list[Demand] = []
    for i, text in enumerate(noise):  # mostly recent: rising
        out.append(
            Demand(f"n{i}", text, NOW - timedelta(days=2 + i * 2 if i < 4 else 20), support=i, caller=f"u{i}")
        )
    for i, text in enumerate(parking):
        out.append(
            Demand(f"p{i}", text, NOW - timedelta(days=40 + i), support=10, caller="same" if i else "first")
        )
    for i, text in enumerate(singles):
        out.append(Demand(f"s{i}", text, NOW - timedelta(days=i), caller=f"s{i}"))
    return out


def test_hotspots_group_one_class_of_matters():
    spots = find_hotspots(_demands(), now=NOW)
    assert len(spots) == 2
    top, second = spots
    assert set(top.ids) == {f"n{i}" for i in range(5)}
    assert top.count == 5 and top.callers == 5
    assert top.trend == "上升" and top.recent == 4 and top.previous == 1
    assert "丽发新城" in top.place
    assert any("搅拌站" in k for k in top.keywords)
    assert set(second.ids) == {"p0", "p1", "p2"}
    assert second.callers == 2 and second.support == 30
    assert second.trend == "持平" and second.recent == 0
    assert top.heat > second.heat > 0
    d = top.to_dict()
    assert d["count"] == 5 and d["ids"][0] == top.ids[0]


def test_hotspots_need_min_size():
    assert find_hotspots(_demands(), now=NOW, min_size=6) == []
    assert find_hotspots([], now=NOW) == []


def test_heat_decays_with_age():
    fresh = find_hotspots(_demands(), now=NOW)[0].heat
    later = find_hotspots(_demands(), now=NOW + timedelta(days=60))[0].heat
    assert later < fresh / 3
