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


def test_a_preferred_kind_comes_before_a_nearer_unit_of_another_kind(world: World) -> None:
    """A village demand for 城管 goes to the district's 城管执法局, not to its own street office; the
    street office serves only when the item prefers it, or when no unit of a preferred kind serves."""
    town = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    village = Region.objects.create(code="130302001001", name="某社区", level=5, parent=town)
    street = Unit.objects.create(name="文化路街道办事处", kind="street", region=town)
    urban = Unit.objects.create(name="海港区城市管理综合行政执法局", kind="urban_management", region=world.district)
    civil = Unit.objects.create(name="海港区民政局", kind="civil_affairs", region=world.district)
    assert unit_for("other", village.path, ["urban_management"]) == urban
    assert unit_for("other", village.path, ["street", "civil_affairs"]) == street
    assert unit_for("other", world.district.path, ["street", "civil_affairs"]) == civil  # no street serves it
    assert unit_for("other", village.path, ["health"]) == street  # fall-back: the nearest unit of the agency
    assert unit_for("other", village.path) == street
