"""Dispatchers' corrections (``triage.TriageLabel``) as training data for the routing catalogue model.

Every time a dispatcher routes a case elsewhere than the suggestion, ``case_dispatch`` stores a
labelled example. The live catalogue model (:func:`banshi.triage.integration.catalogue_model`)
takes the usable ones as extra examples of the catalogue item they point to, so the next
suggestion for a similar demand follows the dispatchers. ``banshi triage train
--from-corrections --out DIR`` writes that same model to a directory for inspection and
``banshi triage corrections`` exports the corrections (masked) as CSV.

Which item a correction teaches (:func:`corrections_select`):

* the dispatcher named a category (``category`` differs from the suggested one; the API
  allows it) that is an active catalogue item code: that item, whatever the unit's agency;
* the category is only carried over from the suggestion (the dispatch desk picks a unit, not
  an item, so ``category`` stays the suggested one) while the agency changed: the item of the
  chosen agency that the catalogue-only model finds most likely for the text (emergency items,
  which only the rules reach, are left out). Taking the carried-over category itself would
  teach the very suggestion the dispatcher rejected;
* anything else is ignored and counted: a named category that is not an active item, an
  agency without items, neither agency nor category changed, an empty text, an older
  correction of the same text (the newest wins), one beyond the per-item cap. The summary
  counts by the agency of the unit the dispatcher chose (``TriageLabel.agency``).

The model side (:func:`catalogue_train`, saving and loading) needs no database.

Bounds, so that the live model still builds in about a second (5,000 stored corrections;
integration.py rebuilds for new corrections at most every 10 minutes, while the other
threads keep the current model): the
newest :data:`READ_LIMIT` corrections are read; at most :data:`PER_ITEM` per item are used,
newest first; each text counts with its first :data:`TEXT_CHARS` characters (normalised, so
phone, ID and bank numbers are already masked); and the vocabulary adds at most
:data:`MAX_NEW_FEATURES` n-grams beyond the catalogue's own, the ones found in most
corrections (long demands would otherwise add hundreds of thousands of single-use n-grams
and as many columns to every class's weights).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.utils import timezone

from banshi.core.privacy import mask_text
from banshi.triage.catalogue import AGENCY_NAMES, EMERGENCY_ITEMS, catalogue_as_dicts
from banshi.triage.catalogue import CatalogueItem as ItemSpec
from banshi.triage.features import CharTfidf, ngram_keys
from banshi.triage.model import MODEL_FORMAT, CatalogueModel, LinearTextModel
from banshi.triage.text import mask_pii, normalize

READ_LIMIT = 5000  # newest corrections read for one build
PER_ITEM = 20  # corrections used per catalogue item, newest first
TEXT_CHARS = 500  # of each normalised correction text
MAX_NEW_FEATURES = 50_000  # n-grams beyond the catalogue's, by document frequency
_CHUNK = 256  # corrections per inference batch
WEIGHT = 1.0  # of a correction, as of a catalogue example (names and examples 1.0, keywords 0.6)
# CatalogueModel.train's defaults; tests check that catalogue_train without corrections equals it.
ALPHA = 0.3
SCALE = 7.5
KEYWORD_WEIGHT = 0.6

CSV_COLUMNS = ("created_at", "text", "agency", "category", "suggested_agency", "suggested_category")

# Why a correction was not used (keys of CorrectionsSummary.ignored), with the Chinese label printed.
IGNORED_REASONS: dict[str, str] = {
    "unknown_category": "所选事项不在启用的事项目录中",
    "no_item_for_agency": "所选条线没有可用事项",
    "no_change": "条线与事项均未改变",
    "empty": "内容为空",
    "duplicate": "同一内容已有更新的纠正",
    "over_cap": "超过每个事项的条数上限",
}


@dataclass
class CorrectionsSummary:
    """What one selection did with the corrections it read."""

    read: int = 0
    used: int = 0
    resolved_by_agency: int = 0  # of ``used``: item inferred from the chosen agency
    ignored: dict[str, int] = field(default_factory=dict)
    by_agency: dict[str, dict[str, int]] = field(default_factory=dict)  # agency -> used / ignored
    by_item: dict[str, int] = field(default_factory=dict)
    per_item: int = PER_ITEM
    read_limit: int = READ_LIMIT
    total: int = 0  # corrections stored (``read`` is at most ``read_limit`` of them)

    def _count(self, agency: str, key: str) -> None:
        slot = self.by_agency.setdefault(agency or "", {"used": 0, "ignored": 0})
        slot[key] += 1

    def use(self, agency: str, code: str, *, resolved: bool) -> None:
        self.used += 1
        self.resolved_by_agency += int(resolved)
        self.by_item[code] = self.by_item.get(code, 0) + 1
        self._count(agency, "used")

    def ignore(self, agency: str, reason: str) -> None:
        self.ignored[reason] = self.ignored.get(reason, 0) + 1
        self._count(agency, "ignored")

    @property
    def n_ignored(self) -> int:
        return sum(self.ignored.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "read": self.read,
            "used": self.used,
            "resolved_by_agency": self.resolved_by_agency,
            "ignored": dict(sorted(self.ignored.items())),
            "by_agency": {k: self.by_agency[k] for k in sorted(self.by_agency)},
            "by_item": dict(sorted(self.by_item.items())),
            "per_item": self.per_item,
            "read_limit": self.read_limit,
        }

    def lines(self) -> list[str]:
        """The summary printed by ``banshi triage train --from-corrections`` (Chinese)."""
        out = [
            f"纠正记录：共{self.total}条，读取最新{self.read}条；采用{self.used}条"
            f"（其中{self.resolved_by_agency}条按所选条线推定事项），未采用{self.n_ignored}条"
        ]
        for reason, n in sorted(self.ignored.items(), key=lambda kv: -kv[1]):
            out.append(f"  未采用·{IGNORED_REASONS.get(reason, reason)}：{n}")
        for agency in sorted(self.by_agency):
            slot = self.by_agency[agency]
            name = AGENCY_NAMES.get(agency, agency or "未知")
            out.append(f"  {name}（{agency or '-'}）：采用{slot['used']}，未采用{slot['ignored']}")
        full = sorted(code for code, n in self.by_item.items() if n >= self.per_item)
        if full:
            out.append(f"  达到每事项上限{self.per_item}条的事项：" + "、".join(full))
        return out


def corrections_stamp() -> int | None:
    """Changes whenever a correction is stored: the newest id (one index probe, checked once a
    minute per process; corrections are never deleted by the application)."""
    from django.db.models import Max

    from banshi.triage.models import TriageLabel

    return TriageLabel.objects.aggregate(last=Max("id"))["last"]


def _emergency_codes() -> set[str]:
    return set(EMERGENCY_ITEMS.values())


def corrections_select(
    items: Sequence[ItemSpec],
    base: CatalogueModel | Callable[[], CatalogueModel] | None = None,
    *,
    per_item: int = PER_ITEM,
    limit: int = READ_LIMIT,
) -> tuple[list[tuple[str, str]], CorrectionsSummary]:
    """The usable corrections as ``(normalised text, item code)``, newest first, and a summary.

    ``base`` (a model or a function making one; default: trained from ``items``) is the
    catalogue-only model that infers the item of a correction that changed only the agency;
    it is made only when such a correction may still be used. Work per correction stops as
    soon as it is known to be over the cap, so reading many corrections stays cheap.
    """
    from banshi.triage.models import TriageLabel

    by_code = {item.code: item for item in items}
    emergency = _emergency_codes()
    agency_codes: dict[str, list[str]] = {}
    for item in items:
        if item.code not in emergency:
            agency_codes.setdefault(item.agency, []).append(item.code)
    summary = CorrectionsSummary(per_item=per_item, read_limit=limit)
    summary.total = TriageLabel.objects.count()
    rows = list(
        TriageLabel.objects.order_by("-created_at", "-id").values_list(
            "text", "agency", "category", "suggested_agency", "suggested_category"
        )[:limit]
    )
    summary.read = len(rows)
    per: dict[str, int] = {}
    model: CatalogueModel | None = None
    out: list[tuple[str, str]] = []
    seen: set[str] = set()

    def full(codes: Iterable[str]) -> bool:
        return all(per.get(c, 0) >= per_item for c in codes)

    for start in range(0, len(rows), _CHUNK):
        # (doc, agency, item code, or None when it is to be inferred from the agency), newest first
        pending: list[tuple[str, str, str | None]] = []
        for text, agency, category, suggested_agency, suggested_category in rows[start : start + _CHUNK]:
            raw = (text or "").strip()
            if raw in seen:
                summary.ignore(agency, "duplicate")  # a newer correction of the same text decided
                continue
            seen.add(raw)
            chosen = (category or "").strip()
            code: str | None
            if chosen and chosen != (suggested_category or "").strip():
                # The dispatcher named the matter: it counts if the catalogue has it.
                if chosen not in by_code:
                    summary.ignore(agency, "unknown_category")
                    continue
                code = chosen
            elif agency == (suggested_agency or ""):
                summary.ignore(agency, "no_change")
                continue
            elif not agency_codes.get(agency):
                summary.ignore(agency, "no_item_for_agency")
                continue
            else:
                code = None  # only the agency changed: the item is inferred below
            if full([code] if code else agency_codes[agency]):
                summary.ignore(agency, "over_cap")
                continue
            doc = normalize(raw[: TEXT_CHARS + 200])[:TEXT_CHARS].strip()
            if not doc:
                summary.ignore(agency, "empty")
                continue
            pending.append((doc, agency, code))

        unresolved = [i for i, (_, _, code) in enumerate(pending) if code is None]
        resolved: dict[int, str] = {}
        if unresolved:
            if model is None:
                model = base() if callable(base) else (base or CatalogueModel.train(items))
            docs = [pending[i][0] for i in unresolved]
            scores = model.model.decision(model.model.features(docs))
            hits = model._keyword_hits(docs)
            column = {c: j for j, c in enumerate(model.model.classes)}
            for row, i in enumerate(unresolved):
                codes = [c for c in agency_codes[pending[i][1]] if c in column]
                # The same score as CatalogueModel.predict, among the chosen agency's items.
                values = [scores[row, column[c]] + min(len(set(hits[row][column[c]])), 3) * model.keyword_boost
                          for c in codes]
                if codes:
                    resolved[i] = codes[int(np.argmax(values))]

        for i, (doc, agency, code) in enumerate(pending):
            item_code = code if code is not None else resolved.get(i)
            if item_code is None:
                summary.ignore(agency, "no_item_for_agency")
            elif per.get(item_code, 0) >= per_item:
                summary.ignore(agency, "over_cap")
            else:
                per[item_code] = per.get(item_code, 0) + 1
                out.append((doc, item_code))
                summary.use(agency, item_code, resolved=code is None)
    return out, summary


def _vocabulary(
    docs: Sequence[str], n_catalogue: int, ngram_range: tuple[int, int], max_new: int
) -> CharTfidf:
    """TF-IDF over every n-gram of the first ``n_catalogue`` docs (the catalogue's) plus the
    ``max_new`` other n-grams found in most of the remaining docs (the corrections'); with
    fewer than that, exactly ``CharTfidf(min_df=1).fit(docs)``."""
    vec = CharTfidf(ngram_range=ngram_range, min_df=1)
    k, d = ngram_keys(docs, vec.ns)
    order = np.lexsort((d, k))
    k, d = k[order], d[order]
    first = np.ones(len(k), dtype=bool)
    first[1:] = (k[1:] != k[:-1]) | (d[1:] != d[:-1])
    k, d = k[first], d[first]
    keys, df = np.unique(k, return_counts=True)
    in_catalogue = np.isin(keys, k[d < n_catalogue])
    keep = in_catalogue.copy()
    others = np.flatnonzero(~in_catalogue)
    if len(others) > max_new:
        others = others[np.argsort(-df[others], kind="stable")[:max_new]]
    keep[others] = True
    vec.keys = keys[keep]
    vec.idf = (np.log((1.0 + len(docs)) / (1.0 + df[keep])) + 1.0).astype(np.float32)
    return vec


def catalogue_train(
    items: Sequence[ItemSpec],
    extra: Sequence[tuple[str, str]] = (),
    *,
    weight: float = WEIGHT,
    max_new_features: int = MAX_NEW_FEATURES,
) -> CatalogueModel:
    """:meth:`CatalogueModel.train` on ``items`` plus ``extra`` (normalised text, item code)
    examples of weight ``weight``, with the vocabulary bounded as :func:`_vocabulary` says."""
    docs, ys, weights = CatalogueModel.examples(items, KEYWORD_WEIGHT)
    n_catalogue = len(docs)
    known = {item.code for item in items}
    for doc, code in extra:
        if doc and code in known:
            docs.append(doc)
            ys.append(code)
            weights.append(weight)
    vec = _vocabulary(docs, n_catalogue, (1, 3), max_new_features)
    return CatalogueModel.fit(items, docs, ys, weights, vec, alpha=ALPHA, scale=SCALE)


# ------------------------------------------------------------------------- persistence

CATALOGUE_KIND = "catalogue"


def catalogue_model_save(model: CatalogueModel, directory: str | Path, meta: dict[str, Any] | None = None) -> Path:
    """Write a catalogue model as ``model.npz`` (arrays only) and ``meta.json`` (with the items).

    The n-gram vocabulary holds character n-grams (up to 3) of the training texts, so of
    the corrections too: personal numbers are masked before training, other fragments of
    a demand may be there. Keep the directory as internal data.
    """
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, Any] = model.model.arrays()
    np.savez_compressed(path / "model.npz", **arrays)
    data = {
        "format": MODEL_FORMAT,
        "kind": CATALOGUE_KIND,
        **(meta or {}),
        "classes": model.model.classes,
        "n_features": model.model.vectorizer.n_features,
        "keyword_boost": model.keyword_boost,
        "params": model.model.params(),
        "items": catalogue_as_dicts(list(model.items)),
    }
    (path / "meta.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def model_kind(directory: str | Path) -> str:
    """``"catalogue"`` for a directory written by :func:`catalogue_model_save`, else ``"trained"``."""
    meta = json.loads((Path(directory) / "meta.json").read_text(encoding="utf-8"))
    return str(meta.get("kind") or "trained")


def catalogue_model_load(directory: str | Path) -> CatalogueModel:
    path = Path(directory)
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != MODEL_FORMAT or meta.get("kind") != CATALOGUE_KIND:
        raise ValueError(f"{path} does not hold a catalogue model (format {meta.get('format')!r}, "
                         f"kind {meta.get('kind')!r})")
    with np.load(path / "model.npz", allow_pickle=False) as arrays:
        linear = LinearTextModel.from_arrays(arrays, meta["params"])
    by_code = {d["code"]: ItemSpec.from_dict(d) for d in meta["items"]}
    ordered = [by_code[code] for code in linear.classes]
    keywords = [[k for k in dict.fromkeys(normalize(k) for k in item.keywords) if k] for item in ordered]
    return CatalogueModel(model=linear, items=ordered, keywords=keywords,
                          keyword_boost=float(meta.get("keyword_boost", 0.35)))


# ------------------------------------------------------------------------------ export


def day_start(day: date) -> datetime:
    """Midnight of ``day`` in the project's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


def corrections_rows(since: date | None = None) -> Iterable[list[str]]:
    """The corrections for export, oldest first, personal data in the text masked."""
    from banshi.triage.models import TriageLabel

    qs = TriageLabel.objects.order_by("created_at", "id")
    if since is not None:
        qs = qs.filter(created_at__gte=day_start(since))
    tz = timezone.get_default_timezone()
    for created_at, text, agency, category, s_agency, s_category in qs.values_list(
        "created_at", "text", "agency", "category", "suggested_agency", "suggested_category"
    ).iterator(chunk_size=2000):
        yield [
            timezone.localtime(created_at, tz).strftime("%Y-%m-%d %H:%M:%S"),
            # Numbers as the workbench masks them, then what else identifies a person in free
            # text (bank cards, e-mail, plates, a name the writer introduces: 我叫[姓名]).
            mask_pii(mask_text(text or "")),
            agency,
            category,
            s_agency,
            s_category,
        ]


def corrections_write(fh: IO[str], since: date | None = None) -> int:
    """Write the CSV (header + rows) to an open text file; the number of rows."""
    w = csv.writer(fh)
    w.writerow(CSV_COLUMNS)
    n = 0
    for row in corrections_rows(since):
        w.writerow(row)
        n += 1
    return n

