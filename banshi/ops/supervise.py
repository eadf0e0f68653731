"""Keeps a child process running: `banshi serve` uses it for the background worker.

`Supervised.poll()` is called from the server's loop; when the child has exited (and we are not
stopping) it is started again after a back-off that doubles from `backoff` up to `max_backoff`,
and goes back to `backoff` once a child has run for `stable_after` seconds. Each restart is logged
with the exit code. `stop()` sends SIGTERM, waits, then SIGKILLs.
"""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence

logger = logging.getLogger("banshi.ops.supervise")


class Supervised:
    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        stable_after: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        log: logging.Logger = logger,
    ) -> None:
        self.name, self.argv, self.env = name, list(argv), dict(env) if env is not None else None
        self.backoff, self.max_backoff, self.stable_after = backoff, max_backoff, stable_after
        self.clock, self.log = clock, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.delay = backoff
        self.restarts = 0
        self.stopping = False

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, env=self.env)
        self.started_at = self.clock()
        self.restart_at = None

    def poll(self) -> None:
        """Restart the child if it has exited and its back-off has passed; otherwise do nothing."""
        if self.stopping or self.proc is None:
            return
        code = self.proc.poll()
        if code is None:
            return
        now = self.clock()
        if self.restart_at is None:
            if now - self.started_at >= self.stable_after:
                self.delay = self.backoff
            self.restart_at = now + self.delay
            self.log.warning("%s exited with code %s after %.1f s; restarting in %.1f s",
                             self.name, code, now - self.started_at, self.delay)
            self.delay = min(self.delay * 2, self.max_backoff)
            return
        if now >= self.restart_at:
            self.restarts += 1
            self.start()
            assert self.proc is not None
            self.log.warning("%s restarted (restart %d, pid %d)", self.name, self.restarts, self.proc.pid)

    def stop(self, timeout: float = 15.0) -> int | None:
        """Stop supervising and end the child: SIGTERM, then SIGKILL after `timeout` seconds."""
        self.stopping = True
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.log.warning("%s did not stop within %.0f s; killing it", self.name, timeout)
            self.proc.kill()
            return self.proc.wait(timeout=timeout)


def serve_until_stopped(server: subprocess.Popen[bytes], worker: Supervised | None, stopping: threading.Event,
                        *, tick: float = 0.5, timeout: float = 15.0) -> int | None:
    """Watch the server and keep the worker alive until `stopping` is set (by SIGTERM/SIGINT) or the
    server exits by itself; then stop the worker and the server. Returns the server's exit code."""
    try:
        while not stopping.is_set() and server.poll() is None:
            if worker is not None:
                worker.poll()
            stopping.wait(tick)
    finally:
        if worker is not None:
            worker.stop(timeout)
        if server.poll() is None:
            server.terminate()
        try:
            server.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=timeout)
    return server.returncode
