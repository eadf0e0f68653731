"""The deciding units of 国家司法救助 around the shared test world: the district court (world.court,
with its handler and leader) under a city intermediate court, the district procuratorate and the
police branch, each with a handler and a leader."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from banshi.orgs.models import Person, Unit
from tests.api.conftest import Api
from tests.factories import World, person


@dataclass
class JaUnits:
    court: Unit  # 海港区人民法院 (world.court): decides
    court_handler: Person
    court_leader: Person
    mid_court: Unit  # 秦皇岛市中级人民法院, above the district court
    mid_handler: Person
    mid_leader: Person
    procuratorate: Unit
    pro_handler: Person
    pro_leader: Person
    branch: Unit  # 海港公安分局 (world.police), above the police stations
    branch_handler: Person
    branch_leader: Person


@pytest.fixture
def ja(world: World) -> JaUnits:
    return ja_units_build(world)


def ja_units_build(world: World) -> JaUnits:
    mid = Unit.objects.create(name="秦皇岛市中级人民法院", kind="court", region=world.city)
    world.court.parent = mid
    world.court.save()
    pro = Unit.objects.create(name="海港区人民检察院", kind="procuratorate", region=world.district)
    return JaUnits(
        court=world.court, court_handler=world.court_handler, court_leader=world.court_leader,
        mid_court=mid, mid_handler=person("mid_handler", "handler", mid), mid_leader=person("mid_leader", "leader", mid),
        procuratorate=pro, pro_handler=person("pro_handler", "handler", pro), pro_leader=person("pro_leader", "leader", pro),
        branch=world.police, branch_handler=person("branch_handler", "handler", world.police),
        branch_leader=person("branch_leader", "leader", world.police),
    )


@pytest.fixture
def api_as(client: Client) -> Callable[[Person], Api]:
    return lambda p: Api(client, p)
