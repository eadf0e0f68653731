"""Run one outbox drain with a gateway that pauses after each message has gone out (the provider
has it; the worker has not yet marked it sent). tests/notify/test_worker.py kills this mid-batch.
Usage: python drain_slowly.py LOGFILE SECONDS (DATABASE_URL points at the test database)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "banshi.settings")

import django

django.setup()

from banshi.notify.gateways import LogFileGateway  # noqa: E402
from banshi.notify.worker import outbox_drain  # noqa: E402


class SlowGateway(LogFileGateway):
    def send(self, *, reference: str, recipient: str, text: str) -> None:
        super().send(reference=reference, recipient=recipient, text=text)
        time.sleep(float(sys.argv[2]))


if __name__ == "__main__":
    outbox_drain(gateway=SlowGateway(Path(sys.argv[1])), batch=1000)
