"""The worker's heartbeat and the outbox backlog, as `/healthz` reports them.

The worker calls `heartbeat_beat()` once per loop (one UPDATE, or one INSERT the first time).
`worker_health()` answers with two indexed reads of the outbox (the `outbox_due` index on
(status, next_attempt_at)) and one read of the small heartbeat table; it is healthy unless

- the newest heartbeat is older than `BANSHI_WORKER_SILENT_SECONDS` (default 120 s), or
- no worker has ever beaten and this process started longer than that ago (a fresh install gets
  the same span of grace, so a server that has just started answers 200 while its worker starts), or
- the oldest pending message that is due has waited longer than `BANSHI_OUTBOX_MAX_DELAY_SECONDS`
  (default 600 s).

Both thresholds are read from Django settings when set there, else from the environment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from banshi.core.env import env_float
from banshi.notify.models import Heartbeat, OutboxMessage, OutboxStatus

WORKER = "worker"
# Read once at import, so a malformed value stops start-up rather than answering 500 later.
_SILENT_DEFAULT = env_float("BANSHI_WORKER_SILENT_SECONDS", 120.0)
_DELAY_DEFAULT = env_float("BANSHI_OUTBOX_MAX_DELAY_SECONDS", 600.0)
# When this process started (the notify app is loaded at start-up): the grace before a first beat.
PROCESS_STARTED = timezone.now()


def silent_limit() -> float:
    return float(getattr(settings, "BANSHI_WORKER_SILENT_SECONDS", _SILENT_DEFAULT))


def delay_limit() -> float:
    return float(getattr(settings, "BANSHI_OUTBOX_MAX_DELAY_SECONDS", _DELAY_DEFAULT))


def heartbeat_beat(name: str = WORKER, *, now: datetime | None = None) -> None:
    """Record that the worker `name` is alive: one UPDATE, an INSERT only the first time."""
    now = now or timezone.now()
    if Heartbeat.objects.filter(name=name).update(last_at=now):
        return
    try:
        with transaction.atomic():
            Heartbeat.objects.create(name=name, last_at=now)
    except IntegrityError:  # another worker of the same name inserted it first
        Heartbeat.objects.filter(name=name).update(last_at=now)


def _age(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else round(max(0.0, (now - then).total_seconds()), 1)


def worker_health(*, now: datetime | None = None, started: datetime | None = None) -> dict[str, Any]:
    """The worker's heartbeat age and the outbox backlog; `ok` is False when either is too old."""
    now = now or timezone.now()
    started = started or PROCESS_STARTED
    silent, delay = silent_limit(), delay_limit()
    last = Heartbeat.objects.aggregate(last=Max("last_at"))["last"]
    pending = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    oldest_due = (
        pending.filter(next_attempt_at__lte=now).order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True).first()
    )
    beat_age, due_age = _age(now, last), _age(now, oldest_due)
    problems: list[str] = []
    if last is None:
        state = "starting" if (now - started).total_seconds() <= silent else "never_beat"
    else:
        state = "silent" if beat_age is not None and beat_age > silent else "alive"
    if state in ("silent", "never_beat"):
        problems.append(f"worker {state}")
    if due_age is not None and due_age > delay:
        problems.append("outbox backlog")
    return {
        "ok": not problems,
        "problems": problems,
        "worker": {"state": state, "last_beat_age_s": beat_age, "silent_limit_s": silent},
        "outbox": {"pending": pending.count(), "oldest_due_age_s": due_age, "max_delay_s": delay},
    }
