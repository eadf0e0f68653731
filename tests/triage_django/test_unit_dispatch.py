"""Routing to the unit through real registration (issue 15): the suggestion names a unit of the
item's unit kinds in the demand's place, says whether it is one (``unit_preferred``) and how sure
the model is of it (``unit_confidence``), and a demand is dispatched without a dispatcher only to
a confident unit of a preferred kind — never to a fall-back unit of the agency."""

from __future__ import annotations

import importlib

import pytest

from banshi.cases.enums import State
from banshi.orgs.models import Unit
from banshi.triage.integration import auto_dispatch_unit, triage_text, unit_confidence
from banshi.triage.models import CatalogueItem
from tests.factories import RoutingUnits, World, case_new, routing_units_build

BARBECUE = "楼下的烧烤摊每天晚上营业到凌晨，油烟和噪音太大，窗户都不敢开"
WAGES = "老板拖欠我们三个月工资一直不发，工地上十几个工人都没拿到钱"


@pytest.fixture
def units(world: World) -> RoutingUnits:
    return routing_units_build(world)


@pytest.fixture
def auto(settings) -> None:  # type: ignore[no-untyped-def]
    settings.BANSHI_AUTO_DISPATCH_CONFIDENCE = 0.6


def _register(world: World, units: RoutingUnits, text: str, phone: str = "13812345678"):  # type: ignore[no-untyped-def]
    case = case_new(world, content=text, region_code=units.village.code, citizen_phone=phone)
    case.refresh_from_db()
    return case


def test_barbecue_smoke_is_dispatched_to_urban_management(world: World, units: RoutingUnits, auto: None) -> None:
    case = _register(world, units, BARBECUE)
    t = case.triage
    assert t["category"] == "other.urban_management"
    assert (t["unit_id"], t["unit_kind"], t["unit_preferred"]) == (units.urban.pk, "urban_management", True)
    assert t["unit_confidence"] >= t["confidence"] >= 0.6
    assert case.state == State.DISPATCHED and case.lead_unit_id == units.urban.pk
    assert case.lead_unit_id != units.housing.pk  # where the issue saw it go


def test_without_the_serving_department_a_fallback_is_only_suggested(world: World, auto: None) -> None:
    """No 城管 unit serves the place: the suggestion names another unit of the agency, says it is a
    fall-back, and the demand waits for a dispatcher however confident the category is."""
    town = world.district
    housing = Unit.objects.create(name="海港区住房和城乡建设局", kind="housing", region=town)
    case = case_new(world, content=BARBECUE)
    case.refresh_from_db()
    t = case.triage
    assert t["category"] == "other.urban_management" and t["confidence"] >= 0.6
    assert (t["unit_id"], t["unit_preferred"]) == (housing.pk, False)
    assert t["unit_confidence"] < 0.6
    assert case.state == State.REGISTERED and case.lead_unit_id is None


@pytest.mark.parametrize(
    ("text", "attr", "kind"),
    [
        (WAGES, "hrss", "human_resources"),
        ("我们农民工被欠了半年工钱，想请检察院支持我们起诉", "procuratorate", "procuratorate"),
        ("儿女都不赡养老人，八十多岁的老母亲一个人住，生活没人照顾", "street", "street"),
        ("村边那条河被沿岸企业污染了好多年，环保部门一直不管，损害公共利益", "procuratorate", "procuratorate"),
        ("化工厂夜里往河里偷排污水", "environment", "environment"),
        ("超市把过期的食品改了日期继续卖", "market", "market_regulation"),
    ],
)
def test_demands_reach_a_unit_of_the_items_kind(world: World, units: RoutingUnits, text: str, attr: str,
                                                kind: str) -> None:
    case = _register(world, units, text)
    assert case.triage["unit_kind"] == kind and case.triage["unit_preferred"] is True
    assert case.triage["unit_id"] == getattr(units, attr).pk


def test_the_nearest_unit_of_the_preferred_kind_serves(world: World, units: RoutingUnits) -> None:
    """Elder support prefers the street: the village's own 街道办事处; a district-level demand,
    which no street serves, gets the second kind (民政局)."""
    text = "儿女都不赡养老人，八十多岁的老母亲一个人住，生活没人照顾"
    assert triage_text(text, units.village.path)["unit_id"] == units.street.pk
    s = triage_text(text, world.district.path)
    assert (s["unit_id"], s["unit_kind"], s["unit_preferred"]) == (units.civil_affairs.pk, "civil_affairs", True)


def test_medical_emergency_goes_to_health_and_is_never_auto_dispatched(world: World, units: RoutingUnits,
                                                                        auto: None) -> None:
    case = _register(world, units, "老伴突然倒地不省人事，叫也叫不醒")
    t = case.triage
    assert t["unit_kind"] == "health" and t["unit_id"] == units.health.pk and t["unit_preferred"] is True
    assert t["emergency"] and "120" in t["transfer_to"]
    assert case.state == State.REGISTERED  # an emergency waits for a person, however sure


