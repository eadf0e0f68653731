"""Personal data on a case as a given person may see it: masked by default; a full view is
allowed only to roles that need it, and each full view is written to the audit log."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from banshi.cases.models import Case
from banshi.core.audit import audit_write
from banshi.core.errors import PermissionDenied
from banshi.core.privacy import mask_id_number, mask_name, mask_phone
from banshi.orgs.enums import ROLES_SEEING_PERSONAL_DATA, Role
from banshi.orgs.models import Person
from banshi.orgs.scoping import unit_within


def may_reveal(person: Person, case: Case) -> bool:
    if person.role not in ROLES_SEEING_PERSONAL_DATA:
        return False
    if case.confidential:
        # 保密: only the lead unit's handler and leader see who asked.
        return person.role in (Role.HANDLER, Role.LEADER) and unit_within(person, case.lead_unit_id)
    return True


def citizen_masked(case: Case) -> dict[str, Any]:
    return {
        "name": mask_name(case.citizen_name),
        "phone": mask_phone(case.citizen_phone),
        "id_number": mask_id_number(case.citizen_id_number),
        "masked": True,
    }


def citizen_reveal(person: Person, case: Case, *, ip: str | None = None, purpose: str = "") -> dict[str, Any]:
    if not may_reveal(person, case):
        raise PermissionDenied(_("您无权查看该群众的完整个人信息。"), code="reveal_forbidden")
    audit_write(actor_id=person.pk, action="personal_data_view", object_type="case", object_id=case.pk, ip=ip,
                data={"fields": ["name", "phone", "id_number"], "purpose": purpose[:200]})
    return {"name": case.citizen_name, "phone": case.citizen_phone, "id_number": case.citizen_id_number, "masked": False}
