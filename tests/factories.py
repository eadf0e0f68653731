"""A small world for tests: one district with a committee, police, a court and justice units."""

from __future__ import annotations

from dataclasses import dataclass

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.models import Case
from banshi.orgs.models import Person, Region, Unit

PASSWORD = "banshi-test-123"


def person(username: str, role: str, unit: Unit) -> Person:
    p = Person(username=username, role=role, unit=unit, display_name=username)
    p.set_password(PASSWORD)
    p.save()
    return p


@dataclass
class World:
    city: Region
    district: Region
    other_district: Region
    committee: Unit
    police: Unit
    station: Unit
    station2: Unit
    court: Unit
    justice: Unit
    justice_office: Unit
    other_committee: Unit
    other_station: Unit
    operator: Person
    dispatcher: Person
    handler: Person
    leader: Person
    handler2: Person
    court_handler: Person
    court_leader: Person
    justice_handler: Person
    supervisor: Person
    admin: Person
    other_handler: Person
    other_supervisor: Person


def world_build() -> World:
    from banshi.sla.services import policies_load_defaults

    policies_load_defaults()  # a transactional test flushes the rows the data migration made
    city = Region.objects.create(code="130300", name="秦皇岛市", level=2)
    district = Region.objects.create(code="130302", name="海港区", level=3, parent=city)
    other = Region.objects.create(code="130303", name="山海关区", level=3, parent=city)
    committee = Unit.objects.create(name="海港区委政法委", kind="committee", region=district)
    police = Unit.objects.create(name="海港公安分局", kind="police_branch", region=district)
    station = Unit.objects.create(name="文化路派出所", kind="police_station", region=district, parent=police)
    station2 = Unit.objects.create(name="建设大街派出所", kind="police_station", region=district, parent=police)
    court = Unit.objects.create(name="海港区人民法院", kind="court", region=district)
    justice = Unit.objects.create(name="海港区司法局", kind="justice_bureau", region=district)
    justice_office = Unit.objects.create(name="文化路司法所", kind="justice_office", region=district, parent=justice)
    other_committee = Unit.objects.create(name="山海关区委政法委", kind="committee", region=other)
    other_station = Unit.objects.create(name="山海关派出所", kind="police_station", region=other)
    return World(
        city=city, district=district, other_district=other, committee=committee, police=police, station=station,
        station2=station2, court=court, justice=justice, justice_office=justice_office,
        other_committee=other_committee, other_station=other_station,
        operator=person("operator", "operator", committee),
        dispatcher=person("dispatcher", "dispatcher", committee),
        handler=person("handler", "handler", station),
        leader=person("leader", "leader", station),
        handler2=person("handler2", "handler", station2),
        court_handler=person("court_handler", "handler", court),
        court_leader=person("court_leader", "leader", court),
        justice_handler=person("justice_handler", "handler", justice_office),
        supervisor=person("supervisor", "supervisor", committee),
        admin=person("admin", "admin", committee),
        other_handler=person("other_handler", "handler", other_station),
        other_supervisor=person("other_supervisor", "supervisor", other_committee),
    )


def case_new(world: World, **kw: object) -> Case:
    data = CaseInput(
        type=str(kw.pop("type", "help")),
        channel=str(kw.pop("channel", "hotline_12345")),
        content=str(kw.pop("content", "小区门口夜间有人聚集喝酒吵闹，影响休息，请派出所处理。")),
        citizen_name=str(kw.pop("citizen_name", "张三")),
        citizen_phone=str(kw.pop("citizen_phone", "13812345678")),
        region_code=str(kw.pop("region_code", world.district.code)),
        **kw,  # type: ignore[arg-type]
    )
    case, _ = case_register(data=data, intake_unit=world.committee, actor=world.operator)
    return case


# -- routing to the unit (issue 15): the departments the catalogue's unit kinds name ------------------


@dataclass
class RoutingUnits:
    """A street (文化路街道, with a community) in the world's district and the county departments
    and procuratorate that catalogue items prefer; each unit has a handler."""

    town: Region
    village: Region
    street: Unit
    urban: Unit
    housing: Unit
    hrss: Unit
    health: Unit
    civil_affairs: Unit
    market: Unit
    environment: Unit
    procuratorate: Unit


def routing_units_build(world: World) -> RoutingUnits:
    town = Region.objects.create(code="130302001", name="文化路街道", level=4, parent=world.district)
    village = Region.objects.create(code="130302001001", name="文化里社区", level=5, parent=town)

    def unit(name: str, kind: str, region: Region) -> Unit:
        u = Unit.objects.create(name=name, kind=kind, region=region)
        person(f"{kind}_handler", "handler", u)
        return u

    return RoutingUnits(
        town=town, village=village,
        street=unit("文化路街道办事处", "street", town),
        urban=unit("海港区城市管理综合行政执法局", "urban_management", world.district),
        housing=unit("海港区住房和城乡建设局", "housing", world.district),
        hrss=unit("海港区人力资源和社会保障局", "human_resources", world.district),
        health=unit("海港区卫生健康局", "health", world.district),
        civil_affairs=unit("海港区民政局", "civil_affairs", world.district),
        market=unit("海港区市场监督管理局", "market_regulation", world.district),
        environment=unit("秦皇岛市生态环境局海港分局", "environment", world.district),
        procuratorate=unit("海港区人民检察院", "procuratorate", world.district),
    )


# -- specialised matters (issue 11): a legal-aid centre and a mediation committee --------------------


@dataclass
class ServiceUnits:
    aid_centre: Unit
    aid_handler: Person
    aid_leader: Person
    committee: Unit  # 人民调解委员会
    mediator: Person  # a handler of the committee
    med_leader: Person


def service_units_build(world: World) -> ServiceUnits:
    aid = Unit.objects.create(name="海港区法律援助中心", kind="legal_aid", region=world.district, parent=world.justice)
    med = Unit.objects.create(name="文化路人民调解委员会", kind="mediation", region=world.district,
                              parent=world.justice_office)
    return ServiceUnits(
        aid_centre=aid, aid_handler=person("aid_handler", "handler", aid), aid_leader=person("aid_leader", "leader", aid),
        committee=med, mediator=person("mediator", "handler", med), med_leader=person("med_leader", "leader", med),
    )
