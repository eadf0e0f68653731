from datetime import UTC, datetime, timedelta

import numpy as np

from banshi.triage.duplicates import (
    Candidate,
    SimHashIndex,
    find_duplicates,
    fingerprint,
    hamming_similarity,
    text_similarity,
)

BASE = "A市A3区中海国际社区三期与四期中间空地夜间施工噪音扰民，每天晚上十点到凌晨五点挖土机施工，请相关部门处理。"
TRAD = "A市A3區中海國際社區三期與四期中間空地夜間施工噪音擾民，每天晚上十點到凌晨五點挖土機施工，請相關部門處理。"
OTHER = "A市A5区魅力之城小区临街餐饮店油烟很大，希望环保部门管一管。"
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def test_text_similarity_sees_through_script_and_phone_numbers():
    assert text_similarity(BASE + "电话13812345678", TRAD + "電話13900001111") == 1.0
    assert text_similarity(BASE, OTHER) < 0.3


def test_text_similarity_handles_truncated_copies():
    assert text_similarity(BASE, BASE[:30]) > 0.9


def test_find_duplicates_links_similar_recent_demands():
    cands = [
        Candidate(1, TRAD, time=T0 - timedelta(days=2)),
        Candidate(2, OTHER, time=T0 - timedelta(days=1)),
        Candidate(3, BASE, time=T0 - timedelta(days=400)),
    ]
    links = find_duplicates(BASE, cands, time=T0)
    assert [link.id for link in links] == [1]
    assert links[0].same_place and links[0].days_apart == 2.0
    assert "文本相似度" in links[0].reason


def test_same_caller_lowers_the_bar():
    variant = "中海国际社区旁边空地晚上施工太吵，挖土机一直干到凌晨"
    sim = text_similarity(BASE, variant)
    assert 0.2 < sim < 0.5
    bar = sim + 0.1
    assert find_duplicates(BASE, [Candidate("x", variant)], place="", threshold=bar) == []
    links = find_duplicates(
        BASE, [Candidate("x", variant, phone="138-1234-5678")], phone="13812345678", place="", threshold=bar
    )
    assert [link.id for link in links] == ["x"] and links[0].same_caller


def test_fingerprint_is_stable_and_close_for_near_duplicates():
    a, b, c = fingerprint(BASE), fingerprint(TRAD + "谢谢"), fingerprint(OTHER)
    assert fingerprint(BASE) == a

    def dist(x: tuple[int, int], y: tuple[int, int]) -> int:
        return bin(x[0] ^ y[0]).count("1") + bin(x[1] ^ y[1]).count("1")

    assert dist(a, b) < 20 < dist(a, c)
    assert hamming_similarity(0) == 1.0


def test_simhash_index_finds_the_duplicate_among_many():
    index = SimHashIndex(capacity=4)
    rng = np.random.default_rng(0)
    n = 20_000
    noise = rng.integers(0, 2**63, size=(n, 2), dtype=np.uint64)
    index.add_fingerprints(list(range(n)), noise, np.full(n, T0.timestamp()))
    index.add("dup", BASE, time=T0)
    index.add("old", BASE, time=T0 - timedelta(days=100))
    index.add("other", OTHER, time=T0)
    assert len(index) == n + 3
    hits = index.query(TRAD, k=3, max_distance=24)
    assert {h[0] for h in hits} == {"dup", "old"}
    recent = index.query(TRAD, k=3, max_distance=24, since=T0 - timedelta(days=30))
    assert [h[0] for h in recent] == ["dup"]
    assert recent[0][1] > 0.9
    assert index.nbytes == (n + 3) * 24


def test_find_duplicates_accepts_tuples():
    links = find_duplicates(BASE, [("a", TRAD, None, None, T0), ("b", OTHER)], time=T0)
    assert [link.id for link in links] == ["a"]
