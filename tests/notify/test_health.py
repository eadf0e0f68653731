"""The worker's heartbeat (finding 10 of issue 14): one loop of `banshi worker` records it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from banshi.notify.health import heartbeat_beat, worker_health
from banshi.notify.models import Heartbeat, OutboxMessage


@pytest.mark.django_db
def test_one_worker_loop_records_a_heartbeat() -> None:
    assert not Heartbeat.objects.exists()
    before = timezone.now()
    call_command("worker", "--once")
    beat = Heartbeat.objects.get(name="worker")
    assert before <= beat.last_at <= timezone.now()
    call_command("worker", "--once", "--name", "worker-b")
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"worker", "worker-b"}


@pytest.mark.django_db
def test_a_beat_is_one_update_once_the_row_exists() -> None:
    t0 = timezone.now() - timedelta(minutes=5)
    heartbeat_beat(now=t0)
    with CaptureQueriesContext(connection) as q:
        heartbeat_beat()
    assert len(q.captured_queries) == 1 and q.captured_queries[0]["sql"].lstrip().upper().startswith("UPDATE")
    assert Heartbeat.objects.get().last_at > t0


@pytest.mark.django_db
def test_health_before_the_first_beat_has_a_grace_period(settings) -> None:  # type: ignore[no-untyped-def]
    settings.BANSHI_WORKER_SILENT_SECONDS = 120
    now = timezone.now()
    fresh = worker_health(now=now, started=now - timedelta(seconds=30))
    assert fresh["ok"] and fresh["worker"]["state"] == "starting"
    late = worker_health(now=now, started=now - timedelta(seconds=121))
    assert not late["ok"] and late["worker"]["state"] == "never_beat"


@pytest.mark.django_db
def test_health_counts_the_backlog_and_ages_only_due_messages(settings) -> None:  # type: ignore[no-untyped-def]
    settings.BANSHI_OUTBOX_MAX_DELAY_SECONDS = 600
    now = timezone.now()
    heartbeat_beat(now=now)
    OutboxMessage.objects.create(template="t", next_attempt_at=now + timedelta(hours=1), created_at=now)
    OutboxMessage.objects.create(template="t", next_attempt_at=now - timedelta(seconds=60), created_at=now)
    OutboxMessage.objects.create(template="t", status="sent", next_attempt_at=now - timedelta(days=1), created_at=now)
    h = worker_health(now=now)
    assert h["ok"] and h["outbox"]["pending"] == 2 and h["outbox"]["oldest_due_age_s"] == 60.0
