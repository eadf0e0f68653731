"""The stations of the three-level platform and their counsellors: finding the station that serves
a region (the crisis rule), a person's counsellor record, the duty counsellors, and adding
stations and counsellors (demo, administration).

Which station serves a demand's region (crisis intervention): among the active stations whose
region is the demand's region or one of its ancestors (村居 → 镇街 → 区), the nearest one that has
an active duty counsellor (值班) with an account; if none has one, the nearest station at all (its
unit's inbox is alerted). No station on the way up: no psych unit for that region."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from banshi.core.errors import InvalidInput
from banshi.orgs.models import Person, Region, Unit
from banshi.psych import catalog
from banshi.psych.models import Counsellor, Station


def station_get(station_id: int) -> Station:
    station = Station.objects.select_related("unit", "region").filter(pk=station_id, is_active=True,
                                                                      unit__is_active=True).first()
    if station is None:
        raise InvalidInput(_("请选择心理服务站点（心灵驿站）。"), code="invalid_station")
    return station


def _ancestor_codes(region_path: str) -> list[str]:
    return [code for code in region_path.split("/") if code]


def station_for_region(region_path: str) -> Station | None:
    """The station that serves this region (see the module's rule), or None."""
    codes = _ancestor_codes(region_path)
    if not codes:
        return None
    stations = list(Station.objects.select_related("unit", "region")
                    .filter(region_id__in=codes, is_active=True, unit__is_active=True))
    if not stations:
        return None
    depth = {code: i for i, code in enumerate(codes)}
    stations.sort(key=lambda s: (-depth[s.region_id], s.pk))  # nearest first
    staffed = set(Counsellor.objects.filter(station__in=stations, on_duty=True, is_active=True,
                                            person__is_active=True).values_list("station_id", flat=True))
    return next((s for s in stations if s.pk in staffed), stations[0])


def station_for_unit(unit: Unit, region_path: str = "") -> Station | None:
    """A station of this unit: the nearest to the region when one serves it, else its first."""
    stations = Station.objects.select_related("unit", "region").filter(unit=unit, is_active=True)
    if region_path:
        codes = _ancestor_codes(region_path)
        near = sorted((s for s in stations if s.region_id in codes), key=lambda s: -codes.index(s.region_id))
        if near:
            return near[0]
    return stations.order_by("id").first()


def duty_counsellors(station: Station) -> list[Counsellor]:
    return list(Counsellor.objects.select_related("person").filter(station=station, on_duty=True, is_active=True)
                .order_by("id"))


def counsellor_of(person: Person | None, station: Station) -> Counsellor | None:
    """This person's counsellor record at the station, else at another station of the same unit."""
    if person is None:
        return None
    mine = Counsellor.objects.filter(person=person, is_active=True)
    return mine.filter(station=station).first() or mine.filter(station__unit_id=station.unit_id).order_by("id").first()


def counsellor_pick(station: Station, *, counsellor_id: int | None = None, name: str = "",
                    actor: Person | None = None) -> Counsellor | None:
    """The counsellor given by id or by name among the stations of the station's unit; else the
    actor's own record; else None."""
    pool = Counsellor.objects.filter(station__unit_id=station.unit_id, is_active=True)
    if counsellor_id is not None:
        found = pool.filter(pk=counsellor_id).first()
        if found is None:
            raise InvalidInput(_("咨询师不属于本单位的心理服务站点，或已不在岗。"), code="invalid_counsellor")
        return found
    name = (name or "").strip()
    if name:
        named = list(pool.filter(name=name).order_by("id")[:3])
        if not named:
            raise InvalidInput(_("本单位的心理服务站点没有在岗的咨询师“%(n)s”。") % {"n": name[:30]},
                               code="invalid_counsellor")
        here = [c for c in named if c.station_id == station.pk]
        if len(here) == 1 or len(named) == 1:
            return (here or named)[0]
        raise InvalidInput(_("有多名咨询师叫“%(n)s”，请按编号选择。") % {"n": name[:30]}, code="ambiguous_counsellor")
    return counsellor_of(actor, station)


def station_heads(station: Station) -> list[Counsellor]:
    return list(Counsellor.objects.filter(station=station, is_head=True, is_active=True).select_related("person"))


def stations_for(person: Person) -> list[Station]:
    """The stations a staff member works with: those of their unit's subtree, or, for a supervisor
    (or a committee dispatcher), those serving their region."""
    from banshi.orgs.scoping import sees_region

    if not person.is_active or person.unit is None:
        return []
    q = Q(unit__path__startswith=person.unit.path)
    if sees_region(person):
        q |= Q(region__path__startswith=person.unit.region.path)
    return list(Station.objects.filter(q, is_active=True).select_related("unit", "region").order_by("id"))


def station_add(unit: Unit, *, level: str, name: str, region: Region, address: str = "", phone: str = "") -> Station:
    if level not in catalog.psych()["station_levels"]:
        raise InvalidInput(_("站点层级不正确：%(v)s") % {"v": level[:20]}, code="invalid_level")
    return Station.objects.create(unit=unit, level=level, name=name[:120], region=region, address=address[:200],
                                  phone=phone[:20])


def counsellor_add(station: Station, name: str, *, person: Person | None = None, title: str = "",
                   on_duty: bool = False, is_head: bool = False) -> Counsellor:
    return Counsellor.objects.create(station=station, name=name[:60], person=person, title=title[:60],
                                     on_duty=on_duty, is_head=is_head)
