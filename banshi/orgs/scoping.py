"""The unit tree as scoping sees it: a unit's subtree, whether a person's unit contains another,
and who sees a whole region. Which cases a person sees is the cases' rule (cases/visibility.py)."""

from __future__ import annotations

from banshi.orgs.enums import Role, UnitKind
from banshi.orgs.models import Person, Unit, unit_path, unit_paths_clear

__all__ = ["sees_region", "unit_path", "unit_paths_clear", "unit_subtree_ids", "unit_within"]


def unit_subtree_ids(unit: Unit) -> list[int]:
    return list(Unit.objects.filter(path__startswith=unit.path).values_list("id", flat=True))


def sees_region(person: Person) -> bool:
    """Supervisors, and dispatchers of a political-legal committee, see their whole region."""
    if person.unit is None:
        return False
    if person.role == Role.SUPERVISOR:
        return True
    return person.role == Role.DISPATCHER and person.unit.kind == UnitKind.COMMITTEE


def unit_within(person: Person, unit_id: int | None) -> bool:
    if unit_id is None or person.unit is None:
        return False
    path = unit_path(unit_id)
    return bool(path) and path.startswith(person.unit.path)
