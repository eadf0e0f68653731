from __future__ import annotations

import pytest

from tests.factories import ServiceUnits, World, service_units_build, world_build


@pytest.fixture
def world(db: None) -> World:
    return world_build()


@pytest.fixture
def svc(world: World) -> ServiceUnits:
    """A legal-aid centre and a mediation committee in the world's district, with their staff."""
    return service_units_build(world)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings) -> None:  # type: ignore[no-untyped-def]
    """Full-strength PBKDF2 costs ~0.3 s a hash; tests build many people. Auto-dispatch is off
    unless a test turns it on, so a case stays where the test put it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.BANSHI_AUTO_DISPATCH_CONFIDENCE = 1.0


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Per-process caches (policies, unit paths, calendar) must not outlive a test's database rows."""
    from django.core.cache import cache

    from banshi.orgs.auth import api_token_cache_clear
    from banshi.orgs.regions import region_cache_clear
    from banshi.orgs.scoping import unit_paths_clear
    from banshi.sla.services import calendar_reload, policy_cache_clear
    from banshi.triage.integration import catalogue_model_reset

    cache.clear()  # e.g. the hot spots shared for two minutes (cases/links.py)
    api_token_cache_clear()
    catalogue_model_reset()
    region_cache_clear()
    policy_cache_clear()
    unit_paths_clear()
    calendar_reload()
