"""The registry of background tasks the outbox worker runs. Apps register their tasks at
start-up (AppConfig.ready), so notify never imports the apps above it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Task = Callable[[dict[str, Any]], None]
_TASKS: dict[str, Task] = {}


def task_register(name: str, fn: Task) -> None:
    _TASKS[name] = fn


def task_names() -> list[str]:
    return sorted(_TASKS)


def task_run(name: str, payload: dict[str, Any]) -> None:
    fn = _TASKS.get(name)
    if fn is None:
        raise ValueError(f"unknown task {name!r}")
    fn(payload)
