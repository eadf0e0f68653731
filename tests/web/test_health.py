"""`/healthz` (finding 10 of issue 14): 200 while the worker beats and the outbox drains, else 503."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from banshi.notify.health import heartbeat_beat
from banshi.notify.models import OutboxMessage


@pytest.fixture(autouse=True)
def _limits(settings) -> None:  # type: ignore[no-untyped-def]
    settings.BANSHI_WORKER_SILENT_SECONDS = 120
    settings.BANSHI_OUTBOX_MAX_DELAY_SECONDS = 600


@pytest.mark.django_db
def test_healthz_is_200_with_a_fresh_beat(client: Client) -> None:
    heartbeat_beat(now=timezone.now() - timedelta(seconds=5))
    r = client.get("/healthz")
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["ok"] is True and body["worker"]["state"] == "alive"
    assert 4 <= body["worker"]["last_beat_age_s"] < 60
    assert body["outbox"] == {"pending": 0, "oldest_due_age_s": None, "max_delay_s": 600}


@pytest.mark.django_db
def test_healthz_is_503_when_the_worker_is_silent(client: Client) -> None:
    heartbeat_beat(now=timezone.now() - timedelta(seconds=300))
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["worker"]["state"] == "silent" and r.json()["problems"] == ["worker silent"]


@pytest.mark.django_db
def test_healthz_is_503_with_an_old_backlog(client: Client) -> None:
    now = timezone.now()
    heartbeat_beat(now=now)
    OutboxMessage.objects.create(template="receipt", recipient="13900000000",
                                 next_attempt_at=now - timedelta(minutes=30), created_at=now - timedelta(minutes=30))
    r = client.get("/healthz")
    assert r.status_code == 503
    body = r.json()
    assert body["problems"] == ["outbox backlog"] and body["outbox"]["pending"] == 1
    assert body["outbox"]["oldest_due_age_s"] >= 1800
