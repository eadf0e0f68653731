"""`banshi sla due --from … --period …` and `banshi sla sweep [--loop]`."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "Legal deadlines: compute a period's end, or sweep milestones for warnings and breaches."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        due = sub.add_parser("due", help="print the end of a legal period as ISO-8601")
        due.add_argument("--from", dest="start", required=True, help="start, e.g. 2026-09-28T10:00:00+08:00")
        due.add_argument("--period", required=True, help="Nh, Nd, Nwd or Nm")
        sweep = sub.add_parser("sweep", help="record warnings before due and breaches after")
        sweep.add_argument("--loop", action="store_true", help="keep sweeping")
        sweep.add_argument("--interval", type=float, default=30.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["sub"] == "due":
            self._due(opts["start"], opts["period"])
        else:
            from banshi.cases.sweep import sla_sweep

            while True:
                r = sla_sweep()
                self.stdout.write(f"warned={r.warned} breached={r.breached} escalated={r.escalated}")
                if not opts["loop"]:
                    break
                time.sleep(opts["interval"])

    def _due(self, start_text: str, period_text: str) -> None:
        from banshi.sla.periods import compute_due, parse_period
        from banshi.sla.services import get_calendar

        try:
            start = datetime.fromisoformat(start_text)
        except ValueError as exc:
            raise CommandError(f"起算时间格式不正确：{start_text}（应为 ISO-8601，如 2026-09-28T10:00:00+08:00）") from exc
        if timezone.is_naive(start):
            raise CommandError("起算时间必须带时区，如 2026-09-28T10:00:00+08:00")
        try:
            period = parse_period(period_text)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        due = compute_due(start, period, get_calendar())
        self.stdout.write(timezone.localtime(due.at).isoformat())
        if due.provisional:
            sys.stderr.write(
                "注意：期限涉及国务院尚未公布放假安排的年份，按法定节假日和周末临时推算（provisional），"
                "公布后请管理员导入正式日历。\n"
            )
