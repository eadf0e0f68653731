"""Who sees which cases. A unit's people see the cases of their unit and its sub-units (intake,
lead or co-handling); a supervisor sees the cases of the region of their unit; a committee
dispatcher also sees the cases of the committee's region; a system administrator sees no case
content at all. The unit-tree helpers these rules use live in orgs/scoping.py."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from banshi.cases.models import Case, CaseUnit
from banshi.orgs.enums import Role
from banshi.orgs.models import Person, Unit
from banshi.orgs.scoping import sees_region, unit_subtree_ids, unit_within

CO_CASES_INLINE = 5000


def case_visibility_q(person: Person) -> Q:
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


def case_in_region(person: Person, case: Case) -> bool:
    return person.unit is not None and case.region_path.startswith(person.unit.region.path)


def can_see_case(person: Person, case: Case) -> bool:
    if not person.is_active or person.unit is None or person.role == Role.ADMIN:
        return False
    if sees_region(person) and case_in_region(person, case):
        return True
    if unit_within(person, case.intake_unit_id) or unit_within(person, case.lead_unit_id):
        return True
    co_ids = CaseUnit.objects.filter(case_id=case.pk).values_list("unit_id", flat=True)
    return Unit.objects.filter(pk__in=co_ids, path__startswith=person.unit.path).exists()
