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

Key words are words, not character fragments: the members' texts are cut by jieba (its
dictionary ships inside the package; ``data/userdict.txt`` adds legal and government words),
without its HMM guesser, so only dictionary words come out. A word is a candidate when it is a
noun, verb or idiom of two or more Chinese characters and not a stop word (您好, 反映, 问题 …);
it scores by the share of the group's demands using it times its rarity in general Chinese
(``log(total / frequency)`` from jieba's dictionary), so "搅拌站" beats "小区". The place is the
commonest named spot (``xx小区``, ``xx路`` from the address first, then the text) after the
demands' region, e.g. "海港区·丽发新城".
"""

from __future__ import annotations

import math
import os
import re
import threading
import warnings
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from banshi.triage.features import CharTfidf, l2_normalize
from banshi.triage.text import _SPOT_BREAK, lead, normalize, places

USER_DICT = Path(__file__).resolve().parent / "data" / "userdict.txt"
USER_FREQ = 1000  # the frequency of a user-dictionary word given none (enough to be cut out whole)


@dataclass(frozen=True)
class Demand:
    """One demand as hot-spot detection sees it."""

    id: Hashable
    text: str
    time: datetime
    support: int = 0  # up-votes, co-signers, follow-up calls …
    caller: str | None = None
    place: str | None = None  # a place key; derived from the address and text when None
    address: str = ""  # the demand's address (地址), read for named spots first
    region: str = ""  # the name of the demand's region (行政区划), e.g. "海港区"
    areas: tuple[str, ...] = ()  # the region and the regions above it, narrowest first (社区, 街道, 区)
    open: bool = True  # still being handled: the representative is the newest open demand


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


def _spot_names(doc: str) -> list[str]:
    """Named spots of a text (not administrative units), in the text's order, a trailing 小区 dropped."""
    out: list[str] = []
    for p in places(doc):
        if p[-1] in "市县区省":
            continue
        name = p[:-2] if p.endswith("小区") and len(p) > 3 else p
        if name not in _GENERIC_SPOTS and name not in out:
            out.append(name)
    return out


# An address read as its parts, broadest first: 海港区 | 文化路 | 幸福里小区 | 3号楼.
_ADDRESS_PART = re.compile(
    r".+?(?:自治区|省|市|自治州|区|县|街道|镇|乡|社区|村|大街|大道|路|街|巷|胡同|小区|花园|家园|公寓|大厦|广场|新城|"
    r"苑|园|里|号院|号楼|号|栋|幢|单元|室|层|楼)(?:街道|社区|镇|乡)?"  # "西港路街道" is one part
)
_ADDRESS_NOT_SPOT = re.compile(r"(?:自治区|省|市|自治州|(?<!小)区|县|街道|镇|乡|社区)$")
_ADDRESS_NUMBER = re.compile(r"[\dA-Za-z\-－#]+(?:号院|号楼|号|栋|幢|单元|室|层|楼)$")


def _address_spots(address: str) -> list[str]:
    """The named spots of an address (roads, estates, villages), in its order."""
    parts: list[str] = []
    for m in _ADDRESS_PART.finditer(address):
        part = m.group(0)
        if parts and (len(part) <= 2 and not part[0].isdigit()):  # "幸福里" + "小区": one name
            parts[-1] += part
        else:
            parts.append(part)
    out = []
    for whole in parts:
        part = _ADDRESS_NUMBER.sub("", whole)
        if _ADDRESS_NOT_SPOT.search(part) or len(part) < 3:
            continue
        name = part[:-2] if part.endswith("小区") and len(part) > 3 else part
        if name not in _GENERIC_SPOTS:
            out.append(name)
    return out


def _demand_spots(demand: Demand, doc: str) -> list[str]:
    """The named spots of a demand, broadest first: its place key, or the spots of its address
    (in the address's order: road before estate) and then those of its text."""
    if demand.place:
        return [demand.place]
    names = _address_spots(normalize(demand.address, mask=False)) if demand.address else []
    return list(dict.fromkeys([*names, *(_extend_left(doc, n) for n in _spot_names(doc))]))


def _extend_left(doc: str, name: str) -> str:
    """A spot the text's place finder clipped ("设大街" of "建设大街") with its first character back,
    when that character and the next form a dictionary word."""
    at = doc.find(name)
    if at <= 0 or doc[at - 1] not in _SPOT_BREAK or doc[at - 1] in _FUNCTION_CHARS:
        return name
    words = Words.get()
    word = doc[at - 1] + name[0]
    return doc[at - 1] + name if words.freq.get(word) and words.tags.get(word) in {"n", "ns", "nz", "vn"} else name


def _admin_names(demand: Demand, doc: str) -> list[str]:
    """The administrative areas of a demand, narrowest first: its region and those above it, else
    the districts it names."""
    if demand.areas:
        return list(demand.areas)
    if demand.region:
        return [demand.region]
    named = places(normalize(demand.address)) if demand.address else []
    named += places(doc[:300])
    return [p for p in named if p[-1] in "区县"][:1] or [p for p in named if p[-1] == "市"][:1]


# -- words ---------------------------------------------------------------------------------------

# Parts of speech (jieba's tags) a key word may have: nouns, verbs, abbreviations, idioms.
KEYWORD_TAGS = frozenset({"n", "nz", "nt", "nl", "ng", "vn", "v", "j", "an"})
# Dictionary words rarer than this are as rare as it: the shipped dictionary's rarest entries
# are often odd ("带我去" n 3), and real matters are never that rare in a group.
RARE_FREQ = 100
# Words every demand uses (greetings, the act of complaining, the parties asked to act).
_STOP_TEXT = """
您好 你好 请问 反映 反应 问题 希望 领导 谢谢 感谢 尊敬 市长 书记 网友 政府 部门 有关部门 相关部门 职能部门
处理 解决 要求 请求 恳请 情况 事情 事件 现在 目前 一直 已经 没有 进行 存在 影响 严重 关注 帮助 帮忙 能否 是否
可以 需要 知道 告知 回复 答复 询问 咨询 了解 表示 认为 觉得 发现 导致 造成 出现 得到 给予 保障 落实 工作 单位
人员 本人 我们 大家 自己 市民 群众 居民 百姓 老百姓 时间 时候 地方 今年 去年 日期 左右 方面 原因 结果 办法
措施 规定 相关 有关 来电 来信 留言 反馈 核实 调查 说明 情况反映 诉求 投诉 举报 建议 求助 申请 办理 负责 联系
电话 手机 号码 姓名 地址 位置 附近 周边 旁边 对面 门口 楼下 情况属实 属实 当地 该村 该小区 此事 此类 这种
这个 那个 什么 怎么 为什么 如何 多次 经常 每天 晚上 白天 上午 下午 半夜 凌晨 生活 正常 休息 居住 使用 发生
小区 社区 街道 单位 公司 有限公司 问问 好事 公家 加快 覆盖 帮帮我 帮帮 麻烦 一下 一个 一些 很多 非常 特别 还是 但是 因为 所以 如果 不是 不能 不要 不会 只能 只有 无法 不了 不到 能够 应该
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")


class Words:
    """jieba's shipped dictionary plus ours, loaded once per process on first use (~1.5 s)."""

    _lock = threading.Lock()
    _instance: Words | None = None

    def __init__(self) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # jieba imports pkg_resources, deprecated in newer setuptools
            import jieba

        freq: dict[str, int] = {}
        tags: dict[str, str] = {}
        total = 0
        # One pass over the shipped dictionary: word frequencies with every prefix (what jieba's
        # own loader builds, which would also write a cache file under /tmp) and parts of speech.
        with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                if len(parts) < 2:
                    continue
                word, count = parts[0], int(parts[1])
                freq[word] = count
                if len(parts) > 2:
                    tags[word] = parts[2]
                total += count
                for end in range(1, len(word)):
                    freq.setdefault(word[:end], 0)
        for word, own, tag in self._user_words(USER_DICT):
            old = freq.get(word, 0)
            new = own if own is not None else max(old, USER_FREQ)
            freq[word] = new
            total += new - old
            for end in range(1, len(word)):
                freq.setdefault(word[:end], 0)
            if tag:
                tags[word] = tag
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = freq, total, True  # nothing read, nothing cached
        self.tokenizer, self.freq, self.tags, self.total = tokenizer, freq, tags, total

    @staticmethod
    def _user_words(path: Path) -> Iterable[tuple[str, int | None, str]]:
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            count = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else ""
            yield parts[0], count, tag

    @classmethod
    def get(cls) -> Words:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def cut(self, text: str) -> list[str]:
        """The dictionary words of ``text`` (unknown runs fall apart into single characters)."""
        return list(self.tokenizer.cut(text, HMM=False))

    def candidates(self, text: str) -> list[str]:
        """The words of ``text`` that may be key words, as often as they occur."""
        return [w for w in self.cut(text) if _HAN_WORD.match(w) and w not in STOP_WORDS
                and self.tags.get(w) in KEYWORD_TAGS]

    def rarity(self, word: str) -> float:
        return math.log(self.total / max(self.freq.get(word, 0), RARE_FREQ))


def keywords(texts: Sequence[str], *, limit: int = 5, exclude: Iterable[str] = ()) -> list[str]:
    """The key words of a group of texts: words two or more of them use, rare in general
    Chinese first; a word inside a chosen longer one (or containing it) is left out, and so
    are the words of ``exclude`` (the group's place names)."""
    if not texts:
        return []
    words = Words.get()
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    for text in texts:
        found = words.candidates(text)
        df.update(set(found))
        tf.update(found)
    skip = [e for e in exclude if e]

    def score(w: str) -> float:
        noun = words.tags.get(w, "").startswith("n")
        return (df[w] / len(texts)) * words.rarity(w) * (1.0 if noun else 0.6) * (1 + math.log(tf[w] / df[w]))

    usable = [w for w in df if not any(w in e or e in w for e in skip)]
    shared = sorted((w for w in usable if df[w] >= 2), key=lambda w: (-score(w), w))
    # A word of one demand only describes the group when too few are shared (nouns only then).
    single = sorted((w for w in usable if df[w] == 1 and words.tags.get(w, "").startswith("n")),
                    key=lambda w: (-score(w), w))
    out: list[str] = []
    for w in [*shared, *single] if len(texts) > 1 else sorted(usable, key=lambda w: (-score(w), w)):
        if any(w in o or o in w for o in out):
            continue
        out.append(w)
        if len(out) == limit:
            break
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
    spots = [_demand_spots(d, doc) for d, doc in zip(demands, docs, strict=True)]
    spot_sets = [set(names) for names in spots]
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
    described = [(_describe(g, demands, docs, x, now, half_life_days, trend_days), g) for g in groups]
    described.sort(key=lambda hg: -hg[0].heat)
    hottest = described[:top]
    # Words and places only for the groups shown (segmenting is the costly part).
    for hotspot, members in hottest:
        area, spot = _place(members, demands, docs, spots)
        hotspot.place = f"{area}·{spot}" if area and spot and spot not in area and area not in spot else area or spot
        newest = sorted(members, key=lambda i: demands[i].time, reverse=True)[:KEYWORD_SAMPLE]
        hotspot.keywords = keywords([docs[i][:KEYWORD_CHARS] for i in newest], exclude=(area, spot))
    return [h for h, _ in hottest]


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


KEYWORD_SAMPLE = 60  # the newest members whose texts give a hot spot's key words (bounded work)
KEYWORD_CHARS = 400
_SPOT_INNER = re.compile(r"^.{0,6}?(?:街道|社区|镇|乡|村|路|街)(?=.{2,})")
_FUNCTION_CHARS = frozenset("但在的和与及对把被从向到就也都还又是将给让往于")
_NOT_A_NAME_START = frozenset({"c", "d", "p", "r", "m", "q", "u", "f", "b", "v", "vd", "ad", "t", "y", "e", "o"})


def _spot_clean(words: Words, spot: str) -> str:
    """A named spot without what the text put in front of it ("云塘街道丽发新城" → "丽发新城",
    "但中小学" → ""): inner administrative parts and leading function words go; a generic
    remainder ("中小学", "市场") is no name."""
    for _ in range(3):  # "西港路街道铁路新村" → "街道铁路新村" → "铁路新村"
        inner = _SPOT_INNER.match(spot)
        if not inner:
            break
        spot = spot[inner.end():]
    cut = words.cut(spot)
    # Single characters are mostly parts of names the dictionary does not know ("丽/发/新城"):
    # only words, and the function characters, are taken for what the text put around the name.
    while len(cut) > 1 and ((len(cut[0]) > 1 and words.tags.get(cut[0], "") in _NOT_A_NAME_START)
                            or cut[0] in _FUNCTION_CHARS):
        cut = cut[1:]
    if any(len(w) > 1 and words.tags.get(w, "") in {"v", "c", "p", "d", "r", "u", "ul", "uj"} for w in cut[1:-1]):
        return ""  # a phrase of the text ("人行道包括路"), not a name
    name = "".join(cut)
    if len(name) > 2 and name[-1] == name[-2] and name[-1] in "路街村园苑":
        name = name[:-1]  # "小塘路路灯" gave "小塘路路"
    if len(name) < 3 or name in _GENERIC_SPOTS or words.tags.get(name, "ns") not in {"ns", "nz", "nt"}:
        return ""  # a common word ("初级中学", "中小学") is no name
    return name


def _area_ok(words: Words, name: str) -> bool:
    """An administrative name as regions are named: an anonymised code (A3区) or a place word."""
    if re.fullmatch(r"[A-Z]\d{0,2}[市县区]", name):
        return True
    stem = words.cut(name[:-1])
    return len(stem) == 1 and words.tags.get(stem[0], "") in {"ns", "n", "nz", "j"}


def _place(members: list[int], demands: Sequence[Demand], docs: list[str], spots: list[list[str]]) -> tuple[str, str]:
    """The group's area (its demands' commonest region) and its named spot (shared by two or more)."""
    words = Words.get()
    # The narrowest area that half the group shares (the 社区, else the 街道, else the 区); when
    # none, the commonest of the broadest with how many there are ("海港区等3地").
    chains = []
    for i in members:
        d = demands[i]
        chains.append([a for a in _admin_names(d, docs[i]) if d.areas or d.region or _area_ok(words, a)])
    area = ""
    levels = max((len(c) for c in chains), default=0)
    for level in range(levels):
        areas = Counter(c[level] if level < len(c) else c[-1] for c in chains if c)
        if not areas:
            break
        (top, n), others = areas.most_common(1)[0], len(areas) - 1
        if n * 2 >= len(members) or not others:
            area = top
            break
        if level == levels - 1:
            area = f"{top}等{others + 1}地"
    # The spot most of the group names; between equally common ones a named spot before a
    # street-level area, then the most specific (later in an address: the estate, not its road).
    spot_counts: Counter[str] = Counter()
    depth: dict[str, int] = {}
    for i in members:
        cleaned = [name for name in (_spot_clean(words, s) for s in spots[i]) if name]
        for k, name in enumerate(dict.fromkeys(cleaned)):
            spot_counts[name] += 1
            depth[name] = max(depth.get(name, 0), k)
    # One name written two ways ("设大街" clipped from "建设大街", "搅拌站丽发新城" run on from
    # "丽发新城") counts once, for the commoner way (the longer one when as common).
    for name in sorted(spot_counts, key=len):
        if name not in spot_counts:
            continue
        longer = next((o for o in spot_counts if o != name and o.endswith(name)), None)
        if longer:
            keep, drop = (longer, name) if spot_counts[longer] >= spot_counts[name] else (name, longer)
            spot_counts[keep] += spot_counts.pop(drop)
            depth[keep] = max(depth[keep], depth.pop(drop))
    best = max(spot_counts, key=lambda name: (spot_counts[name], not name.endswith(("街道", "镇", "乡")), depth[name]),
               default="")
    return area, best if best and spot_counts[best] > 1 else ""


_HALF_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}


