"""公证: the offices' published slots, the citizens' bookings of them, and the file of each notary
matter. The matter itself is a `cases.Case` of kind `notary` (state, deadlines, events, supervision
as for every case); a booking opens it."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from banshi.notary.enums import BookingMode, BookingStatus, Delivery, SlotKind


class NotarySlot(models.Model):
    """A time an office receives bookings: `capacity` places, `booked` of them taken (changed only by
    a conditional UPDATE, so two bookings of the last place cannot both win)."""

    office = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="notary_slots",
                               verbose_name=_("公证处"))
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"))
    booked = models.PositiveSmallIntegerField(_("已预约人数"), default=0)
    kind = models.CharField(_("时段类型"), max_length=10, choices=SlotKind.choices, default=SlotKind.REGULAR)
    label = models.CharField(_("专题名称"), max_length=60, blank=True)  # e.g. 遗嘱公证周
    weekend = models.BooleanField(_("休息日（周末或节假日）"), default=False)  # from the legal calendar
    video = models.BooleanField(_("可视频办理"), default=False)
    matters = models.JSONField(_("限办事项"), default=list, blank=True)  # matter codes; [] = any matter
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("公证预约时段")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["office", "starts_at"], name="nt_slot_office_start")]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="nt_slot_not_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="nt_slot_ends_after_start"),
        ]

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


class NotaryBooking(models.Model):
    """A citizen's booking of one place of a slot: its code is what the citizen quotes."""

    code = models.CharField(_("预约码"), max_length=12, unique=True)
    slot = models.ForeignKey(NotarySlot, on_delete=models.PROTECT, related_name="bookings")
    matter = models.CharField(_("公证事项"), max_length=40)  # data/matters.yaml code
    citizen_name = models.CharField(_("姓名"), max_length=60)
    citizen_phone = models.CharField(_("手机号"), max_length=20)
    mode = models.CharField(_("办理方式"), max_length=10, choices=BookingMode.choices, default=BookingMode.IN_PERSON)
    status = models.CharField(_("预约状态"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    case = models.OneToOneField("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="notary_booking")
    note = models.CharField(_("备注"), max_length=200, blank=True)
    booked_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("公证预约")
        indexes = [models.Index(fields=["slot", "status"], name="nt_booking_slot_status"),
                   models.Index(fields=["citizen_phone", "status"], name="nt_booking_phone_status")]
        constraints = [
            # One live booking per phone and slot (a double tap books once).
            models.UniqueConstraint(fields=["slot", "citizen_phone"], condition=Q(status="booked"),
                                    name="nt_booking_one_per_phone_slot"),
        ]


class NotaryFile(models.Model):
    """公证: what the matter's file records — the matter, how it is done, the materials asked for,
    the visits, the certificate, or the reasons for refusing or ending it."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="notary")
    matter = models.CharField(_("公证事项"), max_length=40)
    mode = models.CharField(_("办理方式"), max_length=10, choices=BookingMode.choices, default=BookingMode.IN_PERSON)
    period = models.CharField(_("出证期限"), max_length=8)  # e.g. 5wd, from the matter (or set on accepting)
    weekend = models.BooleanField(_("休息日办理"), default=False)
    special = models.CharField(_("专题服务"), max_length=60, blank=True)  # the slot's label (遗嘱公证周 …)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    visits = models.PositiveSmallIntegerField(_("到公证处次数"), default=0)
    docs_missing = models.JSONField(_("需补充材料"), default=list, blank=True)
    docs_requested_at = models.DateTimeField(null=True, blank=True)
    certificate_number = models.CharField(_("公证书编号"), max_length=60, blank=True)
    issued_at = models.DateTimeField(_("出证时间"), null=True, blank=True)
    delivery = models.CharField(_("送达方式"), max_length=12, choices=Delivery.choices, blank=True)
    refusal_reason = models.CharField(_("不予办理情形"), max_length=40, blank=True)
    termination_reason = models.CharField(_("终止情形"), max_length=40, blank=True)
    reasons = models.TextField(_("不予办理或终止的理由"), blank=True)

    class Meta:
        verbose_name = _("公证案卷")
        constraints = [
            models.UniqueConstraint(fields=["certificate_number"], condition=~Q(certificate_number=""),
                                    name="nt_certificate_number_unique"),
        ]