def test_self_harm_intent_goes_to_the_police(world: World, units: RoutingUnits) -> None:
    case = _register(world, units, "我最近有轻生的念头，晚上一个人的时候特别难受")
    assert case.triage["agency"] == "police"
    assert case.triage["unit_id"] in (world.station.pk, world.station2.pk)  # 派出所, the item's first kind


def test_confident_category_with_unsure_unit_waits(world: World, units: RoutingUnits, settings) -> None:  # type: ignore[no-untyped-def]
    """Auto-dispatch needs both: a suggestion whose unit confidence is below the threshold waits."""
    settings.BANSHI_AUTO_DISPATCH_CONFIDENCE = 0.6
    s = triage_text(WAGES, units.village.path)
    assert s["unit_preferred"] and s["confidence"] >= 0.6
    assert auto_dispatch_unit("help", s) == units.hrss.pk
    assert auto_dispatch_unit("help", {**s, "unit_confidence": 0.5}) is None
    assert auto_dispatch_unit("help", {**s, "confidence": 0.5}) is None
    assert auto_dispatch_unit("help", {**s, "unit_preferred": False}) is None
    older = {k: v for k, v in s.items() if k not in ("unit_preferred", "unit_confidence")}
    assert auto_dispatch_unit("help", older) is None  # a suggestion stored before the check
    assert auto_dispatch_unit("consultation", s) is None


def test_unit_confidence_adds_the_items_of_that_kind() -> None:
    kinds = {"other.elder_care": ["street", "civil_affairs"], "other.civil_affairs": ["civil_affairs"],
             "justice.mediation": ["mediation", "justice_office"]}
    alternatives = (("other.elder_care", 0.5), ("other.civil_affairs", 0.3), ("justice.mediation", 0.2))
    assert unit_confidence(alternatives, kinds, "civil_affairs") == pytest.approx(0.8)
    assert unit_confidence(alternatives, kinds, "street") == pytest.approx(0.5)
    assert unit_confidence(alternatives, kinds, "housing") == 0.0


def test_an_administrators_kinds_are_used(world: World, units: RoutingUnits, auto: None) -> None:
    """The kinds stored on the catalogue row rule: moved to the street, barbecues go there."""
    from banshi.triage.integration import catalogue_model_reset

    CatalogueItem.objects.filter(code="other.urban_management").update(unit_kinds=["street"])
    catalogue_model_reset()
    case = _register(world, units, BARBECUE)
    assert case.triage["unit_id"] == units.street.pk and case.lead_unit_id == units.street.pk


# ------------------------------------------------------------------------------ migrations


def test_existing_department_units_get_their_kind_by_name(world: World) -> None:
    from django.apps import apps

    mig = importlib.import_module("banshi.orgs.migrations.0002_unit_kinds_departments")
    names = {"海港区城市管理综合行政执法局": "urban_management", "海港区人力资源和社会保障局": "human_resources",
             "海港区住房和城乡建设局": "housing", "海港区医疗保障局": "medical_security", "海港区卫生健康局": "health",
             "海港区档案馆": "department"}
    ids = {name: Unit.objects.create(name=name, kind="department", region=world.district).pk for name in names}
    mig.kinds_from_names(apps, None)
    assert {n: Unit.objects.get(pk=pk).kind for n, pk in ids.items()} == names
    assert Unit.objects.get(pk=world.court.pk).kind == "court"
    mig.kinds_back(apps, None)
    assert set(Unit.objects.filter(pk__in=ids.values()).values_list("kind", flat=True)) == {"department"}


def test_catalogue_migration_updates_only_what_nobody_edited(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """An older database: items seeded with the old default kinds and text get the new ones, an
    item an administrator edited keeps its text, a new item is added."""
    from django.apps import apps

    mig = importlib.import_module("banshi.triage.migrations.0003_catalogue_unit_kinds")
    old = CatalogueItem.objects.get(code="other.urban_management")
    old.unit_kinds, old.examples, old.name = ["department", "street"], ["路边烧烤油烟太大"], "城管执法与市容"
    old.save()
    edited = CatalogueItem.objects.get(code="other.housing")
    edited.unit_kinds, edited.examples = ["department", "street"], ["管理员写的示例"]
    edited.save()
    mine = CatalogueItem.objects.get(code="court.filing")
    mine.unit_kinds = ["court"]
    mine.save()
    CatalogueItem.objects.filter(code="police.self_harm").delete()
    monkeypatch.setitem(mig._OLD_TEXT, "other.urban_management",
                        mig._fingerprint(old.name, old.department, old.examples, old.keywords, old.notes))
    mig.update(apps, None)

    old.refresh_from_db()
    assert old.unit_kinds == ["urban_management"] and len(old.examples) > 1  # the shipped text now
    edited.refresh_from_db()
    assert edited.unit_kinds == ["housing"] and edited.examples == ["管理员写的示例"]
    assert CatalogueItem.objects.get(code="police.self_harm").unit_kinds[0] == "police_station"
    mine.refresh_from_db()
    assert mine.unit_kinds == ["court"]
