"""The demo world: regions, units, staff, service points and grids of the demo places.

What the world is made of comes from ``banshi/demo/data/`` (places.yaml, units.yaml, staff.yaml,
people.yaml; see dataset.py); this module only builds it. Existing rows with the same codes or names
are reused, and a username that belongs to someone else is never touched.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from banshi.demo.dataset import DemoData, Names, PlaceSpec, UnitSpec
from banshi.intake.models import ServicePoint
from banshi.orgs.enums import RegionLevel, Role
from banshi.orgs.models import Grid, Person, Region, Unit

DEMO_PASSWORD = "banshi2021"

# -- personal data -------------------------------------------------------------------------------

# GB 11643-1999 check digit of the resident ID number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def name_random(rng: random.Random, names: Names, female: bool | None = None) -> str:
    female = rng.random() < 0.5 if female is None else female
    chars = names.female_chars if female else names.male_chars
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return rng.choice(names.surnames) + given


def mobile_random(rng: random.Random, names: Names) -> str:
    return rng.choice(names.mobile_prefixes) + f"{rng.randrange(10**8):08d}"


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_random(rng: random.Random, region_code: str, today: datetime) -> str:
    """A well-formed 18-digit resident ID: region, birth date, sequence (odd = male), check digit."""
    age_days = rng.randint(18 * 365, 85 * 365)
    birth = (today - timedelta(days=age_days)).date()
    body = f"{region_code[:6]}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + id_check_digit(body)


# -- the world ------------------------------------------------------------------------------------


@dataclass
class PlaceWorld:
    spec: PlaceSpec
    county: Region
    streets: list[Region]
    communities: list[list[Region]]
    units: dict[str, list[Unit]] = field(default_factory=dict)
    staff: dict[int, dict[str, list[Person]]] = field(default_factory=dict)
    grids: list[list[Grid]] = field(default_factory=list)
    points: dict[str, ServicePoint] = field(default_factory=dict)

    def unit(self, key: str, street: int = 0) -> Unit:
        units = self.units[key]
        return units[street % len(units)]

    def people(self, unit: Unit, role: str) -> list[Person]:
        return self.staff.get(unit.pk, {}).get(role, [])

    def one(self, rng: random.Random, unit: Unit, role: str) -> Person:
        people = self.people(unit, role)
        if not people:
            raise LookupError(f"{unit.name} 没有 {role}")
        return rng.choice(people)

    @property
    def committee(self) -> Unit:
        return self.units["committee"][0]


@dataclass
class DemoResult:
    places: int = 0
    units: int = 0
    people: int = 0
    grids: int = 0
    cases: int = 0
    states: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    extended: int = 0
    reopened: int = 0
    supervised: int = 0
    knowledge: int = 0  # knowledge-base entries added
    co_handled: int = 0
    transferred: int = 0
    # the specialised matters (services.py): files by state, how many came from a demand, the
    # committees' rooms and mediators added, and the money recovered by the legal-aid files closed
    legal_aid: Counter[str] = field(default_factory=Counter)
    other_matters: dict[str, int] = field(default_factory=dict)  # 公证, 司法救助, 心理服务: how many each
    mediation: Counter[str] = field(default_factory=Counter)
    referred: int = 0
    rooms: int = 0
    mediators: int = 0
    recovered: Decimal = Decimal(0)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # role label, username, unit


class _Staff:
    """Collects people for one bulk insert; usernames are unique and readable."""

    def __init__(self, rng: random.Random, password_hash: str, names: Names) -> None:
        self.rng = rng
        self.password_hash = password_hash
        self.names = names
        self.pending: list[tuple[Person, PlaceWorld, Unit]] = []
        self.taken = set(Person.objects.values_list("username", flat=True))
        self.logins: dict[str, str] = {}  # role → the username printed for it

    def add(self, world: PlaceWorld, unit: Unit, role: str, username: str, login: bool = False) -> None:
        if username in self.taken:
            person = Person.objects.filter(username=username).first()
            if person is not None and person.unit_id == unit.pk and person.role == role:
                world.staff.setdefault(unit.pk, {}).setdefault(role, []).append(person)  # an earlier demo's
                if login:
                    self.logins[role] = username
                return
            n = 2
            while f"{username}{n}" in self.taken:
                n += 1
            username = f"{username}{n}"  # the name belongs to someone else: never touch their account
        self.taken.add(username)
        if login:
            self.logins[role] = username
        name = name_random(self.rng, self.names)
        person = Person(
            username=username, role=role, unit=unit, display_name=name, last_name=name[0], first_name=name[1:],
            password=self.password_hash, is_active=True,
        )
        self.pending.append((person, world, unit))

    def save(self) -> int:
        people = Person.objects.bulk_create([p for p, _, _ in self.pending])
        for person, (_, world, unit) in zip(people, self.pending, strict=True):
            world.staff.setdefault(unit.pk, {}).setdefault(person.role, []).append(person)
        return len(people)


def _region(code: str, name: str, level: int, parent: Region | None) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or region.name != name or region.level != level or region.parent_id != (parent.pk if parent else None):
        region = region or Region(code=code)
        region.name, region.level, region.parent = name, level, parent
        region.save()
    return region


def _unit(name: str, kind: str, region: Region, parent: Unit | None = None) -> Unit:
    unit = Unit.objects.filter(name=name, region=region).first()
    if unit is None:
        unit = Unit(name=name, kind=kind, region=region, parent=parent)
        unit.save()
    return unit


def world_build(rng: random.Random, result: DemoResult, data: DemoData) -> list[PlaceWorld]:
    """Regions, units, staff, grids and service points of the demo places."""
    staff = _Staff(rng, make_password(DEMO_PASSWORD), data.names)
    worlds: list[PlaceWorld] = []
    provinces: dict[str, Region] = {}
    for spec in data.places:
        province = provinces.get(spec.province[0]) or _region(*spec.province, RegionLevel.PROVINCE, None)
        provinces[spec.province[0]] = province
        city = _region(*spec.city, RegionLevel.CITY, province) if spec.city else None
        county = _region(*spec.county, RegionLevel.COUNTY, city or province)
        streets = [_region(code, name, RegionLevel.TOWN, county) for code, name in spec.streets]
        communities = []
        for i, street in enumerate(streets):
            names = [data.communities[(i * 3 + j + len(spec.key)) % len(data.communities)] for j in range(2)]
            communities.append(
                [_region(f"{street.code}{j + 1:03d}", n, RegionLevel.VILLAGE, street) for j, n in enumerate(names)]
            )
        w = PlaceWorld(spec, county, streets, communities)
        worlds.append(w)
        _units_build(w, data.units)
        result.units += sum(len(v) for v in w.units.values())
        _staff_plan(staff, w, data)
        for point in data.service_points:
            unit = w.units[point.unit][0]
            w.points[point.unit], _ = ServicePoint.objects.get_or_create(
                code=f"{spec.key}-{point.unit}",
                defaults={"name": point.name.format(unit=unit.name), "channel": point.channel, "unit": unit,
                          "region": county},
            )
    result.people = staff.save()
    result.logins = _logins(staff.logins)
    for w in worlds:
        for i, street_communities in enumerate(w.communities):
            officer_units = [w.unit(key, i) for key in data.grids.officers]
            row = []
            for community in street_communities:
                name = data.grids.name.format(community=community.name)
                grid = Grid.objects.filter(name=name, region=community).first()
                if grid is None:
                    grid = Grid.objects.create(name=name, region=community)
                    grid.officers.add(*[rng.choice(w.people(unit, Role.HANDLER)) for unit in officer_units])
                    result.grids += 1
                row.append(grid)
            w.grids.append(row)
    result.places = len(worlds)
    return worlds


def _units_build(w: PlaceWorld, specs: tuple[UnitSpec, ...]) -> None:
    """The units of one place, in file order (a parent is always built before its children)."""
    place = {"county": w.spec.county[1], "prefix": w.spec.prefix, "short": w.spec.short}
    for u in specs:
        parent = w.units[u.parent][0] if u.parent else None
        count = u.count(len(w.streets))
        if count is None:
            w.units[u.key] = [_unit(u.name.format(**place), u.kind, w.county, parent)]
            continue
        w.units[u.key] = [
            _unit(u.name.format(**place, street=street, street_short=street.removesuffix("街道")), u.kind, w.streets[i], parent)
            for i, (_, street) in enumerate(w.spec.streets[:count])
        ]


def _staff_plan(staff: _Staff, w: PlaceWorld, data: DemoData) -> None:
    """Queue the staff of one place (staff.yaml); the short logins belong to the login place."""
    key = w.spec.key
    demo = key == data.login_place
    for entry in data.staff:
        for index, unit in enumerate(w.units[entry.unit]):
            for people in entry.people:
                for n in range(people.count):
                    printed = bool(people.login and n == 0 and index == 0 and demo)
                    name = people.login if printed else f"{key}.{entry.unit}{index + 1}.{people.role}{n + 1}"
                    staff.add(w, unit, people.role, name, login=printed)


def _logins(usernames: dict[str, str]) -> list[tuple[str, str, str]]:
    out = []
    for role in (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN):
        person = Person.objects.select_related("unit").filter(username=usernames.get(role, "")).first()
        if person is not None:
            out.append((str(role.label), person.username, person.unit.name if person.unit else ""))
    return out
