"""Hot spots: recent demands grouped into "one class of matters" (一类事).

:func:`find_hotspots` links two demands when their texts are similar (character n-gram
TF-IDF cosine, the opening phrase counted again), or moderately similar and about the
same named place (``xx小区``, ``xx路`` …), and close in time; then it forms groups by star
clustering (the best-connected demand gathers its neighbours, no chaining through
loosely related texts). Each group gets its place, key words, counts, a trend and a
heat score:

``heat`` = Σ over distinct callers of their strongest demand's weight + 0.2 × the weight
of their repeated demands, where a demand's weight is ``(1 + ln(1 + support)) ×
2^(-age / half_life)`` — ``support`` being up-votes, co-signers or similar.

``trend`` compares the demands in the last ``trend_days`` with the ``trend_days`` before:
"上升" (≥ 1.5×), "下降" (≤ 0.67×), "持平", or "新出现" when nothing came before.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import scipy.sparse as sp

from banshi.triage.features import CharTfidf, decode_key, l2_normalize
from banshi.triage.text import lead, normalize, places


@dataclass(frozen=True)
class Demand:
    """One demand as hot-spot detection sees it."""

    id: Hashable
    text: str
    time: datetime
    support: int = 0  # up-votes, co-signers, follow-up calls …
    caller: str | None = None
    place: str | None = None  # a place key; derived from the text when None


@dataclass
class Hotspot:
    """A group of similar demands about the same matter."""

    label: str
    place: str
    keywords: list[str]
    ids: list[Hashable]
    representative_id: Hashable
    count: int
    callers: int
    support: int
    first: datetime
    last: datetime
    recent: int
    previous: int
    trend: str
    heat: float
    members: list[Demand] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "place": self.place,
            "keywords": self.keywords,
            "ids": self.ids,
            "representative_id": self.representative_id,
            "count": self.count,
            "callers": self.callers,
            "support": self.support,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "recent": self.recent,
            "previous": self.previous,
            "trend": self.trend,
            "heat": round(self.heat, 3),
        }


_GENERIC_SPOTS = {"小区", "社区", "街道", "学校", "医院", "公园", "市场"}


def _spot_names(doc: str) -> set[str]:
    """Named spots of a text (not administrative units), with a trailing 小区 dropped."""
    out = set()
    for p in places(doc):
        if p[-1] in "市县区省":
            continue
        name = p[:-2] if p.endswith("小区") and len(p) > 3 else p
        if name not in _GENERIC_SPOTS:
            out.add(name)
    return out


def find_hotspots(
    demands: Sequence[Demand],
    *,
    now: datetime | None = None,
    similarity: float = 0.5,
    place_similarity: float = 0.25,
    link_days: float = 90.0,
    min_size: int = 2,
    top: int = 20,
    half_life_days: float = 30.0,
    trend_days: float = 14.0,
) -> list[Hotspot]:
    """Hot spots among ``demands`` (pass the recent ones), hottest first."""
    if not demands:
        return []
    now = now or max(d.time for d in demands)
    docs = [normalize(d.text) for d in demands]
    spot_sets = [{d.place} if d.place else _spot_names(doc) for d, doc in zip(demands, docs, strict=True)]
    vec = CharTfidf(ngram_range=(2, 3), min_df=2).fit(docs)
    x = l2_normalize(vec.transform(docs) + 0.7 * vec.transform([lead(t) for t in docs]))
    times = np.array([d.time.timestamp() for d in demands])
    n = len(demands)
    postings: dict[str, list[int]] = {}
    for i, names in enumerate(spot_sets):
        for name in names:
            postings.setdefault(name, []).append(i)

    neighbours: list[np.ndarray] = []
    xt = x.T.tocsc()
    for start in range(0, n, 512):
        block = np.asarray((x[start : start + 512] @ xt).toarray())
        for r in range(block.shape[0]):
            i = start + r
            row = block[r]
            near = row >= similarity
            if spot_sets[i]:
                same = np.zeros(n, dtype=bool)
                for name in spot_sets[i]:
                    same[postings[name]] = True
                near |= same & (row >= place_similarity)
            near &= np.abs(times - times[i]) <= link_days * 86400
            near[i] = False
            neighbours.append(np.flatnonzero(near))

    # Star clustering: best-connected first; a centre takes its unassigned neighbours.
    degree = np.array([len(nb) for nb in neighbours])
    assigned = np.full(n, -1)
    groups: list[list[int]] = []
    for i in np.argsort(-degree, kind="stable"):
        if assigned[i] >= 0 or degree[i] + 1 < min_size:
            continue
        members = [int(i)] + [int(j) for j in neighbours[i] if assigned[j] < 0]
        if len(members) < min_size:
            continue
        for j in members:
            assigned[j] = len(groups)
        groups.append(members)

    groups = _merge_groups(groups, x, spot_sets, times, similarity, place_similarity, link_days)
    spots = [sorted(names) for names in spot_sets]
    hotspots = [_describe(g, demands, docs, spots, x, vec, now, half_life_days, trend_days) for g in groups]
    hotspots.sort(key=lambda h: -h.heat)
    return hotspots[:top]


def _merge_groups(
    groups: list[list[int]],
    x: sp.csr_matrix,
    spot_sets: list[set[str]],
    times: np.ndarray,
    similarity: float,
    place_similarity: float,
    link_days: float,
) -> list[list[int]]:
    """Merge star clusters about the same matter (similar centroids, or same place)."""
    if len(groups) < 2:
        return groups
    rows = np.concatenate([np.full(len(g), k) for k, g in enumerate(groups)])
    cols = np.concatenate([np.asarray(g) for g in groups])
    member = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(groups), x.shape[0]))
    cents = l2_normalize(member @ x)
    sims = np.asarray((cents @ cents.T).toarray())
    parent = list(range(len(groups)))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    names = [set().union(*(spot_sets[i] for i in g)) for g in groups]
    spans = [(times[g].min(), times[g].max()) for g in groups]
    for a in range(len(groups)):
        for b in np.flatnonzero(sims[a, a + 1 :] >= place_similarity) + a + 1:
            gap = max(spans[a][0], spans[b][0]) - min(spans[a][1], spans[b][1])
            if gap > link_days * 86400:
                continue
            if sims[a, b] >= similarity or (names[a] & names[b] and sims[a, b] >= place_similarity + 0.1):
                parent[root(int(b))] = root(a)
    merged: dict[int, list[int]] = {}
    for k, g in enumerate(groups):
        merged.setdefault(root(k), []).extend(g)
    return list(merged.values())


def _phrases(doc: str, grams: list[str], limit: int = 5) -> list[str]:
    """Key phrases: maximal spans of ``doc`` covered by the group's top n-grams."""
    covered = np.zeros(len(doc), dtype=float)
    for rank, g in enumerate(grams):
        start = doc.find(g)
        while start >= 0:
            covered[start : start + len(g)] = np.maximum(covered[start : start + len(g)], len(grams) - rank)
            start = doc.find(g, start + 1)
    spans: list[tuple[float, str]] = []
    i = 0
    while i < len(doc):
        if covered[i] == 0:
            i += 1
            continue
        j = i
        while j < len(doc) and covered[j] > 0:
            j += 1
        text = doc[i:j].strip(" ，,。.、：:；;！!？?()（）[]")
        if 2 <= len(text) <= 16:
            spans.append((float(covered[i:j].sum()), text))
        i = j
    out: list[str] = []
    for _, text in sorted(spans, key=lambda t: -t[0]):
        if text not in out and not any(text in o for o in out):
            out.append(text)
        if len(out) == limit:
            break
    return out


