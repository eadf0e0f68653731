"""Deadline policies, a case's milestones (each an indexed due-time column) and loaded calendars."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Policy(models.Model):
    """A deadline policy: which milestones a case gets and which actions meet them.

    `milestones` is a list of {"kind", "label", "period", "start": "received"|"dispatched"|"signed",
    "met_by": [actions], "recurring": bool, "pausable": bool}.
    """

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=80)
    source = models.CharField(_("依据"), max_length=255)
    milestones = models.JSONField(_("时限节点"), default=list)
    max_extension = models.CharField(_("最长延期"), max_length=12, blank=True, default="")
    verified = models.BooleanField(_("已核实依据"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("时限规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", _("计时中")
    PAUSED = "paused", _("暂停计时")
    MET = "met", _("按时完成")
    MET_LATE = "met_late", _("超时完成")
    BREACHED = "breached", _("已超时")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_MILESTONE_STATUSES = (MilestoneStatus.PENDING, MilestoneStatus.PAUSED, MilestoneStatus.BREACHED)


class Milestone(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(max_length=32)
    label = models.CharField(max_length=60)
    period = models.CharField(max_length=12)
    met_by = models.JSONField(default=list)
    pausable = models.BooleanField(default=False)
    recurring = models.BooleanField(default=False)
    starts_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField()
    provisional = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The sweeper's two claims: "pending and due" and "pending, warn time passed, not warned".
            models.Index(fields=["status", "due_at"], name="milestone_due"),
            models.Index(fields=["status", "warn_at"], name="milestone_warn", condition=models.Q(warned_at__isnull=True)),
        ]
        ordering = ["due_at"]


class CalendarYear(models.Model):
    """An administrator-loaded State Council schedule: it takes precedence over the package data."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    holidays = models.JSONField(default=list)  # ISO dates that are rest days on weekdays / holiday blocks
    workdays = models.JSONField(default=list)  # ISO dates of 调休 make-up working days
    source = models.CharField(max_length=255, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)
    loaded_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL)
