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


# -- words, places and the representative ---------------------------------------------------------

import re  # noqa: E402

from banshi.triage.hotspots import STOP_WORDS, Words, keywords  # noqa: E402

FRAUD = [
    "我在网上参与刷单返利，前期返了佣金，后来充值三万元被骗，客服失联，请公安机关追回。",
    "网上刷单返利被骗两万，对方说完成任务就返佣金，现在联系不上，请求立案。",
    "刷单返利诈骗，先小额返利后让我垫付资金，一共被骗五万元，请帮忙追回损失。",
    "在手机上做刷单返利的兼职，垫付后不返钱，被骗了八千元，已经报警请尽快处理。",
]


def _words_of(text: str) -> list[str]:
    """Words as the segmenter cuts them (to check a key word is one of them, not a fragment)."""
    return Words.get().cut(text)


def test_keywords_are_words_not_fragments() -> None:
    found = keywords(FRAUD)
    assert "刷单返利" in found or {"刷单", "返利"} <= set(found)
    for word in found:
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,}", word), word  # no punctuation, no one-character scraps
        assert word not in STOP_WORDS
        assert any(word in _words_of(t) for t in FRAUD), f"{word} is no word of the texts"
    assert not any(w in found for w in ("我在网上参", "单返了", "前期返"))


def test_stop_words_and_names_of_places_are_not_keywords() -> None:
    texts = ["您好，请问反映的问题希望领导解决：丽发新城小区搅拌站噪音扰民。",
             "您好，希望有关部门解决丽发新城小区搅拌站噪音扰民的问题。"]
    found = keywords(texts, exclude=["丽发新城"])
    assert "搅拌站" in found and ("噪音" in found or "噪音扰民" in found)
    assert not {"您好", "请问", "反映", "问题", "希望", "领导", "解决", "有关部门"} & set(found)
    assert not any("丽发" in w for w in found)


def test_words_load_once_without_a_cache_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    words = Words.get()
    assert Words.get() is words
    assert words.cut("刷单返利被骗") [:2] == ["刷单返利", "被骗"]  # the user dictionary is in
    assert words.tags["法律援助"] == "n"  # tagged again: jieba's own dictionary says nr
    words.cut("在网上参与刷单返利")
    assert list(tmp_path.iterdir()) == []  # jieba wrote no cache file


def test_place_from_region_and_address() -> None:
    t = NOW - timedelta(days=1)
    demands = [
        Demand(i, text, t - timedelta(hours=i), caller=f"c{i}", region="海港区", address=address)
        for i, (text, address) in enumerate([
            ("楼下烧烤摊油烟太大，晚上还很吵，严重扰民", "海港区文化路幸福里小区3号楼"),
            ("小区门口烧烤摊油烟扰民，每天开到半夜", "文化路幸福里小区南门"),
            ("幸福里门口烧烤摊油烟和噪音扰民，请处理", "海港区文化路幸福里小区"),
        ])
    ]
    spot = find_hotspots(demands, now=NOW)[0]
    assert spot.count == 3
    assert spot.place.startswith("海港区") and "幸福里" in spot.place
    assert "烧烤摊" in spot.keywords and "油烟" in spot.keywords


def test_place_names_several_regions() -> None:
    t = NOW - timedelta(days=1)
    regions = ["海港区", "山海关区", "北戴河区", "海港区"]
    demands = [Demand(i, f"小区电梯坏了一个月没人修，老人上下楼困难{i}", t - timedelta(hours=i), caller=f"c{i}",
                      region=r) for i, r in enumerate(regions)]
    spot = find_hotspots(demands, now=NOW)[0]
    assert spot.count == 4 and spot.place == "海港区"  # two of four: the commonest, without a spot
    regions = ["海港区", "山海关区", "北戴河区", "抚宁区"]
    demands = [Demand(i, d.text, d.time, caller=d.caller, region=r) for i, (d, r) in enumerate(zip(demands, regions, strict=True))]
    assert find_hotspots(demands, now=NOW)[0].place.endswith("等4地")


