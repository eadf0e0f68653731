from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from banshi.cases.domain.lifecycle import case_documents_request, case_sign
from banshi.notify.gateways import LogFileGateway
from banshi.notify.models import MessageTemplate, OutboxMessage, OutboxStatus
from banshi.notify.worker import LEASE, outbox_drain, render
from tests.factories import World, case_new, world_build
from tests.intake.conftest import defaults_load

ROOT = Path(__file__).resolve().parents[2]


def _lines(path: Path) -> list[str]:
    return [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()] if path.exists() else []


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    defaults_load()
    world = world_build()
    for i in range(30):
        case_new(world, citizen_phone=f"139{i:08d}")
    ids = sorted(OutboxMessage.objects.filter(channel="sms").values_list("id", flat=True))
    assert len(ids) == 30
    log = tmp_path / "sms.log"
    env = {**os.environ, "DATABASE_URL": _database_url(), "BANSHI_NOTIFY_LOG": str(log)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests/notify/drain_slowly.py"), str(log), "0.3"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    try:
        while len(_lines(log)) < 8:
            assert proc.poll() is None, proc.communicate()[1].decode()[-2000:]
            assert time.monotonic() < deadline, "the worker sent nothing"
            time.sleep(0.01)
    finally:
        proc.send_signal(signal.SIGKILL)  # mid-batch, while it sleeps after a send
        proc.wait()
    logged = len(_lines(log))
    marked = OutboxMessage.objects.filter(status=OutboxStatus.SENT, channel="sms").count()
    assert 8 <= logged < 30
    assert marked < logged  # the last message went out but was never marked sent
    # Before the lease ends a second worker keeps off the killed worker's claims...
    assert outbox_drain(gateway=LogFileGateway(log)) == 0
    # ...afterwards it takes them over; the gateway's reference check stops the duplicate.
    outbox_drain(gateway=LogFileGateway(log), now=timezone.now() + LEASE + timedelta(seconds=1))
    refs = [json.loads(ln)["ref"] for ln in _lines(log)]
    assert sorted(refs) == sorted(f"outbox-{i}" for i in ids)  # every message exactly once
    assert OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.SENT).count() == 30


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures, self.sent = failures, []  # type: ignore[var-annotated]

    def send(self, *, reference: str, recipient: str, text: str) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("provider down")
        self.sent.append((reference, recipient, text))


def test_failed_send_is_retried_later(world: World) -> None:
    case_new(world)
    gw = Flaky(failures=1)
    assert outbox_drain(gateway=gw) == 0
    msg = OutboxMessage.objects.get(channel="sms")
    assert (msg.status, msg.attempts, msg.last_error) == (OutboxStatus.PENDING, 1, "provider down")
    assert outbox_drain(gateway=gw) == 0  # not due yet: back-off
    assert outbox_drain(gateway=gw, now=msg.next_attempt_at + timedelta(seconds=1)) == 1
    msg.refresh_from_db()
    assert msg.status == OutboxStatus.SENT and len(gw.sent) == 1


def test_messages_use_editable_templates(world: World) -> None:
    case = case_new(world)
    MessageTemplate.objects.update_or_create(
        code="receipt", defaults={"name": "受理回执", "body": "已收到{number}，查询码{tracking_code}。{unknown}"}
    )
    gw = Flaky(failures=0)
    outbox_drain(gateway=gw)
    assert gw.sent == [(f"outbox-{OutboxMessage.objects.get(channel='sms').pk}", "13812345678",
                        f"已收到{case.number}，查询码{case.tracking_code}。")]
    MessageTemplate.objects.filter(code="receipt").update(body="坏模板 {number")
    assert render("receipt", {"number": "N1", "tracking_code": "T"}).startswith("【办实事】您的诉求已受理，编号N1")


def test_default_templates_migration_creates_every_citizen_template(db: Any) -> None:
    from banshi.cases.notices import citizen_templates

    MessageTemplate.objects.all().delete()
    import_module("banshi.notify.migrations.0002_default_templates").add(apps, None)
    codes = set(MessageTemplate.objects.values_list("code", flat=True))
    assert set(citizen_templates().values()) <= codes
    assert {"receipt", "final_reply", "documents_request", "follow_up", "reopened"} <= set(citizen_templates().values())


def test_documents_request_and_follow_up_messages(world: World) -> None:
    from banshi.cases.domain.lifecycle import case_dispatch

    case = case_new(world)
    case_dispatch(case.pk, actor=world.dispatcher, unit_id=world.station.pk)
    case_sign(case.pk, actor=world.handler)
    case_documents_request(case.pk, actor=world.handler, text="请提供租赁合同")
    gw = Flaky(failures=0)
    outbox_drain(gateway=gw)
    texts = [t for _r, _to, t in gw.sent]
    assert any("请提供租赁合同" in t and case.tracking_code in t for t in texts)


def test_log_gateway_repairs_a_torn_last_line(tmp_path: Path) -> None:
    log = tmp_path / "sms.log"
    log.write_text('{"ref": "outbox-1", "to": "1', encoding="utf-8")  # a write cut short
    gw = LogFileGateway(log)
    gw.send(reference="outbox-2", recipient="13812345678", text="a")
    gw.send(reference="outbox-2", recipient="13812345678", text="a")
    lines = _lines(log)
    assert len(lines) == 2 and json.loads(lines[1])["ref"] == "outbox-2"
