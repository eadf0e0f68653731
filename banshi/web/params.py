"""Request parameters that name a row by its id."""

from __future__ import annotations


def is_id(raw: str) -> bool:
    """1–18 ASCII digits. `str.isdigit()` alone accepts "²" or "٣", which `int()` then refuses
    (a 500), and more digits would overflow a bigint column on PostgreSQL."""
    return raw.isascii() and raw.isdigit() and 0 < len(raw) <= 18
