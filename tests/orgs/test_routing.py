from __future__ import annotations

from banshi.orgs.models import Region, Unit
from banshi.orgs.routing import unit_for
from tests.factories import World


def test_nearest_region_wins(world: World) -> None:
    town = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    village = Region.objects.create(code="130302001001", name="某社区", level=5, parent=town)
    town_station = Unit.objects.create(name="文化路街道派出所", kind="police_station", region=town, parent=world.police)
    assert unit_for("police", village.path) == town_station
    assert unit_for("police", world.district.path, ["police_station"]) in (world.station, world.station2)
    assert unit_for("police", world.district.path, ["police_branch"]) == world.police


def test_agency_without_unit_is_none(world: World) -> None:
    assert unit_for("procuratorate", world.district.path) is None
    assert unit_for("court", world.other_district.path) is None
    assert unit_for("court", world.district.path) == world.court
    assert unit_for("", world.district.path) is None
