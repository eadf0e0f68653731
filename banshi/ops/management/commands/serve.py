"""`banshi serve`: the production server (gunicorn) plus the background worker, together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve the app with gunicorn and run the background worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("BANSHI_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("BANSHI_WORKERS", "3")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("BANSHI_THREADS", "4")))
        parser.add_argument("--no-worker", action="store_true", help="do not start the background worker")

    def handle(self, *args: Any, **opts: Any) -> None:
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "banshi.settings"}
        procs: list[subprocess.Popen[bytes]] = []
        if not opts["no_worker"]:
            procs.append(subprocess.Popen([sys.executable, "-m", "banshi.cli", "worker"], env=env))
        gunicorn = [
            sys.executable, "-m", "gunicorn", "banshi.wsgi:application", "--bind", opts["bind"],
            "--workers", str(opts["workers"]), "--threads", str(opts["threads"]), "--worker-class", "gthread",
            "--graceful-timeout", "10",
            # One control socket per server, so several servers on a machine never share one.
            "--control-socket", str(Path(settings.VAR_DIR) / f"gunicorn-{opts['bind'].replace(':', '-')}.ctl"),
        ]
        if opts["verbosity"] > 1:
            gunicorn += ["--access-logfile", "-"]
        procs.append(subprocess.Popen(gunicorn, env=env))
        self.stdout.write(f"banshi 已启动：http://{opts['bind']}/ （按 Ctrl+C 停止）")

        def stop(*_: object) -> None:
            for p in procs:
                if p.poll() is None:
                    p.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            procs[-1].wait()
        finally:
            stop()
            for p in procs:
                p.wait(timeout=15)
