"""Near-duplicate demands: scoring candidates and a SimHash index for large stores.

Two layers:

* :func:`find_duplicates` scores a new demand against candidate demands the database
  pre-selected (same caller, same region, recent): exact character n-gram similarity
  (cosine, or containment when one text is a cut-down copy of the other), plus small
  bonuses for the same caller and the same place, within a time window.
* :class:`SimHashIndex` keeps a 128-bit SimHash per stored demand (16 bytes; 16 MB for a
  million demands) and answers "which stored demands look like this text" by a vectorised
  Hamming scan — a few milliseconds for a million fingerprints on one core.

Texts are compared in the normalised form (:func:`banshi.triage.text.normalize`) with
punctuation and whitespace removed, so traditional/simplified, full-width forms, different
phone numbers and spacing do not hide a duplicate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from banshi.triage.features import ngram_keys
from banshi.triage.text import normalize, place_key

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_SALT = np.uint64(0xD6E8FEB86659FD93)
_BIT_SHIFTS = np.arange(64, dtype=np.uint64)
FINGERPRINT_BITS = 128


def comparable(text: str, *, normalized: bool = False) -> str:
    """The form compared for duplicates: normalised, without punctuation or spaces."""
    t = text if normalized else normalize(text)
    return _PUNCT.sub("", t)


def _splitmix(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        z = x + _M1
        z = (z ^ (z >> np.uint64(30))) * _M2
        z = (z ^ (z >> np.uint64(27))) * _M3
        return z ^ (z >> np.uint64(31))


def _gram_counts(text: str, n: int = 3) -> tuple[NDArray[np.uint64], NDArray[np.int64]]:
    ns = (n,) if len(text) >= n else (len(text),) if text else ()
    keys, _ = ngram_keys([text], ns) if ns else (np.zeros(0, np.uint64), None)
    uniq, counts = np.unique(keys, return_counts=True)
    return uniq, counts.astype(np.int64)


def fingerprint(text: str, *, normalized: bool = False) -> tuple[int, int]:
    """128-bit SimHash of a demand's character 3-grams (log-tf weighted), as two ints."""
    keys, counts = _gram_counts(comparable(text, normalized=normalized))
    if len(keys) == 0:
        return (0, 0)
    weights = 1.0 + np.log(counts.astype(np.float64))
    out = []
    for salt in (np.uint64(0), _SALT):
        h = _splitmix(keys ^ salt)
        bits = ((h[:, None] >> _BIT_SHIFTS[None, :]) & np.uint64(1)).astype(np.float64)
        v = weights @ (2.0 * bits - 1.0)
        word = 0
        for i in np.flatnonzero(v > 0):
            word |= 1 << int(i)
        out.append(word)
    return (out[0], out[1])


def hamming_similarity(distance: int | float) -> float:
    """Cosine similarity estimated from the Hamming distance of two 128-bit SimHashes."""
    return math.cos(math.pi * float(distance) / FINGERPRINT_BITS)


def text_similarity(a: str, b: str, *, normalized: bool = False) -> float:
    """Similarity in [0, 1] of two demands' texts.

    Cosine of character 2+3-gram counts; when the shorter text (≥ 20 characters) is
    mostly contained in the longer one (a truncated or extended copy), the containment
    of its 3-grams counts instead, if higher.
    """
    ca, cb = comparable(a, normalized=normalized), comparable(b, normalized=normalized)
    if not ca or not cb:
        return 0.0
    if ca == cb:
        return 1.0
    ka, da = ngram_keys([ca, cb], (2, 3))
    uniq, inv = np.unique(ka, return_inverse=True)
    counts = np.zeros((2, len(uniq)))
    np.add.at(counts, (da, inv), 1.0)
    na, nb = np.linalg.norm(counts[0]), np.linalg.norm(counts[1])
    cos = float(counts[0] @ counts[1] / (na * nb)) if na and nb else 0.0
    short, long_ = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
    if len(short) >= 20:
        ks, _ = _gram_counts(short)
        kl, _ = _gram_counts(long_)
        containment = float(np.isin(ks, kl).mean()) if len(ks) else 0.0
        cos = max(cos, 0.95 * containment)
    return min(1.0, cos)


@dataclass(frozen=True)
class Candidate:
    """A stored demand the database proposes as a possible duplicate."""

    id: Hashable
    text: str
    phone: str | None = None
    place: str | None = None  # a place key; derived from the text when None
    time: datetime | None = None


@dataclass(frozen=True)
class DuplicateLink:
    """A stored demand that the new one duplicates, with why."""

    id: Hashable
    score: float
    text_similarity: float
    same_caller: bool
    same_place: bool
    days_apart: float | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 4),
            "text_similarity": round(self.text_similarity, 4),
            "same_caller": self.same_caller,
            "same_place": self.same_place,
            "days_apart": None if self.days_apart is None else round(self.days_apart, 2),
            "reason": self.reason,
        }


def _digits(phone: str | None) -> str:
    return re.sub(r"\D", "", phone or "")[-11:]


