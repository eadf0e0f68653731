"""The outbox: rows written in the same transaction as the change they announce."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    DEAD = "dead", _("发送失败")


class OutboxMessage(models.Model):
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=12, default="sms")  # sms | internal
    template = models.CharField(max_length=40)
    recipient = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]


class MessageTemplate(models.Model):
    """Editable text of a citizen message; `{number}`, `{tracking_code}`, `{text}` … are filled in."""

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    body = models.TextField(_("内容"))

    class Meta:
        verbose_name = _("消息模板")


class Heartbeat(models.Model):
    """The background worker's sign of life: one row per worker name, `last_at` moved on every loop
    (one UPDATE; one INSERT the first time). `/healthz` reads the newest."""

    name = models.CharField(max_length=64, unique=True)
    last_at = models.DateTimeField()
