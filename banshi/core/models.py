"""The general audit log: sign-ins, personal-data views, administration. Case actions have CaseEvent."""

from __future__ import annotations

from django.db import models


class AuditLog(models.Model):
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="audit_object")]
