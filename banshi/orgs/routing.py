"""Which concrete unit serves a place for an agency type: a unit of the kinds a catalogue item
names, whose region is the nearest ancestor-or-self of the case's region (a village case goes to
the town's police station before the district's bureau). Only when no unit of those kinds serves
the place does any other unit of the agency serve instead (a fall-back: the caller can tell by the
unit's kind, and never dispatches to it without a person's check)."""

from __future__ import annotations

from collections.abc import Sequence

from banshi.orgs.models import Unit


def _ancestor_paths(region_path: str) -> list[str]:
    parts = [p for p in region_path.split("/") if p]
    return ["".join(f"{c}/" for c in parts[: i + 1]) for i in range(len(parts))]


def unit_for(agency: str, region_path: str, prefer_kinds: Sequence[str] = ()) -> Unit | None:
    """The serving unit, or None when no unit of that agency serves any ancestor of the region."""
    if not agency or not region_path:
        return None
    paths = _ancestor_paths(region_path)
    prefer = list(prefer_kinds)
    serving = Unit.objects.filter(agency=agency, is_active=True, region__path__in=paths).select_related("region")
    candidates = list(serving.filter(kind__in=prefer).order_by("id")[:200]) if prefer else []
    if not candidates:  # no unit of a preferred kind: the fall-back, any unit of the agency
        candidates = list(serving.order_by("id")[:200])
    if not candidates:
        return None
    depth = {p: i for i, p in enumerate(paths)}

    def rank(u: Unit) -> tuple[int, int, int, int]:
        kind_rank = prefer.index(u.kind) if u.kind in prefer else len(prefer)
        # nearest region first; within it the earlier preferred kind, then the leaf (most specific) unit
        return (-depth[u.region.path], kind_rank, -u.path.count("/"), u.pk)

    return min(candidates, key=rank)
