"""Intake: service points (windows, village stations, QR posters)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.cases.enums import Channel


class ServicePoint(models.Model):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices, default=Channel.WECHAT_QR)
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="service_points")
    region = models.ForeignKey("orgs.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务点")

    def __str__(self) -> str:
        return self.name
