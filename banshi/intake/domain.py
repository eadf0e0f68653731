"""Administration writes for service points (the channels' intake points behind the QR posters),
each audited. The web's admin pages (and any admin API) call these."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from banshi.cases.enums import Channel
from banshi.core.admin import required_text
from banshi.core.audit import audit_write
from banshi.core.errors import Conflict, InvalidInput
from banshi.intake.models import ServicePoint
from banshi.orgs.models import Person, Unit
from banshi.orgs.permissions import admin_required


def service_point_create(*, actor: Person, code: str, name: str, channel: str, unit_id: int | None) -> ServicePoint:
    admin_required(actor)
    from django.utils.text import slugify

    code = slugify(required_text(code, _("编码")))[:40]
    if not code:
        raise InvalidInput(_("编码只能包含字母、数字和连字符。"), code="invalid_code")
    if channel not in Channel.values:
        raise InvalidInput(_("渠道不正确。"), code="invalid_channel")
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first() if unit_id else None
    if unit is None:
        raise InvalidInput(_("请选择所属单位。"), code="invalid_unit")
    if ServicePoint.objects.filter(code=code).exists():
        raise Conflict(_("编码已存在。"), code="code_taken")
    with transaction.atomic():
        sp = ServicePoint.objects.create(code=code, name=required_text(name, _("名称"))[:120], channel=channel,
                                         unit=unit, region=unit.region)
        audit_write(actor_id=actor.pk, action="service_point_create", object_type="service_point", object_id=sp.pk,
                    data={"code": code, "unit": unit.pk})
    return sp
