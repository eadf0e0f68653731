"""`banshi serve` supervises the worker (finding 10 of issue 14): a worker that exits is restarted
with a back-off and each restart logged; stopping ends the children. Fake short commands, bounded."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time

import pytest

from banshi.ops.supervise import Supervised, serve_until_stopped

EXIT_AT_ONCE = [sys.executable, "-c", "import sys; sys.exit(3)"]
RUN_LONG = [sys.executable, "-c", "import time; time.sleep(30)"]


def _until(cond, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_child_that_exits_is_restarted_with_a_growing_backoff(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="banshi.ops.supervise")
    w = Supervised("fake worker", EXIT_AT_ONCE, backoff=0.05, max_backoff=0.2, stable_after=60)
    w.start()
    pids = {w.proc.pid}  # type: ignore[union-attr]
    try:
        def restarted_three_times() -> bool:
            w.poll()
            if w.proc is not None:
                pids.add(w.proc.pid)
            return w.restarts >= 3
        _until(restarted_three_times)
    finally:
        w.stop(timeout=5)
    assert len(pids) >= 4
    assert w.delay == 0.2  # 0.05 → 0.1 → 0.2, capped
    text = caplog.text
    assert "fake worker exited with code 3" in text and "fake worker restarted (restart 3" in text


def test_the_backoff_resets_after_a_child_ran_long_enough() -> None:
    now = [0.0]
    w = Supervised("w", EXIT_AT_ONCE, backoff=1.0, max_backoff=30.0, stable_after=10.0, clock=lambda: now[0])
    w.delay = 16.0  # as after several quick crashes
    w.start()
    assert w.proc is not None
    w.proc.wait(timeout=5)
    now[0] = 100.0  # it ran for 100 s before exiting
    w.poll()
    assert w.restart_at == 101.0 and w.restarts == 0
    now[0] = 100.5
    w.poll()
    assert w.restarts == 0  # still backing off
    now[0] = 101.0
    w.poll()
    assert w.restarts == 1
    w.stop(timeout=5)


def test_stop_terminates_a_running_child_and_no_restart_follows() -> None:
    w = Supervised("w", RUN_LONG, backoff=0.01)
    w.start()
    proc = w.proc
    assert proc is not None
    code = w.stop(timeout=5)
    assert code is not None and code != 0 and proc.poll() is not None
    w.poll()
    assert w.proc is proc and w.restarts == 0


def test_serve_loop_restarts_the_worker_and_stops_both_when_asked() -> None:
    server = subprocess.Popen(RUN_LONG)
    worker = Supervised("fake worker", EXIT_AT_ONCE, backoff=0.02, max_backoff=0.05)
    worker.start()
    stopping = threading.Event()
    result: list[int | None] = []
    t = threading.Thread(target=lambda: result.append(serve_until_stopped(server, worker, stopping, tick=0.02, timeout=5)))
    t.start()
    try:
        _until(lambda: worker.restarts >= 2)
    finally:
        stopping.set()  # what SIGTERM/SIGINT do in `banshi serve`
        t.join(timeout=10)
    assert not t.is_alive()
    assert server.poll() is not None and worker.proc is not None and worker.proc.poll() is not None
    assert result and result[0] == server.returncode


def test_serve_loop_ends_when_the_server_exits_by_itself() -> None:
    server = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(5)"])
    worker = Supervised("fake worker", RUN_LONG)
    worker.start()
    code = serve_until_stopped(server, worker, threading.Event(), tick=0.02, timeout=5)
    assert code == 5
    assert worker.proc is not None and worker.proc.poll() is not None
