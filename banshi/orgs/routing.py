"""Which concrete unit serves a place for an agency type: the unit of that agency whose region
is the nearest ancestor-or-self of the case's region (a village case goes to the town's police
station before the district's bureau), preferring the unit kinds a catalogue item names."""

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
    candidates = list(
        Unit.objects.filter(agency=agency, is_active=True, region__path__in=paths)
        .select_related("region").order_by("id")[:200]
    )
    if not candidates:
        return None
    depth = {p: i for i, p in enumerate(paths)}

    def rank(u: Unit) -> tuple[int, int, int, int]:
        kind_rank = list(prefer_kinds).index(u.kind) if u.kind in prefer_kinds else len(prefer_kinds)
        # nearest region first; within it the preferred kind, then the leaf (most specific) unit
        return (-depth[u.region.path], kind_rank, -u.path.count("/"), u.pk)

    return min(candidates, key=rank)
