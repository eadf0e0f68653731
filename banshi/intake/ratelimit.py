"""A fixed-window rate limiter on Django's cache, keyed by IP and by phone number.

With no CACHES setting Django uses a per-process LocMemCache: right for tests and a single
process. Several gunicorn workers need a shared cache (Redis) so that a limit holds across them.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

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


# The citizen reads these: a time in whole minutes, rounded up ("请13分钟后再试", never "760秒").
DEFAULT_MESSAGE = gettext_noop("操作过于频繁，请%(n)d分钟后再试。")
MESSAGES: dict[str, str] = {
    "track_ip": gettext_noop("查询码或手机号多次填写不正确，为保护您的信息，请%(n)d分钟后再试。"),
    "track_code": gettext_noop("这个查询码多次查询未成功，为保护您的信息，请%(n)d分钟后再试。"),
}


def limits() -> dict[str, tuple[int, int]]:
    return {**DEFAULT_LIMITS, **getattr(settings, "BANSHI_RATE_LIMITS", {})}


def client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: behind a reverse proxy, the proxy must set it (e.g. gunicorn --forwarded-allow-ips).
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def retry_minutes(seconds: float) -> int:
    """Whole minutes, rounded up, at least one."""
    return max(1, math.ceil(seconds / 60))


def rate_hit(scope: str, ident: str, *, now: float | None = None) -> str | None:
    """Count one request for (scope, ident); raise RateLimited once the window's budget is spent.

    Returns the counter's key: pass it to `rate_refund` when the request turns out not to count
    (the portal's lookup counts only wrong answers). Counting first and refunding after keeps the
    limit exact under concurrent requests."""
    if not ident:
        return None
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
        message = _(MESSAGES.get(scope, DEFAULT_MESSAGE)) % {"n": retry_minutes(retry)}
        raise RateLimited(message, code="rate_limited", details={"retry_after": retry})
    return key


def rate_refund(key: str | None) -> None:
    """Give back a request counted by `rate_hit` (a lookup that found the case, a malformed one)."""
    if not key:
        return
    with contextlib.suppress(ValueError):  # the window has ended: nothing to give back
        cache.decr(key)
