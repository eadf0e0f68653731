"""The three-level social-psychological service platform as data.

- `Station` (心灵驿站 / 心理服务站 / 指导中心) at 区 / 镇街 / 村居 level, run by a staff unit (the
  committee unit that owns the platform) and serving a region; `Counsellor`s belong to a station
  (a duty flag for crisis alerts, a head flag for the 站长).
- The matters themselves are `cases.Case` rows of kind `psych` (心理咨询预约) and `crisis`
  (心理危机干预), run by the workflows of workflow.py; `PsychFile` / `CrisisFile` hold what each
  records; `PsychSession` is one counselling session (time, length, mode — never what was said).
- `ConfidentialNote`: what was said (session notes, the request's concern, crisis records). Health
  information: readable only through notes.py (the counsellor and the station head, every view in
  the audit log); never in events, lists, exports, documents or the generic case API.
- `GroupActivity`: 团体辅导, lectures … (date, place, topic, attendance) — a plain record, no workflow.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Station(models.Model):
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="psych_stations",
                             verbose_name=_("所属单位"))
    level = models.CharField(_("层级"), max_length=12)  # data/psych.yaml station_levels: district | town | village
    name = models.CharField(_("站点名称"), max_length=120)
    region = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("服务区域"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("心理服务站点")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Counsellor(models.Model):
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="counsellors")
    name = models.CharField(_("姓名"), max_length=60)
    person = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="counsellors",
                               verbose_name=_("系统账号"))
    title = models.CharField(_("资质或身份"), max_length=60, blank=True)  # 心理咨询师 / 社工 / 志愿者 …
    on_duty = models.BooleanField(_("值班"), default=False)
    is_head = models.BooleanField(_("站长"), default=False)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("心理咨询师")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class PsychFile(models.Model):
    """心理咨询预约: where, with whom, when; the referral if any. No health information here."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="psych_file")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    counsellor = models.ForeignKey(Counsellor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    service = models.CharField(_("服务类型"), max_length=20)
    mode = models.CharField(_("咨询方式"), max_length=16)
    preferred = models.CharField(_("希望时间"), max_length=120, blank=True)
    scheduled_at = models.DateTimeField(_("预约时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    sessions = models.PositiveSmallIntegerField(_("会谈次数"), default=0)
    referral_target = models.CharField(_("转介去向"), max_length=24, blank=True)
    referral_to = models.CharField(_("转介机构"), max_length=120, blank=True)
    referred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("心理咨询案卷")


class PsychSession(models.Model):
    """One counselling session: when, how long, how, by whom. What was said is a ConfidentialNote."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="psych_sessions")
    number = models.PositiveSmallIntegerField(_("第几次"))
    at = models.DateTimeField(_("会谈时间"))
    minutes = models.PositiveSmallIntegerField(_("时长（分钟）"))
    mode = models.CharField(_("方式"), max_length=16)
    counsellor = models.ForeignKey(Counsellor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("心理咨询会谈")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="psych_session_at")]


class CrisisFile(models.Model):
    """心理危机干预: where it came from, who is on it, the first contact, the hand-over, the outcome."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="crisis_file")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    counsellor = models.ForeignKey(Counsellor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("来源"), max_length=16)  # self_harm | counselling | referral | manual
    emergency = models.CharField(_("预警类型"), max_length=24, blank=True)  # the demand's triage emergency kind
    opened_at = models.DateTimeField(_("启动时间"))
    first_contact_at = models.DateTimeField(_("首次接触时间"), null=True, blank=True)
    first_contact_minutes = models.PositiveIntegerField(_("首次接触用时（分钟）"), null=True, blank=True)
    contact_mode = models.CharField(_("接触方式"), max_length=16, blank=True)
    risk = models.CharField(_("风险等级"), max_length=8, blank=True)
    interventions = models.PositiveSmallIntegerField(_("干预次数"), default=0)
    handover_to = models.CharField(_("移交去向"), max_length=24, blank=True)
    handover_receiver = models.CharField(_("接收单位或人员"), max_length=120, blank=True)
    handover_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("结案情形"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("心理危机干预案卷")
        indexes = [models.Index(fields=["opened_at"], name="crisis_opened_at")]


class ConfidentialNote(models.Model):
    """Health information (敏感个人信息): read only through banshi/psych/notes.py."""

    KINDS = {"concern": _("求助者自述"), "session": _("会谈记录"), "referral": _("转介说明"), "closing": _("结案小结"),
             "contact": _("首次接触记录"), "intervention": _("干预记录"), "handover": _("移交情况"),
             "crisis_close": _("干预结案小结"), "finding": _("发现的危机情况")}

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="confidential_notes")
    session = models.ForeignKey(PsychSession, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=16)
    text = models.TextField()
    counsellor = models.ForeignKey(Counsellor, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("保密记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:  # never the text
        return f"{self.kind}#{self.pk}"


class GroupActivity(models.Model):
    """团体辅导, lectures, campaigns … of a station: the counts the assessment reads."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("活动类型"), max_length=20)  # data/psych.yaml activity_types
    topic = models.CharField(_("主题"), max_length=120)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=120)
    attendance = models.PositiveIntegerField(_("参加人数"))
    counsellors = models.JSONField(_("主讲或带领人"), default=list, blank=True)
    created_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("团体心理活动")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["held_on"], name="psych_activity_day")]

    def __str__(self) -> str:
        return self.topic