def find_duplicates(
    text: str,
    candidates: Iterable[Candidate | tuple[Any, ...]],
    *,
    phone: str | None = None,
    place: str | None = None,
    time: datetime | None = None,
    threshold: float = 0.55,
    window_days: float = 90.0,
    limit: int = 5,
) -> list[DuplicateLink]:
    """Candidates that the new demand near-duplicates, best first.

    ``candidates`` are :class:`Candidate` objects or ``(id, text, phone, place, time)``
    tuples (trailing fields optional).

    A candidate links when its text similarity reaches ``threshold``, or
    ``threshold - 0.15`` for the same caller (same phone number), or ``threshold - 0.1``
    for the same place; candidates more than ``window_days`` apart in time are skipped
    when both times are known. ``score`` = similarity + 0.15 (same caller) + 0.1
    (same place), capped at 1.
    """
    doc = normalize(text)
    my_phone = _digits(phone)
    my_place = place if place is not None else place_key(doc)
    links: list[DuplicateLink] = []
    for raw in candidates:
        cand = raw if isinstance(raw, Candidate) else Candidate(*raw)
        days = None
        if time is not None and cand.time is not None:
            days = abs((time - cand.time).total_seconds()) / 86400.0
            if days > window_days:
                continue
        sim = text_similarity(doc, normalize(cand.text), normalized=True)
        same_caller = bool(my_phone) and my_phone == _digits(cand.phone)
        cand_place = cand.place if cand.place is not None else place_key(normalize(cand.text))
        same_place = bool(my_place) and my_place == cand_place
        need = threshold - (0.15 if same_caller else 0.0) - (0.1 if same_place and not same_caller else 0.0)
        if sim < need:
            continue
        parts = [f"文本相似度{sim:.2f}"]
        if same_caller:
            parts.append("同一来电人")
        if same_place:
            parts.append(f"同一地点（{cand_place}）")
        if days is not None:
            parts.append(f"相隔{days:.1f}天")
        score = min(1.0, sim + (0.15 if same_caller else 0.0) + (0.1 if same_place else 0.0))
        links.append(DuplicateLink(cand.id, score, sim, same_caller, same_place, days, "，".join(parts)))
    links.sort(key=lambda link: -link.score)
    return links[:limit]


class SimHashIndex:
    """In-memory 128-bit SimHash index for near-duplicate lookup among many demands.

    ``add`` appends (amortised O(1)); ``query`` scans all fingerprints with vectorised
    XOR + popcount, optionally restricted to a time range, and returns the closest ids.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._fp = np.zeros((capacity, 2), dtype=np.uint64)
        self._time = np.full(capacity, np.nan)
        self._ids: list[Hashable] = []

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def nbytes(self) -> int:
        n = len(self)
        return int(self._fp[:n].nbytes + self._time[:n].nbytes)

    def _grow(self, need: int) -> None:
        if need <= len(self._fp):
            return
        size = max(need, 2 * len(self._fp))
        fp = np.zeros((size, 2), dtype=np.uint64)
        fp[: len(self)] = self._fp[: len(self)]
        tm = np.full(size, np.nan)
        tm[: len(self)] = self._time[: len(self)]
        self._fp, self._time = fp, tm

    def add(
        self,
        id_: Hashable,
        text: str | None = None,
        *,
        fp: tuple[int, int] | None = None,
        time: datetime | None = None,
    ) -> None:
        if fp is None:
            if text is None:
                raise ValueError("give text or fp")
            fp = fingerprint(text)
        n = len(self)
        self._grow(n + 1)
        self._fp[n] = (np.uint64(fp[0]), np.uint64(fp[1]))
        self._time[n] = time.timestamp() if time is not None else np.nan
        self._ids.append(id_)

    def add_fingerprints(
        self, ids: Sequence[Hashable], fps: NDArray[np.uint64], times: NDArray[np.float64] | None = None
    ) -> None:
        """Bulk load: ``fps`` is an (n, 2) uint64 array, ``times`` POSIX seconds or NaN."""
        n, m = len(self), len(ids)
        self._grow(n + m)
        self._fp[n : n + m] = fps
        if times is not None:
            self._time[n : n + m] = times
        self._ids.extend(ids)

    def query(
        self,
        text: str | None = None,
        *,
        fp: tuple[int, int] | None = None,
        k: int = 10,
        max_distance: int = 36,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[tuple[Hashable, float]]:
        """Up to ``k`` stored ids within ``max_distance`` bits, with estimated similarity."""
        if fp is None:
            if text is None:
                raise ValueError("give text or fp")
            fp = fingerprint(text)
        n = len(self)
        if n == 0:
            return []
        q = np.array(fp, dtype=np.uint64)
        x = self._fp[:n] ^ q
        dist = np.bitwise_count(x[:, 0]).astype(np.int16) + np.bitwise_count(x[:, 1])
        ok = dist <= max_distance
        if since is not None:
            ok &= ~(self._time[:n] < since.timestamp())
        if until is not None:
            ok &= ~(self._time[:n] > until.timestamp())
        idx = np.flatnonzero(ok)
        if len(idx) > k:
            idx = idx[np.argpartition(dist[idx], k - 1)[:k]]
        idx = idx[np.argsort(dist[idx], kind="stable")]
        return [(self._ids[int(i)], hamming_similarity(int(dist[i]))) for i in idx]
