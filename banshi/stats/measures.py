"""The measures banshi counts, read from `stats/data/measures.yaml`, and which workflow actions
count toward each (from the measure tags on every definition's rules)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from banshi.core.datafiles import DataFileError, read_mapping

PATH = Path(__file__).parent / "data" / "measures.yaml"


class MeasuresFileError(DataFileError):
    what: ClassVar[str] = "统计口径文件"


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    definition: str
    tags: tuple[str, ...] = ()
    source: str = ""
    derived: str = ""
    kinds: tuple[str, ...] = ()  # only these kinds of matter (empty: every kind)
    actions: tuple[str, ...] = ()  # named actions (besides the tagged ones)
    flag: str = ""  # count the parent measure's events whose data has this key true
    sum: str = ""  # sum this key of the parent measure's events' data (whole yuan)


@dataclass(frozen=True)
class RateDefaults:
    note: str
    weights: dict[str, float]
    rating_factors: dict[str, float]
    min_volume: int
    definitions: dict[str, str]


@cache
def _read() -> tuple[dict[str, Measure], RateDefaults]:
    raw = read_mapping(PATH, ("measures", "rates"), MeasuresFileError)
    problems: list[str] = []
    measures: dict[str, Measure] = {}
    for name, spec in (raw.get("measures") or {}).items():
        if not isinstance(spec, dict) or not spec.get("label") or not spec.get("definition"):
            problems.append(f"口径 {name}：须有 label 与 definition")
            continue
        tags = tuple(spec.get("tags") or ())
        actions = tuple(spec.get("actions") or ())
        if not (tags or actions or spec.get("source") or spec.get("derived")):
            problems.append(f"口径 {name}：须有 tags、actions、source 或 derived 之一")
        measures[str(name)] = Measure(str(name), str(spec["label"]), str(spec["definition"]), tags,
                                      str(spec.get("source") or ""), str(spec.get("derived") or ""),
                                      tuple(spec.get("kinds") or ()), actions, str(spec.get("flag") or ""),
                                      str(spec.get("sum") or ""))
    rates: dict[str, Any] = raw.get("rates") or {}
    weights = rates.get("weights") or {}
    if set(weights) != {"response", "resolution", "satisfaction"}:
        problems.append("rates.weights 须有 response、resolution、satisfaction 三项")
    factors = {str(k): float(v) for k, v in (rates.get("rating_factors") or {}).items()}
    if set(factors) != {"1", "2", "3", "4", "5"}:
        problems.append("rates.rating_factors 须列出 1 至 5 五个评价")
    if problems:
        raise MeasuresFileError(PATH, problems)
    return measures, RateDefaults(
        note=str(rates.get("note", "")), weights={k: float(v) for k, v in weights.items()},
        rating_factors=factors, min_volume=int(rates.get("min_volume", 10)),
        definitions={str(k): str(v) for k, v in (rates.get("definitions") or {}).items()},
    )


def measures() -> dict[str, Measure]:
    return _read()[0]


def rate_defaults() -> RateDefaults:
    return _read()[1]


def measure_label(name: str) -> str:
    m = measures().get(name)
    return m.label if m else name


def actions_by_measure() -> dict[str, set[str]]:
    """measure name → the workflow actions (of every definition) whose events count toward it."""
    from banshi.cases.workflow.engine import definitions

    out: dict[str, set[str]] = {}
    tagged: dict[tuple[str, str], set[str]] = {}  # (kind, tag) → actions
    kinds: set[str] = set()
    for d in definitions():
        kinds.add(d.kind)
        for rule in (d.register, *d.table.values()):
            for tag in rule.measures:
                tagged.setdefault((d.kind, tag), set()).add(rule.action)
    for m in measures().values():
        acts: set[str] = set(m.actions)
        for kind in (m.kinds or tuple(kinds)):
            for tag in m.tags:
                acts |= tagged.get((kind, tag), set())
        if acts:
            out[m.name] = acts
    return out


def actions_for(name: str) -> set[str]:
    """The actions behind a measure, for drill-downs; a derived measure uses its parent's."""
    m = measures().get(name)
    if m is None:
        return set()
    return actions_by_measure().get(m.derived or m.name, set())
