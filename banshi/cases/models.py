"""The case register. Only the workflow engine (`cases/workflow/engine.py`) writes `Case.state`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from banshi.cases.enums import (
    CaseType,
    Channel,
    Kind,
    LinkKind,
    ReplyKind,
    ReplyStatus,
    RequestKind,
    RequestStatus,
    Satisfaction,
    State,
    SupervisionLevel,
    UnitRole,
    Urgency,
)


class Case(models.Model):
    # Which workflow definition runs this matter (cases/workflow/): demand today; the specialised
    # services add legal_aid, mediation, notary, judicial_aid, psych. `origin`: the demand this
    # matter was opened from (a demand that needs legal aid opens the legal-aid matter).
    kind = models.CharField(_("事项类型"), max_length=20, choices=Kind.choices, default=Kind.DEMAND)
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="derived", db_index=False,
        verbose_name=_("来源诉求"),
    )
    number = models.CharField(_("编号"), max_length=24, unique=True, null=True, blank=True)
    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True)
    type = models.CharField(_("类型"), max_length=16, choices=CaseType.choices)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    service_point = models.ForeignKey(
        "intake.ServicePoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    title = models.CharField(_("标题"), max_length=120, blank=True)
    content = models.TextField(_("诉求内容"))
    citizen_name = models.CharField(_("姓名"), max_length=60, blank=True)
    citizen_phone = models.CharField(_("电话"), max_length=20, blank=True, db_index=True)
    citizen_id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    confidential = models.BooleanField(_("要求保密"), default=False)
    address = models.CharField(_("地点"), max_length=255, blank=True)
    region = models.ForeignKey("orgs.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Denormalised region path so "cases in this region's subtree" is one indexed prefix scan.
    region_path = models.CharField(max_length=120, blank=True, default="", db_index=True)
    grid = models.ForeignKey("orgs.Grid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(_("事项分类"), max_length=64, blank=True, default="")
    agency = models.CharField(_("条线"), max_length=16, blank=True, default="")
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    received_at = models.DateTimeField(_("受理时间"))
    backdated = models.BooleanField(_("补录"), default=False)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.REGISTERED)
    version = models.PositiveIntegerField(default=1)
    policy = models.ForeignKey("sla.Policy", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    intake_unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="intake_cases", verbose_name=_("受理单位")
    )
    lead_unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="lead_cases", verbose_name=_("主办单位")
    )
    handler = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(choices=Satisfaction.choices, null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    # Earliest due time of the open milestones, kept by the SLA code: queues sort and filter on it.
    next_due_at = models.DateTimeField(null=True, blank=True)
    overdue = models.BooleanField(default=False)
    triage = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("诉求")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["lead_unit", "state", "-received_at"], name="case_lead_state"),
            # 紧急优先: the emergency and urgent cases by due time (few rows, so the urgent read of
            # any queue is short however large the register; cases/queries/cases.py:ordered_ids).
            models.Index(fields=["next_due_at", "id"], name="case_urgent_due",
                         condition=models.Q(urgency__in=["emergency", "urgent"])),
            # Few matters have an origin: a partial index stays small and cheap to build.
            models.Index(fields=["origin"], name="case_origin", condition=models.Q(origin__isnull=False)),
            models.Index(fields=["intake_unit", "state", "-received_at"], name="case_intake_state"),
            models.Index(fields=["state", "-received_at"], name="case_state_received"),
            models.Index(fields=["state", "next_due_at"], name="case_state_due"),
            models.Index(fields=["region_path", "-received_at"], name="case_region_received"),
            models.Index(fields=["-received_at"], name="case_received"),
            # The 已超时 queue: overdue cases are about 2 % of the table. The index covers what the queue's visibility test reads, so a unit's
            # overdue count is an index-only scan (PostgreSQL; SQLite ignores INCLUDE).
            models.Index(fields=["-received_at"], name="case_overdue", condition=models.Q(overdue=True),
                         include=["id", "state", "intake_unit", "lead_unit", "region_path"]),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def get_state_display(self) -> str:  # type: ignore[no-redef]
        """The state's label from this matter's own definition (legal aid and mediation have theirs)."""
        from banshi.cases.workflow import state_label

        return state_label(self.state, self.kind)


class CaseUnit(models.Model):
    """Co-handling (协办) units. The lead unit is `Case.lead_unit`; co-units report before the lead closes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="co_units")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="co_cases")
    role = models.CharField(max_length=8, choices=UnitRole.choices, default=UnitRole.CO)
    reported = models.BooleanField(default=False)
    report = models.TextField(blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "unit"], name="case_unit_once")]
        indexes = [models.Index(fields=["unit", "case"], name="caseunit_unit")]


class CaseEvent(models.Model):
    """The audit trail of a case: one row for every action, written in the action's transaction."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=16, blank=True)
    actor_unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # The unit the event counts toward in assessment (stats/): the lead unit at that moment (the
    # new lead for a dispatch or transfer), else the intake unit. Stamped by the engine, so a
    # follow-up keeps counting for the unit that held the case even after a later transfer.
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case_at"),
            # The count fill reads one day of events at a time; drill-downs read a unit's events in a period.
            models.Index(fields=["at"], name="event_at"),
            models.Index(fields=["unit", "at"], name="event_unit_at"),
        ]


class CaseLink(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=LinkKind.choices)
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "other", "kind"], name="case_link_once")]


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class Reply(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField(max_length=12, choices=ReplyKind.choices)
    text = models.TextField()
    status = models.CharField(max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.SENT)
    author = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class ApprovalRequest(models.Model):
    """A request a unit leader decides: an extension (延期) or a return (退单)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=10, choices=RequestKind.choices)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    reason = models.TextField()
    period = models.CharField(max_length=12, blank=True)
    requested_by = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case", "kind", "status"], name="request_case_kind"),
            # Queue "to_review" (counted on every home page): the few pending requests among many decided ones.
            models.Index(fields=["case"], name="request_pending", condition=models.Q(status=RequestStatus.PENDING)),
        ]


class Supervision(models.Model):
    """督办: a supervisor's notice on a case, with its own deadline, its level (一般 → 重点 → 挂牌,
    raised by the `escalate` action) and the unit's answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions")
    note = models.TextField()
    # The database default too: bulk loads and SQL that insert notices without a level stay valid.
    level = models.PositiveSmallIntegerField(
        _("督办级别"), choices=SupervisionLevel.choices, default=SupervisionLevel.ORDINARY,
        db_default=SupervisionLevel.ORDINARY,
    )
    due_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey("orgs.Person", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    # When the sweep found `due_at` passed without an answer (and escalated the notice where it
    # could). A new deadline clears it, so every deadline lapses, and escalates, at most once.
    lapsed_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["answered_at", "due_at"], name="supervision_open"),
            # The 督办 board's open notices, highest level and newest first: read in index order.
            models.Index(fields=["-level", "-created_at"], name="supervision_open_level",
                         condition=models.Q(answered_at__isnull=True)),
            # The sweep: unanswered notices whose deadline has not lapsed yet, by deadline.
            models.Index(fields=["due_at"], name="supervision_lapse",
                         condition=models.Q(answered_at__isnull=True, lapsed_at__isnull=True)),
        ]


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    rating = models.PositiveSmallIntegerField(choices=Satisfaction.choices)
    contacted = models.BooleanField(default=True)
    resolved = models.BooleanField(default=True)
    comment = models.TextField(blank=True)
    by = models.ForeignKey("orgs.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_citizen = models.BooleanField(default=False)
    at = models.DateTimeField()
