"""Writers for the general audit log (case actions are audited by cases/workflow.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from banshi.core.models import AuditLog


def audit_write(
    *,
    actor_id: int | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    ip: str | None = None,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditLog:
    return AuditLog.objects.create(
        at=at or timezone.now(),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        ip=ip,
        data=data or {},
    )
