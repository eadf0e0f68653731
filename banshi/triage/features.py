"""Character n-gram TF-IDF in numpy, fast enough for thousands of demands a second.

Equivalent to scikit-learn's ``TfidfVectorizer(analyzer="char", lowercase=False,
sublinear_tf=True, min_df=…)`` on already normalised text (tested), but n-grams are
packed into integers (21 bits per code point) and counted with vectorised numpy
instead of Python string slicing, which is 3–4x faster and keeps the vocabulary as one
sorted ``uint64`` array: small, picklable-free, saved with ``numpy.savez``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

_BITS = np.uint64(21)
NGramKeys = tuple[
    NDArray[np.uint64], NDArray[np.int64]
]  # every Unicode code point fits in 21 bits; three fit in 63.


def ngram_keys(texts: Sequence[str], ns: Sequence[int]) -> NGramKeys:
    """All character n-grams of ``texts`` as packed integer keys with their document index.

    A code point is never 0 in real text, so keys of different lengths never collide.
    N-grams never span two documents.
    """
    if not texts:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    cps = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lens)
    keys: list[NDArray[np.uint64]] = []
    docs: list[NDArray[np.int64]] = []
    for n in ns:
        m = len(cps) - n + 1
        if m <= 0:
            continue
        k = cps[:m].copy()
        for j in range(1, n):
            k = (k << _BITS) | cps[j : j + m]
        if n > 1:
            same = doc[:m] == doc[n - 1 : n - 1 + m]
            keys.append(k[same])
            docs.append(doc[:m][same])
        else:
            keys.append(k)
            docs.append(doc[:m])
    if not keys:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate(keys), np.concatenate(docs)


def decode_key(key: int) -> str:
    """The n-gram string of a packed key (for explanations)."""
    chars = []
    k = int(key)
    while k:
        chars.append(chr(k & 0x1FFFFF))
        k >>= 21
    return "".join(reversed(chars))


@dataclass
class CharTfidf:
    """Sublinear TF-IDF over character n-grams with a ``min_df`` vocabulary cut."""

    ngram_range: tuple[int, int] = (1, 3)
    min_df: int = 3
    keys: NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, np.uint64))
    idf: NDArray[np.float32] = field(default_factory=lambda: np.zeros(0, np.float32))

    @property
    def ns(self) -> range:
        return range(self.ngram_range[0], self.ngram_range[1] + 1)

    @property
    def n_features(self) -> int:
        return len(self.keys)

    def fit(self, texts: Sequence[str]) -> CharTfidf:
        k, d = ngram_keys(texts, self.ns)
        order = np.lexsort((d, k))
        k, d = k[order], d[order]
        first = np.ones(len(k), dtype=bool)
        first[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
        uniq, df = np.unique(k[first], return_counts=True)
        keep = df >= self.min_df
        self.keys = uniq[keep]
        n = len(texts)
        self.idf = (np.log((1.0 + n) / (1.0 + df[keep])) + 1.0).astype(np.float32)
        return self

    def counts(self, texts: Sequence[str], keys: NGramKeys | None = None) -> sp.csr_matrix:
        """Raw in-vocabulary n-gram counts (documents × features).

        ``keys`` may pass ``ngram_keys(texts, self.ns)`` computed once for several models.
        """
        k, d = keys if keys is not None else ngram_keys(texts, self.ns)
        nf = len(self.keys)
        if nf == 0 or len(k) == 0:
            return sp.csr_matrix((len(texts), nf), dtype=np.float32)
        pos = np.searchsorted(self.keys, k)
        pos[pos >= nf] = 0
        hit = self.keys[pos] == k
        m = sp.csr_matrix((np.ones(int(hit.sum()), np.float32), (d[hit], pos[hit])), shape=(len(texts), nf))
        m.sum_duplicates()
        return m

    def transform(self, texts: Sequence[str], keys: NGramKeys | None = None) -> sp.csr_matrix:
        """L2-normalised sublinear TF-IDF rows."""
        m = self.counts(texts, keys)
        m.data = (1.0 + np.log(m.data)) * self.idf[m.indices]
        return l2_normalize(m)


def l2_normalize(m: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row of a CSR matrix to unit Euclidean length (zero rows stay zero)."""
    m = sp.csr_matrix(m, dtype=np.float32)
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    norms = np.sqrt(np.bincount(rows, weights=m.data.astype(np.float64) ** 2, minlength=m.shape[0]))
    scale = np.zeros_like(norms)
    scale[norms > 0] = 1.0 / norms[norms > 0]
    m.data *= scale[rows].astype(np.float32)
    return m
