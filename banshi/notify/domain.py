"""Administration writes for message templates (the texts the outbox drain sends), each audited.
The web's admin pages (and any admin API) call these."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from banshi.core.admin import required_text
from banshi.core.audit import audit_write
from banshi.notify.models import MessageTemplate
from banshi.orgs.models import Person
from banshi.orgs.permissions import admin_required


def template_save(*, actor: Person, code: str, name: str, body: str) -> MessageTemplate:
    admin_required(actor)
    code = required_text(code, _("代码"))[:40]
    with transaction.atomic():
        tpl, created = MessageTemplate.objects.update_or_create(
            code=code, defaults={"name": required_text(name, _("名称"))[:80], "body": required_text(body, _("内容"))})
        audit_write(actor_id=actor.pk, action="template_create" if created else "template_update",
                    object_type="message_template", object_id=tpl.pk, data={"code": code})
    return tpl
