"""三率 settings: the defaults are the data file's; administrators change weights, the 基本满意
factor and the minimum volume; every change is audited; the figures follow the settings."""

from __future__ import annotations

import pytest

from banshi.core.errors import InvalidInput, PermissionDenied
from banshi.core.models import AuditLog
from banshi.stats.queries import rates_of
from banshi.stats.settings import rate_config, rate_config_update
from tests.factories import World

FACTORS = {"5": "1", "4": "1", "3": "0.9", "2": "0", "1": "0"}
COUNTS = {"followups": 10, "fu_contacted": 9, "fu_resolved": 8, "rating_5": 5, "rating_4": 2, "rating_3": 2,
          "rating_2": 1}


@pytest.mark.django_db
def test_defaults_are_the_common_public_computation() -> None:
    cfg = rate_config()
    assert not cfg.customised
    row = rates_of(COUNTS, cfg)
    assert (row["response_rate"], row["resolution_rate"], row["satisfaction_rate"]) == (0.9, 0.8, 0.88)
    assert row["composite"] == 84.2  # 100 × (0.1 × 0.9 + 0.5 × 0.8 + 0.4 × 0.88)


@pytest.mark.django_db
def test_an_administrator_changes_the_computation_and_it_is_audited(world: World) -> None:
    cfg = rate_config_update(world.admin, weights={"response": "0.2", "resolution": "0.4", "satisfaction": "0.4"},
                             rating_factors={**FACTORS, "3": "0.5"}, min_volume="5")
    assert cfg.customised and cfg.min_volume == 5
    row = rates_of(COUNTS, cfg)
    assert row["satisfaction_rate"] == 0.8  # (5 + 2 + 0.5 × 2) / 10
    assert row["composite"] == 82.0  # 100 × (0.2 × 0.9 + 0.4 × 0.8 + 0.4 × 0.8)
    log = AuditLog.objects.get(action="stats.rate_settings")
    assert log.actor_id == world.admin.pk
    assert log.data["before"]["rating_factors"]["3"] == 0.9 and log.data["after"]["rating_factors"]["3"] == 0.5


@pytest.mark.django_db
def test_only_administrators_and_only_sound_values(world: World) -> None:
    weights = {"response": "0.1", "resolution": "0.5", "satisfaction": "0.4"}
    with pytest.raises(PermissionDenied):
        rate_config_update(world.supervisor, weights=weights, rating_factors=FACTORS, min_volume=10)
    for bad in ({**weights, "response": "0.2"}, {**weights, "response": "abc"}, {**weights, "response": "NaN"},
                {**weights, "response": "-0.1"}):
        with pytest.raises(InvalidInput):
            rate_config_update(world.admin, weights=bad, rating_factors=FACTORS, min_volume=10)
    with pytest.raises(InvalidInput):
        rate_config_update(world.admin, weights=weights, rating_factors={**FACTORS, "3": "2"}, min_volume=10)
    with pytest.raises(InvalidInput):
        rate_config_update(world.admin, weights=weights, rating_factors=FACTORS, min_volume="0")
    assert not AuditLog.objects.filter(action="stats.rate_settings").exists()
