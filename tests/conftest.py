from __future__ import annotations

import pytest

from tests.factories import World, world_build


@pytest.fixture
def world(db: None) -> World:
    return world_build()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    """Full-strength PBKDF2 costs ~0.3 s a hash; tests build many people."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
