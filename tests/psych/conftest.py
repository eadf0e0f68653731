"""The psych platform of the test world: a district guidance centre (a committee unit under the
海港区委政法委, the platform owner) running stations at 区, 镇街 and 村居 level, with counsellors."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from banshi.orgs.models import Person, Region, Unit
from banshi.psych.models import Counsellor, Station
from banshi.psych.stations import counsellor_add, station_add
from tests.factories import World, person

SELF_HARM = "我不想活了，今晚就从楼上跳下去"


@dataclass
class PsychWorld:
    town: Region
    village: Region
    centre: Unit
    district_station: Station
    town_station: Station
    village_station: Station
    counsellor: Person  # handler, counsellor at the town station (on duty)
    head: Person  # leader, head (站长) of the town station
    colleague: Person  # handler of the centre, counsellor at the district station
    district_duty: Person  # handler, duty counsellor of the district station
    clerk: Person  # handler of the centre who is no counsellor
    c_counsellor: Counsellor
    c_head: Counsellor
    c_colleague: Counsellor
    c_district_duty: Counsellor
    c_volunteer: Counsellor  # village volunteer on duty, without an account


@pytest.fixture
def pw(world: World) -> PsychWorld:
    town = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    village = Region.objects.create(code="130302001001", name="文化里社区", level=5, parent=town)
    centre = Unit.objects.create(name="海港区社会心理服务指导中心", kind="committee", region=world.district,
                                 parent=world.committee)
    district_station = station_add(centre, level="district", name="海港区社会心理服务指导中心", region=world.district,
                                   address="海港区文化路1号")
    town_station = station_add(centre, level="town", name="文化路街道心灵驿站", region=town, address="文化路街道综治中心二楼")
    village_station = station_add(centre, level="village", name="文化里社区心灵驿站", region=village,
                                  address="文化里社区服务中心")
    counsellor = person("ps_counsellor", "handler", centre)
    head = person("ps_head", "leader", centre)
    colleague = person("ps_colleague", "handler", centre)
    district_duty = person("ps_duty", "handler", centre)
    clerk = person("ps_clerk", "handler", centre)
    return PsychWorld(
        town=town, village=village, centre=centre, district_station=district_station, town_station=town_station,
        village_station=village_station, counsellor=counsellor, head=head, colleague=colleague,
        district_duty=district_duty, clerk=clerk,
        c_counsellor=counsellor_add(town_station, "李心怡", person=counsellor, title="国家二级心理咨询师", on_duty=True),
        c_head=counsellor_add(town_station, "王站长", person=head, title="心理咨询师", is_head=True),
        c_colleague=counsellor_add(district_station, "赵明", person=colleague, title="心理咨询师"),
        c_district_duty=counsellor_add(district_station, "周值班", person=district_duty, title="心理咨询师", on_duty=True),
        c_volunteer=counsellor_add(village_station, "社区志愿者", title="心理志愿者", on_duty=True),
    )


class Api:
    """A JSON client acting as one person through a real API token."""

    def __init__(self, person: Person) -> None:
        from django.test import Client

        from banshi.orgs.auth import api_token_issue

        self.client = Client()
        self.auth = f"Bearer {api_token_issue(person)}"

    def get(self, path: str, **params: object):  # type: ignore[no-untyped-def]
        return self.client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=self.auth)

    def post(self, path: str, body: object = None):  # type: ignore[no-untyped-def]
        return self.client.post(f"/api/v1{path}", body if body is not None else {}, content_type="application/json",
                                HTTP_AUTHORIZATION=self.auth)
