"""Shared fixtures for the pure triage tests (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

TEDDY = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "teddycup2020"


@pytest.fixture(scope="session")
def teddy() -> Path:
    """The Teddy Cup 2020 data directory beside the repository (skips when absent)."""
    if not (TEDDY / "messages_labelled.csv").exists():
        pytest.skip("shared/data/teddycup2020 not present")
    return TEDDY
