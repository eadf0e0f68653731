"""`banshi serve`: the production server (gunicorn) plus the background worker, together; the worker is
supervised (restarted when it exits), and SIGTERM/SIGINT stop both cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from banshi.ops.supervise import Supervised, serve_until_stopped


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
        worker: Supervised | None = None
        if not opts["no_worker"]:
            # Supervised: restarted (with a back-off, each restart logged) whenever it exits.
            worker = Supervised("banshi worker", [sys.executable, "-m", "banshi.cli", "worker"], env=env)
            worker.start()
        gunicorn = [
            sys.executable, "-m", "gunicorn", "banshi.wsgi:application", "--bind", opts["bind"],
            "--workers", str(opts["workers"]), "--threads", str(opts["threads"]), "--worker-class", "gthread",
            "--graceful-timeout", "10",
            # One control socket per server, so several servers on a machine never share one.
            "--control-socket", str(Path(settings.VAR_DIR) / f"gunicorn-{opts['bind'].replace(':', '-')}.ctl"),
        ]
        if opts["verbosity"] > 1:
            gunicorn += ["--access-logfile", "-"]
        stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
        try:
            server = subprocess.Popen(gunicorn, env=env)
        except BaseException:
            if worker is not None:
                worker.stop()
            raise
        self.stdout.write(f"banshi 已启动：http://{opts['bind']}/ （按 Ctrl+C 停止）")
        code = serve_until_stopped(server, worker, stopping)
        if not stopping.is_set() and code:
            raise SystemExit(code)