def _chinese_punctuation(text: str) -> str:
    """Normalised text has half-width punctuation (NFKC); a label for people gets the full-width
    marks back between Chinese characters ("联系不上,请" → "联系不上，请")."""
    return re.sub(r"(?<=[\u4e00-\u9fff])[,;:?!()](?=[\u4e00-\u9fff]|$)|(?<=[\u4e00-\u9fff])[,;:?!)]",
                  lambda m: _HALF_WIDTH[m.group(0)], text)


def _describe(
    members: list[int],
    demands: Sequence[Demand],
    docs: list[str],
    x: sp.csr_matrix,
    now: datetime,
    half_life_days: float,
    trend_days: float,
) -> Hotspot:
    """A group's counts, trend, heat, label and representative (its place and words come later)."""
    group = [demands[i] for i in members]
    centroid = np.asarray(x[members].sum(axis=0)).ravel() / len(members)
    sims = np.asarray(x[members] @ centroid).ravel()
    central = members[int(np.argmax(sims))]
    # "查看" opens the newest demand still being handled (never a withdrawn or closed one when
    # an open one exists); the label is the most typical demand's opening phrase.
    open_members = [i for i in members if demands[i].open] or members
    rep = max(open_members, key=lambda i: demands[i].time)
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
    order = sorted(range(len(group)), key=lambda k: group[k].time)
    return Hotspot(
        label=_chinese_punctuation(lead(docs[central], max_chars=40)),
        place="",
        keywords=[],
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
