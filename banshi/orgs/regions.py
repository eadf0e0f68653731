"""Region lookups on hot paths, cached per process (the code list changes only by import)."""

from __future__ import annotations

import time

from banshi.orgs.models import Region

_by_code: dict[str, tuple[float, Region | None]] = {}
REGION_CACHE_SECONDS = 60.0


def region_by_code(code: str) -> Region | None:
    hit = _by_code.get(code)
    if hit is not None and time.monotonic() - hit[0] < REGION_CACHE_SECONDS:
        return hit[1]
    region = Region.objects.filter(code=code).first()
    if len(_by_code) > 100_000:
        _by_code.clear()
    _by_code[code] = (time.monotonic(), region)
    return region


def region_cache_clear() -> None:
    _by_code.clear()
