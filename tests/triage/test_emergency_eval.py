"""The written evaluation set of emergencies (banshi/triage/data/eval_emergency.csv): recall and
false alarms of the one emergency decision must meet the targets of issue 15. The same figures,
with the real messages, are printed by ``bench/triage.py --emergency-only``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from banshi.triage.emergency import ALL_KIND_NAMES, emergency_decide

EVAL = Path(__file__).resolve().parents[2] / "banshi" / "triage" / "data" / "eval_emergency.csv"
MIN_RECALL = 0.98
MAX_FALSE_ALARMS = 0.01


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with EVAL.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_set_is_large_enough_and_well_formed(rows: list[dict[str, str]]) -> None:
    assert list(rows[0]) == ["text", "emergency", "kind", "note"]
    positives = [r for r in rows if r["emergency"] == "1"]
    negatives = [r for r in rows if r["emergency"] == "0"]
    assert len(positives) >= 100 and len(negatives) >= 1000
    assert len(positives) + len(negatives) == len(rows)
    assert all(r["kind"] in ALL_KIND_NAMES for r in positives)
    assert not any(r["kind"] for r in negatives)
    assert len({r["text"] for r in rows}) == len(rows)


def test_recall_and_false_alarms_meet_the_targets(rows: list[dict[str, str]]) -> None:
    positives = [r for r in rows if r["emergency"] == "1"]
    negatives = [r for r in rows if r["emergency"] == "0"]
    misses = [r["text"] for r in positives if emergency_decide(r["text"]) is None]
    alarms = [r["text"] for r in negatives if emergency_decide(r["text"]) is not None]
    recall = 1 - len(misses) / len(positives)
    false_alarms = len(alarms) / len(negatives)
    assert recall >= MIN_RECALL, f"recall {recall:.3f} < {MIN_RECALL}; missed: {misses}"
    assert false_alarms <= MAX_FALSE_ALARMS, f"false alarms {false_alarms:.4f} > {MAX_FALSE_ALARMS}: {alarms}"
