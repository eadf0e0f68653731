from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _notify_log(settings: object, tmp_path: Path) -> Iterator[None]:
    settings.BANSHI_NOTIFY_LOG = tmp_path / "sms.log"  # type: ignore[attr-defined]
    yield