def _describe(
    members: list[int],
    demands: Sequence[Demand],
    docs: list[str],
    spots: list[list[str]],
    x: sp.csr_matrix,
    vec: CharTfidf,
    now: datetime,
    half_life_days: float,
    trend_days: float,
) -> Hotspot:
    group = [demands[i] for i in members]
    centroid = np.asarray(x[members].sum(axis=0)).ravel() / len(members)
    sims = np.asarray(x[members] @ centroid).ravel()
    rep = members[int(np.argmax(sims))]
    place_counts = Counter(name for i in members for name in spots[i])
    place = (
        place_counts.most_common(1)[0][0] if place_counts and place_counts.most_common(1)[0][1] > 1 else ""
    )
    top_grams = [decode_key(int(vec.keys[f])) for f in np.argsort(-centroid)[:30] if centroid[f] > 0]
    keywords = _phrases(docs[rep][:300], top_grams)
    weights = []
    for d in group:
        age_days = max(0.0, (now - d.time).total_seconds() / 86400)
        weights.append((1 + math.log1p(max(d.support, 0))) * 0.5 ** (age_days / half_life_days))
    by_caller: dict[Hashable, list[float]] = {}
    for d, w in zip(group, weights, strict=True):
        by_caller.setdefault(d.caller if d.caller is not None else ("id", d.id), []).append(w)
    heat = sum(max(ws) + 0.2 * (sum(ws) - max(ws)) for ws in by_caller.values())
    recent_from = now - timedelta(days=trend_days)
    previous_from = now - timedelta(days=2 * trend_days)
    recent = sum(1 for d in group if recent_from < d.time <= now)
    previous = sum(1 for d in group if previous_from < d.time <= recent_from)
    if previous == 0:
        trend = "新出现" if recent else "持平"
    else:
        ratio = recent / previous
        trend = "上升" if ratio >= 1.5 else "下降" if ratio <= 0.67 else "持平"
    title = lead(docs[rep], max_chars=40)
    label = title
    order = sorted(range(len(group)), key=lambda k: group[k].time)
    return Hotspot(
        label=label,
        place=place,
        keywords=keywords,
        ids=[group[k].id for k in order],
        representative_id=demands[rep].id,
        count=len(group),
        callers=len(by_caller),
        support=sum(max(d.support, 0) for d in group),
        first=min(d.time for d in group),
        last=max(d.time for d in group),
        recent=recent,
        previous=previous,
        trend=trend,
        heat=heat,
        members=[group[k] for k in order],
    )
