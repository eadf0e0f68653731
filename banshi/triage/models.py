"""The routing catalogue (事项目录) as administrators edit it, and labelled examples kept from
dispatchers' corrections for retraining (`banshi triage train --from-corrections`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.orgs.enums import Agency


class CatalogueItem(models.Model):
    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("事项名称"), max_length=80)
    agency = models.CharField(_("条线"), max_length=16, choices=Agency.choices)
    category = models.CharField(_("分类"), max_length=40, blank=True)
    policy_code = models.CharField(_("时限规则"), max_length=32, default="12345")
    unit_kinds = models.JSONField(_("优先承办单位类型"), default=list, blank=True)
    examples = models.JSONField(_("示例"), default=list, blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    department = models.CharField(_("通常承办部门"), max_length=80, blank=True)
    notes = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("事项目录")
        ordering = ["agency", "code"]

    def __str__(self) -> str:
        return self.name


class TriageLabel(models.Model):
    """A labelled example: the dispatcher's final routing of a case whose suggestion differed."""

    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    agency = models.CharField(max_length=16, choices=Agency.choices)
    category = models.CharField(max_length=64, blank=True)
    suggested_agency = models.CharField(max_length=16, blank=True)
    suggested_category = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="triagelabel_created")]
