"""`banshi worker`: the background loop — SLA sweep (and the legal-aid 补正 lapse), outbox drain, the assessment counts (every few
minutes) and the monthly briefing, with a heartbeat each loop."""

from __future__ import annotations

import logging
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run the background worker: SLA warnings/breaches and outbox delivery."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--name", default="worker", help="the heartbeat's name (one row per name)")

    def handle(self, *args: Any, **opts: Any) -> None:
        from banshi.cases.sweep import sla_sweep
        from banshi.notary.domain import no_show_sweep
        from banshi.notify.health import heartbeat_beat
        from banshi.notify.worker import outbox_drain
        from banshi.services.legal_aid import aid_lapse_sweep
        from banshi.stats.schedule import stats_tick

        stop = {"flag": False}
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.update(flag=True))
        while not stop["flag"]:
            r = sla_sweep()
            aid_lapse_sweep()  # 法律援助: an unanswered 补正 is treated as withdrawn (art. 43)
            no_show_sweep()  # 公证: a booking whose slot ended a day ago without the citizen is a no-show
            sent = outbox_drain()
            try:
                tick = stats_tick()
            except Exception:  # the counts can be filled later; deadlines and messages must go on
                logging.getLogger(__name__).exception("stats fill failed")
            else:
                if tick.report:
                    self.stdout.write(f"月度通报已生成：{tick.report}")
            # After the work, so a loop stuck in the sweep or a gateway shows as a silent worker.
            heartbeat_beat(opts["name"])
            if opts["verbosity"] > 1 or (r.warned or r.breached or r.escalated or sent):
                self.stdout.write(f"sla warned={r.warned} breached={r.breached} escalated={r.escalated} sent={sent}")
            if opts["once"]:
                break
            # Sleep in short steps so SIGTERM stops the worker within a fraction of a second.
            until = time.monotonic() + opts["interval"]
            while not stop["flag"] and time.monotonic() < until:
                time.sleep(min(0.2, max(0.0, until - time.monotonic())))
