from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from banshi.orgs.models import Person
from tests.factories import World
from tests.notary.support import Api, NotaryUnits, notary_units_build


@pytest.fixture
def nt(world: World) -> NotaryUnits:
    """海港区公证处 (under the district's justice bureau) with its staff, and 山海关区公证处 elsewhere."""
    return notary_units_build(world)


@pytest.fixture
def api_as(client: Client) -> Callable[[Person], Api]:
    return lambda person: Api(client, person)
