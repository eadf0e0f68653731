"""Count tables (in the pattern of zulip's analytics): what reports, dashboards and the API read.
Nothing here is read from the case register at request time; `stats/fill.py` fills these tables
from the case events behind a watermark."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    """One measure's count for one day (Asia/Shanghai) and one combination of dimensions.

    `unit_id` is the unit the events count toward (0: none); `region_path` the case's region cut
    at the 街乡镇 level; the other dimensions are the case's. A day's rows are replaced as a whole
    by the fill, so the table needs no uniqueness constraint."""

    day = models.DateField()
    measure = models.CharField(max_length=24)
    unit_id = models.BigIntegerField(default=0)
    region_path = models.CharField(max_length=120, blank=True, default="")
    agency = models.CharField(max_length=16, blank=True, default="")
    kind = models.CharField(max_length=20, blank=True, default="")
    channel = models.CharField(max_length=16, blank=True, default="")
    type = models.CharField(max_length=16, blank=True, default="")
    category = models.CharField(max_length=64, blank=True, default="")
    value = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["day", "measure"], name="count_day_measure"),
            models.Index(fields=["unit_id", "day"], name="count_unit_day"),
            models.Index(fields=["region_path", "day"], name="count_region_day"),
        ]


class Dim(models.TextChoices):
    ALL = "all", _("全部")
    UNIT = "unit", _("单位")
    REGION = "region", _("区划")
    AGENCY = "agency", _("条线")
    KIND = "kind", _("事项类型")
    CHANNEL = "channel", _("渠道")
    TYPE = "type", _("类型")
    CATEGORY = "category", _("事项分类")


class RollupCount(models.Model):
    """The daily counts summed over every dimension but one (`dim`, keyed by `key`): the
    whole-register dashboards and the rankings read these few rows instead of the fine table."""

    day = models.DateField()
    measure = models.CharField(max_length=24)
    dim = models.CharField(max_length=10, choices=Dim.choices)
    key = models.CharField(max_length=120, blank=True, default="")
    # "" for the whole register; a county (区县) the cases are in, by its region path; or the unit
    # the events counted toward ("unit:<id>"): supervisors and unit leaders read these few rows too.
    area = models.CharField(max_length=60, blank=True, default="")
    value = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["dim", "measure", "day"], name="rollup_dim_measure_day"),
            models.Index(fields=["dim", "area", "day"], name="rollup_dim_area_day"),
        ]


class FillState(models.Model):
    """The fill's watermark (one row). `done_through`: every day up to it is filled and final
    unless a later event lands in it; `event_id` / `case_id`: the last event and case seen, so
    events that land in an earlier day (a backdated registration, a late sweep) refill that day."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    done_through = models.DateField(null=True, blank=True)
    event_id = models.BigIntegerField(default=0)
    case_id = models.BigIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_seconds = models.FloatField(default=0)


class RateSettings(models.Model):
    """How 三率 and 综合得分 are computed (one row). The defaults are the common public computation,
    not an official one; every change writes an audit row (stats/settings.py)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    weight_response = models.DecimalField(_("响应率权重"), max_digits=4, decimal_places=3, default=0.1)
    weight_resolution = models.DecimalField(_("解决率权重"), max_digits=4, decimal_places=3, default=0.5)
    weight_satisfaction = models.DecimalField(_("满意率权重"), max_digits=4, decimal_places=3, default=0.4)
    # The share of each rating that counts as satisfied: 非常满意 1, 满意 1, 基本满意 0.9 by default.
    rating_factors = models.JSONField(_("满意度折算"), default=dict)
    min_volume = models.PositiveIntegerField(_("参与排名的最少回访量"), default=10)
    updated_at = models.DateTimeField(auto_now=True)


class Report(models.Model):
    """A generated briefing (月度通报), kept with its parameters so a published one can be reproduced."""

    kind = models.CharField(max_length=16, default="monthly")
    period = models.CharField(_("期间"), max_length=16)  # "2026-10"
    region_code = models.CharField(max_length=12, blank=True, default="")
    params = models.JSONField(default=dict)
    xlsx = models.FileField(upload_to="reports/%Y/", blank=True)
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    sha256 = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
