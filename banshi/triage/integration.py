"""The Django side of triage: suggestions for a new case (filled in once the classifier lands)."""

from __future__ import annotations

from typing import Any


def triage_case_input(data: Any) -> dict[str, Any]:
    return {}
