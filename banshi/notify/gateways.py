"""Message gateways. The default writes each SMS as a JSON line to a log file; a provider adapter
implements the same `send`. Every send carries the outbox id as its idempotency reference, so a
message re-sent after a crash between "sent" and "marked sent" is recognised and not sent twice."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Protocol

from django.conf import settings


class Gateway(Protocol):
    def send(self, *, reference: str, recipient: str, text: str) -> None: ...


class LogFileGateway:
    """Appends {"ref", "to", "text"} lines; a reference already in the file is not written again."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.BANSHI_NOTIFY_LOG)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _seen(self, fh: object, reference: str) -> bool:
        needle = f'"ref": "{reference}"'
        with open(self.path, encoding="utf-8") as rf:
            return any(needle in line for line in rf)

    def send(self, *, reference: str, recipient: str, text: str) -> None:
        with open(self.path, "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                if self._seen(fh, reference):
                    return
                fh.write(json.dumps({"ref": reference, "to": recipient, "text": text}, ensure_ascii=False) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def gateway_default() -> Gateway:
    return LogFileGateway()