def test_representative_is_the_newest_open_demand() -> None:
    texts = [t for t in FRAUD]
    demands = [
        Demand("old-open", texts[0], NOW - timedelta(days=5), caller="a"),
        Demand("mid-open", texts[1], NOW - timedelta(days=3), caller="b"),
        Demand("newest-closed", texts[2], NOW - timedelta(days=1), caller="c", open=False),
        Demand("new-closed", texts[3], NOW - timedelta(days=2), caller="d", open=False),
    ]
    spot = find_hotspots(demands, now=NOW)[0]
    assert spot.count == 4 and spot.representative_id == "mid-open"
    closed = [Demand(d.id, d.text, d.time, caller=d.caller, open=False) for d in demands]
    assert find_hotspots(closed, now=NOW)[0].representative_id == "newest-closed"


def test_real_messages_give_words(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On the real unlabelled messages (when the shared data is there): every key word is a word."""
    import csv
    from datetime import datetime
    from pathlib import Path

    import pytest

    path = Path(__file__).resolve().parents[3] / "shared" / "data" / "teddycup2020" / "messages_with_votes.csv"
    if not path.exists():
        pytest.skip(f"real messages not found at {path}")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:800]
    demands = [Demand(r["留言编号"], f"{r['留言主题']}\n{r['留言详情'].strip()}",
                      datetime.strptime(r["留言时间"].strip()[:19], "%Y/%m/%d %H:%M:%S").replace(tzinfo=UTC)
                      if "/" in r["留言时间"] else datetime.fromisoformat(r["留言时间"].strip()[:19]).replace(tzinfo=UTC),
                      caller=r["留言用户"]) for r in rows]
    spots = find_hotspots(demands, top=10)
    assert spots
    words = Words.get()
    for s in spots:
        assert s.keywords
        for k in s.keywords:
            assert re.fullmatch(r"[\u4e00-\u9fff]{2,}", k) and k in words.freq and k not in STOP_WORDS, k
    assert sum(1 for s in spots if s.place) >= len(spots) // 2


def test_hotspots_for_stored_cases(world) -> None:  # type: ignore[no-untyped-def]
    """Over stored cases: places from regions and addresses, the newest open case as the one to
    open (a withdrawn one is not counted at all), and the cases per day."""
    from django.utils import timezone

    from banshi.cases.domain import lifecycle as life
    from banshi.cases.links import hotspot_for, hotspots_for
    from banshi.cases.models import Case
    from tests.factories import case_new

    now = timezone.now()
    made = []
    for i, text in enumerate(FRAUD):
        case = case_new(world, content=text, address=f"海港区建设大街{i + 1}号", citizen_phone=f"1380000{i:04d}")
        Case.objects.filter(pk=case.pk).update(received_at=now - timedelta(days=4 - i))
        made.append(case)
    life.case_withdraw(made[-1].pk, actor=None, reason="群众撤回")
    life.case_dispatch(made[0].pk, actor=world.dispatcher, unit_id=world.station.pk)
    spots = hotspots_for(world.dispatcher, now=now)
    assert len(spots) == 1
    spot = spots[0]
    assert set(spot["ids"]) == {c.pk for c in made[:-1]}
    assert spot["representative_id"] == made[-2].pk
    assert spot["place"] == "海港区·建设大街"
    assert "刷单返利" in spot["keywords"]
    assert sum(n for _, n in spot["daily"]) == 3 and len(spot["daily"]) == 31
    assert hotspot_for(world.dispatcher, made[0].pk, now=now)["ids"] == spot["ids"]  # type: ignore[index]
    assert hotspot_for(world.dispatcher, made[-1].pk, now=now) is None
    assert hotspots_for(world.other_supervisor, now=now) == []  # scoping: another district sees none
