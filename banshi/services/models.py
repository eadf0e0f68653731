"""The files of the specialised matters. The matter itself is a `cases.Case` of its kind (state,
deadlines, events, supervision as for every case); these rows hold what the law asks each to record."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalAidFile(models.Model):
    """法律援助: the application, the check, the decision, the assignment and the outcome."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="legal_aid")
    matter_kind = models.CharField(_("案件类别"), max_length=20)  # criminal | civil | administrative | state_compensation
    matter_type = models.CharField(_("援助事项"), max_length=40)  # data/legal_aid.yaml `matter_types`
    other_party = models.CharField(_("对方当事人"), max_length=200, blank=True)
    economic = models.TextField(_("经济困难状况"), blank=True)
    exemption = models.CharField(_("免予核查经济困难的情形"), max_length=40, blank=True)
    green_channel = models.BooleanField(_("绿色通道"), default=False)
    hardship = models.CharField(_("经济困难审查"), max_length=12, blank=True)  # "" | met | not_met | exempt
    docs_missing = models.JSONField(_("需补正材料"), default=list, blank=True)
    docs_due_at = models.DateTimeField(_("补正期限"), null=True, blank=True)
    decision = models.CharField(_("审查决定"), max_length=12, blank=True)  # granted | refused | advance
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    advance_deadline = models.DateField(_("申请人案件的期限届满日"), null=True, blank=True)
    lawyer_name = models.CharField(_("法律援助人员"), max_length=60, blank=True)
    lawyer_org = models.CharField(_("所在律师事务所或机构"), max_length=120, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    objection = models.TextField(_("异议"), blank=True)
    objection_result = models.CharField(max_length=12, blank=True)  # upheld | dismissed
    termination_reason = models.CharField(_("终止情形"), max_length=40, blank=True)
    outcome = models.TextField(_("办理结果"), blank=True)
    amount_recovered = models.DecimalField(_("挽回（追回）金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("法律援助案卷")
        indexes = [models.Index(fields=["docs_due_at"], name="aid_docs_due",
                                condition=models.Q(docs_due_at__isnull=False))]


class MediationRoom(models.Model):
    """A named mediation room (e.g. 老杨说事调解室) of a committee."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="mediation_rooms")
    name = models.CharField(_("调解室"), max_length=80)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Mediator(models.Model):
    """A people's mediator; belongs to one committee."""

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="mediators")
    name = models.CharField(_("调解员"), max_length=60)
    title = models.CharField(_("身份"), max_length=60, blank=True)  # 专职 / 兼职 / 律师调解员 …
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class MediationFile(models.Model):
    """人民调解: how the dispute came in, the parties, the outcome, performance and 司法确认."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="mediation")
    source = models.CharField(_("来源"), max_length=20)  # application | court_pre | court_entrusted | police | initiative | referral
    dispute_type = models.CharField(_("纠纷类型"), max_length=24)
    parties = models.JSONField(_("当事人"), default=list)  # [{"name", "role": applicant|respondent, "phone"}]
    room = models.ForeignKey(MediationRoom, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    mediators = models.JSONField(_("调解员"), default=list, blank=True)  # names
    agreement_form = models.CharField(_("协议形式"), max_length=8, blank=True)  # written | oral
    agreement_text = models.TextField(_("协议内容"), blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    next_channel = models.CharField(_("调解不成的后续途径"), max_length=16, blank=True)
    end_reason = models.TextField(_("终止或不予受理的理由"), blank=True)
    performance = models.CharField(_("履行情况"), max_length=12, blank=True)  # performed | partial | not_performed
    performance_note = models.TextField(blank=True)
    confirm_applied_at = models.DateTimeField(_("申请司法确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("人民调解案卷")


class MediationSession(models.Model):
    """One mediation session and its record (调解笔录)."""

    file = models.ForeignKey(MediationFile, on_delete=models.CASCADE, related_name="sessions")
    at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    video = models.BooleanField(_("视频调解"), default=False)
    mode = models.CharField(_("方式"), max_length=12)  # face_to_face 面对面 | separate 背对背
    mediators = models.JSONField(default=list, blank=True)
    record = models.TextField(_("调解记录"))
    by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]
