"""A fixed-window rate limiter on Django's cache, keyed by IP and by phone number.

With no CACHES setting Django uses a per-process LocMemCache: right for tests and a single
process. Several gunicorn workers need a shared cache (Redis) so that a limit holds across them.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from banshi.core.errors import RateLimited

# scope: (requests, window in seconds). Overridable with settings.BANSHI_RATE_LIMITS.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "submit_ip": (30, 3600),
    "submit_phone": (6, 3600),
    "track_ip": (30, 600),
    "track_code": (10, 600),
    "citizen_action_ip": (30, 600),
    "open311_write": (120, 60),
    "open311_read": (600, 60),
}


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "BANSHI_RATE_LIMITS", {})}


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: behind a reverse proxy, the proxy must set it (e.g. gunicorn --forwarded-allow-ips).
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def rate_hit(scope: str, ident: str, *, now: float | None = None) -> None:
    """Count one request for (scope, ident); raise RateLimited once the window's budget is spent."""
    if not ident:
        return
    limit, window = limits()[scope]
    now = time.time() if now is None else now
    bucket = int(now // window)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]  # no phone numbers in cache keys
    key = f"banshi:rl:{scope}:{digest}:{bucket}"
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        count = 1
    if count > limit:
        retry = int(window - (now % window)) + 1
        raise RateLimited(
            _("操作过于频繁，请%(n)d秒后再试。") % {"n": retry}, code="rate_limited", details={"retry_after": retry}
        )
