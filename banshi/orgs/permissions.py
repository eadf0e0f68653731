"""Who may administer: the check every administrative write makes in its own domain function (the
web's `admin_view` wrapper only keeps others away from the pages)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from banshi.core.errors import PermissionDenied
from banshi.orgs.enums import Role
from banshi.orgs.models import Person


def admin_required(actor: Person, *, what: str = "") -> None:
    """Refuse (403) unless the actor is an active system administrator."""
    if not actor.is_active or actor.role != Role.ADMIN:
        raise PermissionDenied(_("只有系统管理员可以%(what)s。") % {"what": what or _("进行系统管理")}, code="admin_only")
