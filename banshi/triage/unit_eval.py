"""Routing to the unit, measured: each demand of a set is classified with a catalogue model and
its predicted item's first unit kind (the kind routing prefers, banshi/triage/routing.py) is
compared with the unit kind a county dispatcher would send it to.

The shipped set is ``data/eval_units.csv`` (columns ``text``, ``expected_unit_kind``, ``note``):
demands written for it (the political-legal side, emergencies, the matters of issue 15) and
real messages from the Teddy Cup 2020 data (``shared/data/teddycup2020``, the note names the
message), labelled by hand. None of its texts is a catalogue example (a test checks it); keep it
that way: improve the catalogue with other wording, never with the set's texts.
``banshi triage eval --units`` prints the figures; ``tests/triage/test_unit_routing.py`` fails
when the accuracy drops below 0.90.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from banshi.orgs.enums import UnitKind
from banshi.triage.datasets import DatasetError, read_rows
from banshi.triage.model import CatalogueModel, default_model
from banshi.triage.routing import first_unit_kind

EVAL_UNITS_FILE = Path(__file__).resolve().parent / "data" / "eval_units.csv"
COLUMNS = ("text", "expected_unit_kind", "note")
KIND_LABELS: dict[str, str] = {str(value): str(label) for value, label in UnitKind.choices}


@dataclass(frozen=True)
class UnitCase:
    text: str
    expected: str
    note: str = ""


@dataclass(frozen=True)
class KindScore:
    kind: str
    precision: float
    recall: float
    support: int  # demands expecting this kind
    predicted: int  # demands predicted as this kind


@dataclass
class UnitEvaluation:
    cases: list[UnitCase]
    predicted: list[str]  # the first unit kind of each predicted item
    items: list[str]  # the predicted catalogue item of each demand
    seconds: float = 0.0
    per_kind: list[KindScore] = field(default_factory=list)

    @property
    def correct(self) -> int:
        return sum(c.expected == p for c, p in zip(self.cases, self.predicted, strict=True))

    @property
    def accuracy(self) -> float:
        return self.correct / len(self.cases) if self.cases else 0.0

    def confusions(self, limit: int = 10) -> list[tuple[str, str, int]]:
        """The commonest (expected, predicted) pairs that differ, most first."""
        pairs = Counter((c.expected, p) for c, p in zip(self.cases, self.predicted, strict=True) if c.expected != p)
        return [(a, b, n) for (a, b), n in sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]

    def by_source(self) -> list[tuple[str, int, int]]:
        """(source, right, demands) per source: the note's first word (written, teddycup2020 …)."""
        total: Counter[str] = Counter()
        right: Counter[str] = Counter()
        for c, p in zip(self.cases, self.predicted, strict=True):
            source = c.note.split()[0] if c.note.strip() else "-"
            total[source] += 1
            right[source] += c.expected == p
        return [(s, right[s], total[s]) for s in sorted(total, key=lambda s: (-total[s], s))]

    def misses(self) -> list[tuple[UnitCase, str, str]]:
        """Each wrongly routed demand with the predicted kind and item."""
        return [(c, p, i) for c, p, i in zip(self.cases, self.predicted, self.items, strict=True) if c.expected != p]


def read_unit_cases(path: str | Path = EVAL_UNITS_FILE) -> list[UnitCase]:
    """The demands of a unit-kind set (UTF-8 CSV with the columns text, expected_unit_kind and
    optionally note); an unknown unit kind or a missing column is a DatasetError naming the row."""
    rows = read_rows(path)
    if not rows:
        raise DatasetError(f"{path}: 没有数据行")
    missing = [c for c in COLUMNS[:2] if c not in rows[0]]
    if missing:
        raise DatasetError(f"{path}: 缺少列 {'、'.join(missing)}（应有 {', '.join(COLUMNS)}）")
    cases: list[UnitCase] = []
    problems: list[str] = []
    for n, row in enumerate(rows, 2):  # line 1 is the header
        text, kind = row["text"].strip(), row["expected_unit_kind"].strip()
        if not text:
            problems.append(f"第{n}行：text 为空")
        elif kind not in KIND_LABELS:
            problems.append(f"第{n}行：未知的单位类型 {kind or '（空）'}")
        else:
            cases.append(UnitCase(text, kind, row.get("note", "").strip()))
    if problems:
        raise DatasetError(f"{path}: " + "；".join(problems[:10]) + ("……" if len(problems) > 10 else ""))
    return cases


def evaluate_units(cases: Sequence[UnitCase], model: CatalogueModel | None = None) -> UnitEvaluation:
    """Classify every demand with ``model`` (default: the shipped catalogue's) and score the first
    unit kind of the predicted item against the expected kind."""
    model = model or default_model()
    kinds = {item.code: list(item.unit_kinds) for item in model.items}
    agency = {item.code: item.agency for item in model.items}
    started = time.perf_counter()
    preds = model.predict([c.text for c in cases])
    seconds = time.perf_counter() - started
    items = [p.category for p in preds]
    predicted = [first_unit_kind(code, agency.get(code, ""), kinds) for code in items]
    result = UnitEvaluation(list(cases), predicted, items, seconds)
    expected = Counter(c.expected for c in cases)
    guessed = Counter(predicted)
    hits = Counter(c.expected for c, p in zip(cases, predicted, strict=True) if c.expected == p)
    result.per_kind = [
        KindScore(kind, hits[kind] / guessed[kind] if guessed[kind] else 0.0,
                  hits[kind] / expected[kind] if expected[kind] else 0.0, expected[kind], guessed[kind])
        for kind in sorted(set(expected) | set(guessed), key=lambda k: (-expected[k], k))
    ]
    return result


def report_lines(result: UnitEvaluation, *, source: str = "", confusions: int = 10) -> list[str]:
    """The printed report: accuracy, per-kind precision and recall, the worst confusions."""
    n = len(result.cases)
    lines = [
        f"unit kinds: {n} demands{f' from {source}' if source else ''}",
        f"accuracy: {result.accuracy:.4f} ({result.correct}/{n})",
        "by source: " + ", ".join(f"{s} {r / t:.3f} ({r}/{t})" for s, r, t in result.by_source()),
        "per unit kind (precision = right / predicted as the kind, recall = right / expected):",
        f"  {'kind':<20}{'precision':>10}{'recall':>8}{'expected':>10}{'predicted':>11}  name",
    ]
    for s in result.per_kind:
        lines.append(f"  {s.kind:<20}{s.precision:>10.3f}{s.recall:>8.3f}{s.support:>10}{s.predicted:>11}  "
                     f"{KIND_LABELS.get(s.kind, '')}")
    worst = result.confusions(confusions)
    lines.append("worst confusions (expected → predicted):" if worst else "no confusions")
    for a, b, count in worst:
        lines.append(f"  {count:>3}  {a} {KIND_LABELS.get(a, '')} → {b or '（无）'} {KIND_LABELS.get(b, '')}")
    if result.seconds > 0:
        lines.append(f"throughput: {n / result.seconds:.0f} demands/s ({n} in {result.seconds:.2f}s)")
    return lines
