"""Message gateways. The default writes each SMS as a JSON line to a log file; a provider adapter
implements the same `send`. Every send carries the outbox id as its idempotency reference, so a
message re-sent after a crash between "sent" and "marked sent" is recognised and not sent twice.
`settings.BANSHI_NOTIFY_GATEWAY` (a dotted path to a class) picks another gateway."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Gateway(Protocol):
    def send(self, *, reference: str, recipient: str, text: str) -> None: ...


class LogFileGateway:
    """Appends {"ref", "to", "text"} lines; a reference already in the file is not written again."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path or settings.BANSHI_NOTIFY_LOG)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _scan(self, reference: str) -> tuple[bool, bool]:
        """(reference already written, file ends without a newline: a write cut short by a kill)."""
        needle = f'"ref": "{reference}"'
        seen, last = False, b"\n"
        with open(self.path, "rb") as rf:
            for line in rf:
                last = line[-1:]
                if not seen and needle in line.decode("utf-8", "replace"):
                    seen = True
        return seen, last != b"\n"

    def send(self, *, reference: str, recipient: str, text: str) -> None:
        with open(self.path, "a+", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                seen, torn = self._scan(reference)
                if seen:
                    return
                line = json.dumps({"ref": reference, "to": recipient, "text": text}, ensure_ascii=False) + "\n"
                fh.write(("\n" if torn else "") + line)
                fh.flush()
                os.fsync(fh.fileno())
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def gateway_default() -> Gateway:
    dotted = getattr(settings, "BANSHI_NOTIFY_GATEWAY", "")
    if dotted:
        gateway: Gateway = import_string(dotted)()
        return gateway
    return LogFileGateway()
