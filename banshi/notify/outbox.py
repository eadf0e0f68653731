"""A generic outbox: rows written in the same transaction as the change they announce. The worker
(notify/worker.py) sends them after commit; nothing is sent for a change that rolled back.

notify knows no workflow: which change sends which message is the policy of the app that makes
the change (for cases: `banshi.cases.notices`). Background tasks are named and registered by the
apps at start-up (`notify/tasks.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from banshi.notify.models import OutboxMessage


def outbox_enqueue(
    *, channel: str, template: str, recipient: str, payload: dict[str, Any], at: datetime,
    case_id: int | None = None, event_id: int | None = None,
) -> OutboxMessage:
    """One message: `sms` to a phone number, `internal` to `unit:<id>` or `person:<id>`, or a
    `task` (see outbox_task). `case_id`/`event_id` tie it to the change it announces."""
    return OutboxMessage.objects.create(
        case_id=case_id, event_id=event_id, channel=channel, template=template, recipient=recipient,
        payload=payload, next_attempt_at=at, created_at=at,
    )


def outbox_task(*, task: str, payload: dict[str, Any], at: datetime, case_id: int | None = None,
                event_id: int | None = None) -> OutboxMessage:
    """Background work that follows a change (e.g. linking near-duplicates): run by the worker
    after commit with the same lease and retry as messages, so a crash loses nothing. The task
    name must be registered (notify/tasks.py)."""
    return outbox_enqueue(channel="task", template=task, recipient="", payload=payload, at=at,
                          case_id=case_id, event_id=event_id)
