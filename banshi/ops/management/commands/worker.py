"""`banshi worker`: the background loop — SLA sweep and outbox drain."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background worker: SLA warnings/breaches and outbox delivery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        from banshi.cases.sweep import sla_sweep
        from banshi.notify.worker import outbox_drain

        stop = {"flag": False}
        signal.signal(signal.SIGTERM, lambda *_: stop.update(flag=True))
        while not stop["flag"]:
            r = sla_sweep()
            sent = outbox_drain()
            if opts["verbosity"] > 1 or (r.warned or r.breached or r.escalated or sent):
                self.stdout.write(f"sla warned={r.warned} breached={r.breached} escalated={r.escalated} sent={sent}")
            if opts["once"]:
                break
            time.sleep(opts["interval"])
