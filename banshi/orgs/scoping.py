"""Who sees which cases. A unit's people see the cases of their unit and its sub-units; a
supervisor sees the cases of the region of their unit; a committee dispatcher also sees the
cases of the committee's region; a system administrator sees no case content at all."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from banshi.orgs.enums import Role, UnitKind
from banshi.orgs.models import Person, Unit

if TYPE_CHECKING:
    from banshi.cases.models import Case


def unit_subtree_ids(unit: Unit) -> list[int]:
    return list(Unit.objects.filter(path__startswith=unit.path).values_list("id", flat=True))


def sees_region(person: Person) -> bool:
    """Supervisors, and dispatchers of a political-legal committee, see their whole region."""
    if person.unit is None:
        return False
    if person.role == Role.SUPERVISOR:
        return True
    return person.role == Role.DISPATCHER and person.unit.kind == UnitKind.COMMITTEE


CO_CASES_INLINE = 5000


def case_visibility_q(person: Person) -> Q:
    from banshi.cases.models import CaseUnit

    if not person.is_active or person.unit is None or person.role == Role.ADMIN:
        return Q(pk__in=[])
    unit = person.unit
    ids = unit_subtree_ids(unit)
    q = Q(intake_unit_id__in=ids) | Q(lead_unit_id__in=ids)
    # Co-handled cases as a literal id list: OR-ing an EXISTS made PostgreSQL scan the whole
    # table (bench/workbench.py); a list becomes a BitmapOr of index scans.
    co = list(CaseUnit.objects.filter(unit_id__in=ids).values_list("case_id", flat=True)[: CO_CASES_INLINE + 1])
    if len(co) > CO_CASES_INLINE:
        q |= Q(Exists(CaseUnit.objects.filter(case_id=OuterRef("pk"), unit_id__in=ids)))
    elif co:
        q |= Q(pk__any=co)  # one array parameter on PostgreSQL (banshi/core/lookups.py)
    if sees_region(person):
        q |= Q(region_path__startswith=unit.region.path)
    return q


_unit_paths: dict[int, tuple[float, str]] = {}
UNIT_PATH_TTL = 60.0


def unit_path(unit_id: int) -> str:
    """A unit's materialised path, cached per process for a minute (units rarely move)."""
    hit = _unit_paths.get(unit_id)
    if hit is not None and time.monotonic() - hit[0] < UNIT_PATH_TTL:
        return hit[1]
    path = Unit.objects.filter(pk=unit_id).values_list("path", flat=True).first() or ""
    _unit_paths[unit_id] = (time.monotonic(), path)
    return path


def unit_paths_clear() -> None:
    _unit_paths.clear()


def unit_within(person: Person, unit_id: int | None) -> bool:
    if unit_id is None or person.unit is None:
        return False
    path = unit_path(unit_id)
    return bool(path) and path.startswith(person.unit.path)


def case_in_region(person: Person, case: Case) -> bool:
    return person.unit is not None and case.region_path.startswith(person.unit.region.path)


def can_see_case(person: Person, case: Case) -> bool:
    from banshi.cases.models import CaseUnit

    if not person.is_active or person.unit is None or person.role == Role.ADMIN:
        return False
    if sees_region(person) and case_in_region(person, case):
        return True
    if unit_within(person, case.intake_unit_id) or unit_within(person, case.lead_unit_id):
        return True
    co_ids = CaseUnit.objects.filter(case_id=case.pk).values_list("unit_id", flat=True)
    return Unit.objects.filter(pk__in=co_ids, path__startswith=person.unit.path).exists()
