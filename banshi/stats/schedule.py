"""What the worker runs for assessment: the count fill every few minutes, and the monthly
briefing once the month is over."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from banshi.stats.fill import fill
from banshi.stats.models import FillState

log = logging.getLogger(__name__)


@dataclass
class TickResult:
    filled_days: int = 0
    report: str = ""


def stats_tick(now: datetime | None = None) -> TickResult:
    """Fill the counts when the last fill is older than BANSHI_STATS_FILL_SECONDS (default 300),
    then write last month's briefing if it is not there yet."""
    now = now or timezone.now()
    out = TickResult()
    every = timedelta(seconds=float(getattr(settings, "BANSHI_STATS_FILL_SECONDS", 300)))
    last = FillState.objects.filter(pk=1).values_list("last_run_at", flat=True).first()
    if last is None or now - last >= every:
        out.filled_days = len(fill(now=now).days)
        from banshi.stats.reports.monthly import report_due_monthly

        report = report_due_monthly(now=now)
        if report is not None:
            out.report = f"{report.period} {report.region_code}".strip()
    return out
