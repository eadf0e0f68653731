"""Administration writes for units and people, each audited. None of these touches a case. The
web's admin pages (and any admin API) call these; the callers check that the actor is an administrator."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from banshi.core.admin import required_text
from banshi.core.audit import audit_write
from banshi.core.errors import Conflict, InvalidInput
from banshi.orgs.enums import Role, UnitKind
from banshi.orgs.models import Person, Region, Unit
from banshi.orgs.permissions import admin_required


def unit_create(*, actor: Person, name: str, kind: str, region_code: str, parent_id: int | None) -> Unit:
    admin_required(actor)
    name = required_text(name, _("单位名称"))[:120]
    if kind not in UnitKind.values:
        raise InvalidInput(_("单位类型不正确。"), code="invalid_kind")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise InvalidInput(_("行政区划代码不存在。"), code="invalid_region")
    parent = Unit.objects.filter(pk=parent_id).first() if parent_id else None
    if parent_id and parent is None:
        raise InvalidInput(_("上级单位不存在。"), code="invalid_parent")
    with transaction.atomic():
        unit = Unit.objects.create(name=name, kind=kind, region=region, parent=parent)
        audit_write(actor_id=actor.pk, action="unit_create", object_type="unit", object_id=unit.pk,
                    data={"name": name, "kind": kind, "region": region_code, "parent": parent_id})
    return unit


def unit_set_active(*, actor: Person, unit_id: int, active: bool) -> Unit:
    admin_required(actor)
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput(_("单位不存在。"), code="invalid_unit")
    with transaction.atomic():
        Unit.objects.filter(pk=unit.pk).update(is_active=active)
        audit_write(actor_id=actor.pk, action="unit_activate" if active else "unit_deactivate",
                    object_type="unit", object_id=unit.pk)
    unit.is_active = active
    return unit


def person_create(*, actor: Person, username: str, display_name: str, role: str, unit_id: int | None,
                  password: str) -> Person:
    admin_required(actor)
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    username = required_text(username, _("用户名"))[:150]
    if role not in Role.values:
        raise InvalidInput(_("角色不正确。"), code="invalid_role")
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first() if unit_id else None
    if unit is None:
        raise InvalidInput(_("请选择所属单位。"), code="invalid_unit")
    if Person.objects.filter(username=username).exists():
        raise Conflict(_("用户名已存在。"), code="username_taken")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), code="weak_password") from None
    with transaction.atomic():
        p = Person(username=username, display_name=(display_name or "").strip()[:60], role=role, unit=unit)
        p.set_password(password)
        p.save()
        audit_write(actor_id=actor.pk, action="person_create", object_type="person", object_id=p.pk,
                    data={"username": username, "role": role, "unit": unit.pk})
    return p


def person_update(*, actor: Person, person_id: int, role: str, unit_id: int | None, active: bool) -> Person:
    admin_required(actor)
    p = Person.objects.filter(pk=person_id).first()
    if p is None:
        raise InvalidInput(_("人员不存在。"), code="invalid_person")
    if role not in Role.values:
        raise InvalidInput(_("角色不正确。"), code="invalid_role")
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise InvalidInput(_("请选择所属单位。"), code="invalid_unit")
    if p.pk == actor.pk and (role != Role.ADMIN or not active):
        raise Conflict(_("不能取消自己的管理员身份或停用自己。"), code="self_demote")
    before = {"role": p.role, "unit": p.unit_id, "active": p.is_active}
    with transaction.atomic():
        p.role, p.unit, p.is_active = role, unit, active
        p.save(update_fields=["role", "unit", "is_active"])
        audit_write(actor_id=actor.pk, action="person_update", object_type="person", object_id=p.pk,
                    data={"before": before, "after": {"role": role, "unit": unit.pk, "active": active}})
    return p


# No 0/O, 1/l/I: the temporary password is read out over the phone or copied from the screen.
_TEMPORARY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """Twelve random characters in three groups of four (about 69 bits), e.g. "Hk7p-3mQz-8RtW"."""
    raw = "".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(12))
    return "-".join(raw[i:i + 4] for i in range(0, 12, 4))


def person_password_reset(*, actor: Person, person_id: int, ip: str | None = None) -> tuple[Person, str]:
    """An administrator gives a person a new temporary password (returned once, never stored in
    clear or written to the log) and lifts a lockout. The person's signed-in sessions end (Django
    checks the password hash of every session). Audited; the caller checks that the actor is an
    administrator."""
    admin_required(actor)
    p = Person.objects.filter(pk=person_id).first()
    if p is None:
        raise InvalidInput(_("人员不存在。"), code="invalid_person")
    if p.pk == actor.pk:
        raise Conflict(_("不能重置自己的密码，请由另一位系统管理员重置。"), code="self_reset")
    password = temporary_password()
    with transaction.atomic():
        p.set_password(password)
        p.failed_logins, p.locked_until = 0, None
        p.save(update_fields=["password", "failed_logins", "locked_until"])
        audit_write(actor_id=actor.pk, action="person_password_reset", object_type="person", object_id=p.pk,
                    ip=ip, data={"username": p.username})
    return p, password
