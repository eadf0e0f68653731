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


class Open311Client(models.Model):
    """A GeoReport v2 client (an app or a partner system). Only a SHA-256 of its api_key is stored."""

    name = models.CharField(_("名称"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("受理单位")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311客户端")

    def __str__(self) -> str:
        return self.name


class Open311Request(models.Model):
    """What a GeoReport client sent with a request that the case register has no column for."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="open311")
    client = models.ForeignKey(Open311Client, on_delete=models.PROTECT, related_name="requests")
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    email = models.CharField(max_length=254, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    media_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["client", "created_at"], name="open311_client_created")]


class KnowledgeEntry(models.Model):
    """An answer for consultations (知识库), searched by operators at the hotline and the window."""

    title = models.CharField(_("标题"), max_length=120)
    question = models.TextField(_("常见问法"), blank=True)
    answer = models.TextField(_("答复口径"))
    keywords = models.CharField(_("关键词"), max_length=255, blank=True, help_text=_("以空格或逗号分隔"))
    category = models.CharField(_("事项分类"), max_length=64, blank=True)
    agency = models.CharField(_("条线"), max_length=16, blank=True)
    source = models.CharField(_("依据"), max_length=255, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("知识库条目")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title
