"""The file of a 国家司法救助 matter. The matter itself is a `cases.Case` of kind `judicial_aid`
(state, deadlines, events, supervision as for every case); these rows hold what the decision and
the payments need.

Sensitive: the applicant's situation (`situation`, `circumstances`), every amount and the decision's
reasons. They are never copied into the case (its content, title, category) nor into an event's
reason; the file is read through `access.judicial_aid_file_view`, which masks them for everyone but
the deciding unit and its supervisors and logs each full view."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JudicialAidFile(models.Model):
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="judicial_aid")
    situation = models.CharField(_("救助情形"), max_length=40)  # data/judicial_aid.yaml `situations`
    circumstances = models.TextField(_("生活困难情况"))
    case_ref = models.CharField(_("原案案号或案由"), max_length=200, blank=True)
    proposed = models.BooleanField(_("办案机关提出"), default=False)
    proposer = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("提出救助的办案机关"))
    amount_requested = models.DecimalField(_("申请救助金额（元）"), max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    documents = models.JSONField(_("已提交材料"), default=list, blank=True)
    docs_missing = models.JSONField(_("需补充材料"), default=list, blank=True)
    docs_requested_at = models.DateTimeField(_("告知补充材料时间"), null=True, blank=True)
    decision = models.CharField(_("决定"), max_length=10, blank=True)  # "" | granted | refused
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount_granted = models.DecimalField(_("决定救助金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    limit_amount = models.DecimalField(_("决定时的救助限额（元）"), max_digits=14, decimal_places=2, null=True,
                                       blank=True)
    exceed_reason = models.TextField(_("突破限额的理由"), blank=True)
    refusal_reason = models.CharField(_("不予救助的理由"), max_length=40, blank=True)  # `refusal_reasons` code
    decision_reasons = models.TextField(_("决定理由"), blank=True)
    close_note = models.TextField(_("结案意见"), blank=True)

    class Meta:
        verbose_name = _("国家司法救助案卷")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_granted__isnull=True) | models.Q(amount_granted__gt=0),
                                   name="ja_amount_granted_positive"),
        ]


class JudicialAidPayment(models.Model):
    """One payment of a granted aid (救助金可分次发放): never more in total than granted."""

    file = models.ForeignKey(JudicialAidFile, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("发放金额（元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("发放日期"))
    method = models.CharField(_("发放方式"), max_length=20)  # data/judicial_aid.yaml `payment_methods`
    reference = models.CharField(_("凭证号"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("司法救助金发放记录")
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="ja_payment_positive")]
