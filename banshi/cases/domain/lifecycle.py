"""Domain writes for every action after registration. Each validates its input, then calls
`workflow.transition`, which enforces the table, scope, audit, milestones and outbox."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banshi.cases.enums import (
    SUPERVISION_MAX_LEVEL,
    UNSATISFIED_RATINGS,
    LinkKind,
    ReplyKind,
    ReplyStatus,
    RequestKind,
    RequestStatus,
    Satisfaction,
    SupervisionLevel,
    Urgency,
)
from banshi.cases.models import (
    ApprovalRequest,
    Case,
    CaseEvent,
    CaseLink,
    CaseUnit,
    FollowUp,
    Reply,
    Supervision,
)
from banshi.cases.queries.available import action_refusal, extension_refusal
from banshi.cases.workflow import transition
from banshi.cases.workflow.engine import clock_store
from banshi.core.errors import Conflict, InvalidInput
from banshi.orgs.models import Person, Unit
from banshi.sla.periods import parse_period
from banshi.sla.services import milestone_extend

MAX_TEXT = 5000


def _text(value: str | None, what: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidInput(_("%(what)s不能为空。") % {"what": what}, code="text_required")
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("%(what)s不能超过%(n)d字。") % {"what": what, "n": MAX_TEXT}, code="text_too_long")
    return text


def _unit(unit_id: int | None) -> Unit:
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first() if unit_id else None
    if unit is None:
        raise InvalidInput(_("承办单位不存在或已停用。"), code="invalid_unit")
    return unit  # a committee may be dispatched to as well: it handles coordination matters itself


def _periods(periods: dict[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for kind, text in (periods or {}).items():
        try:
            out[str(kind)] = str(parse_period(str(text)))
        except ValueError as exc:
            raise InvalidInput(str(exc), code="invalid_period") from exc
    return out


# -- dispatch and signing ------------------------------------------------------------------------

def case_dispatch(
    case_id: int, *, actor: Person | None, unit_id: int, periods: dict[str, str] | None = None,
    note: str = "", category: str | None = None, expected_version: int | None = None, now: datetime | None = None,
) -> Case:
    unit = _unit(unit_id)
    changes: dict[str, Any] = {"lead_unit_id": unit.pk, "handler_id": None}
    if category:
        changes["category"] = category[:64]
    def learn(case: Case, event: CaseEvent) -> None:
        # A dispatcher who routes elsewhere than the suggestion teaches the classifier.
        suggested = case.triage or {}
        chosen_category = case.category or ""
        if actor is not None and suggested and (
            suggested.get("agency") != unit.agency or (category and category != suggested.get("category"))
        ):
            from banshi.triage.models import TriageLabel

            TriageLabel.objects.create(
                case=case, text=case.content, agency=unit.agency, category=chosen_category,
                suggested_agency=str(suggested.get("agency", "")), suggested_category=str(suggested.get("category", "")),
                by=actor,
            )

    return transition(
        case_id, "dispatch", actor=actor, reason=note, changes=changes, expected_version=expected_version, now=now,
        after=learn, data={"unit_id": unit.pk, "unit": unit.name, "periods": _periods(periods)},
    )


def case_sign(case_id: int, *, actor: Person, expected_version: int | None = None, now: datetime | None = None) -> Case:
    return transition(case_id, "sign", actor=actor, changes={"handler_id": actor.pk}, expected_version=expected_version, now=now)


def case_assign(case_id: int, *, actor: Person, handler_id: int, expected_version: int | None = None, now: datetime | None = None) -> Case:
    handler = Person.objects.filter(pk=handler_id, is_active=True).first()
    if handler is None:
        raise InvalidInput(_("承办人不存在。"), code="invalid_handler")

    def check(case: Case) -> None:
        if handler.unit_id != case.lead_unit_id:
            raise InvalidInput(_("承办人必须属于主办单位。"), code="invalid_handler")

    return transition(
        case_id, "assign", actor=actor, before=check, changes={"handler_id": handler.pk}, expected_version=expected_version, now=now,
        data={"handler_id": handler.pk, "handler": str(handler)},
    )


def case_transfer(
    case_id: int, *, actor: Person, unit_id: int, reason: str, periods: dict[str, str] | None = None,
    expected_version: int | None = None, now: datetime | None = None,
) -> Case:
    unit = _unit(unit_id)

    def check(case: Case) -> None:
        if case.lead_unit_id == unit.pk:
            raise InvalidInput(_("不能转办给当前主办单位。"), code="same_unit")

    return transition(
        case_id, "transfer", actor=actor, reason=reason, before=check,
        changes={"lead_unit_id": unit.pk, "handler_id": None}, expected_version=expected_version, now=now,
        data={"unit_id": unit.pk, "unit": unit.name, "periods": _periods(periods)},
    )


def _pending(case: Case, kind: str) -> ApprovalRequest | None:
    return ApprovalRequest.objects.filter(case=case, kind=kind, status=RequestStatus.PENDING).first()


def _applies(action: str, actor: Person | None = None) -> Callable[[Case], None]:
    """A `before` check: refuse when the action cannot apply now (queries/available.py, which also
    decides what the case page and the API offer)."""
    def check(case: Case) -> None:
        refusal = action_refusal(case, action, actor)
        if refusal is not None:
            raise refusal.error()

    return check


def case_return_request(case_id: int, *, actor: Person, reason: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    now = now or timezone.now()
    check = _applies("return_request")

    def record(case: Case, event: CaseEvent) -> None:
        ApprovalRequest.objects.create(case=case, kind=RequestKind.RETURN, reason=reason, requested_by=actor, created_at=now)

    return transition(case_id, "return_request", actor=actor, reason=reason, before=check, after=record, expected_version=expected_version, now=now)


def case_return(case_id: int, *, actor: Person, reason: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    """A leader returns the order to the dispatcher (directly, or approving a pending request)."""
    now = now or timezone.now()

    def record(case: Case, event: CaseEvent) -> None:
        ApprovalRequest.objects.filter(case=case, kind=RequestKind.RETURN, status=RequestStatus.PENDING).update(
            status=RequestStatus.APPROVED, decided_by=actor, decided_at=now, decision_note=reason
        )

    return transition(case_id, "return", actor=actor, reason=reason, after=record, expected_version=expected_version, now=now,
                      changes={"lead_unit_id": None, "handler_id": None})


def case_return_reject(case_id: int, *, actor: Person, reason: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    now = now or timezone.now()
    check = _applies("return_reject")

    def record(case: Case, event: CaseEvent) -> None:
        ApprovalRequest.objects.filter(case=case, kind=RequestKind.RETURN, status=RequestStatus.PENDING).update(
            status=RequestStatus.REJECTED, decided_by=actor, decided_at=now, decision_note=reason
        )

    return transition(case_id, "return_reject", actor=actor, reason=reason, before=check, after=record, expected_version=expected_version, now=now)


# -- co-handling ---------------------------------------------------------------------------------

def case_co_add(case_id: int, *, actor: Person, unit_id: int, note: str = "", expected_version: int | None = None, now: datetime | None = None) -> Case:
    unit = _unit(unit_id)

    def check(case: Case) -> None:
        if unit.pk == case.lead_unit_id or CaseUnit.objects.filter(case=case, unit=unit).exists():
            raise Conflict(_("该单位已参与办理。"), code="already_co_unit")

    def record(case: Case, event: CaseEvent) -> None:
        CaseUnit.objects.create(case=case, unit=unit)

    return transition(case_id, "co_add", actor=actor, reason=note, before=check, after=record, expected_version=expected_version, now=now,
                      data={"unit_id": unit.pk, "unit": unit.name})


def case_co_report(case_id: int, *, actor: Person, text: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    text = _text(text, _("协办反馈"))
    now = now or timezone.now()

    def record(case: Case, event: CaseEvent) -> None:
        assert actor.unit is not None
        row = CaseUnit.objects.filter(
            case=case, reported=False, unit_id__in=Unit.objects.filter(path__startswith=actor.unit.path).values("id")
        ).first()
        if row is None:
            raise Conflict(_("本单位的协办反馈已提交。"), code="already_reported")
        row.reported, row.report, row.reported_at = True, text, now
        row.save(update_fields=["reported", "report", "reported_at"])

    return transition(case_id, "co_report", actor=actor, before=_applies("co_report", actor), after=record,
                      expected_version=expected_version, now=now, data={"text": text})


# -- deadlines -----------------------------------------------------------------------------------

def case_extension_request(
    case_id: int, *, actor: Person, period: str, reason: str, milestone: str = "", expected_version: int | None = None, now: datetime | None = None
) -> Case:
    now = now or timezone.now()
    try:
        p = parse_period(period)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_period") from exc

    def check(case: Case) -> None:
        _applies("extend_request")(case)
        too_long = extension_refusal(case, p)
        if too_long is not None:
            raise too_long.error()

    def record(case: Case, event: CaseEvent) -> None:
        ApprovalRequest.objects.create(
            case=case, kind=RequestKind.EXTENSION, reason=reason, period=str(p), requested_by=actor, created_at=now
        )

    return transition(case_id, "extend_request", actor=actor, reason=reason, before=check, after=record, expected_version=expected_version, now=now,
                      data={"period": str(p), "milestone": milestone})


def case_extension_decide(
    case_id: int, *, actor: Person, approve: bool, note: str = "", expected_version: int | None = None, now: datetime | None = None
) -> Case:
    now = now or timezone.now()
    holder: dict[str, ApprovalRequest] = {}

    def check(case: Case) -> None:
        _applies("extend_approve" if approve else "extend_reject")(case)
        req = _pending(case, RequestKind.EXTENSION)
        assert req is not None
        holder["req"] = req

    def record(case: Case, event: CaseEvent) -> None:
        req = holder["req"]
        req.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
        req.decided_by, req.decided_at, req.decision_note = actor, now, note
        req.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        if approve:
            m, clock = milestone_extend(case.pk, "", req.period, now=now)
            clock_store(case, clock)
            event.data = {**event.data, "period": req.period, "milestone": m.kind, "due_at": m.due_at.isoformat()}
            event.save(update_fields=["data"])

    action = "extend_approve" if approve else "extend_reject"
    return transition(case_id, action, actor=actor, reason=note, before=check, after=record, expected_version=expected_version, now=now)


def case_documents_request(case_id: int, *, actor: Person, text: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    text = _text(text, _("补充材料说明"))
    return transition(case_id, "request_documents", actor=actor, reason=text, expected_version=expected_version, now=now, data={"text": text})


def case_documents_received(case_id: int, *, actor: Person | None, note: str = "", expected_version: int | None = None, now: datetime | None = None) -> Case:
    """材料已补齐: only while a documents request waits for the citizen (409 otherwise)."""
    return transition(case_id, "documents_received", actor=actor, reason=note, before=_applies("documents_received"),
                      expected_version=expected_version, now=now)


# -- replies -------------------------------------------------------------------------------------

def _reply_row(kind: str, status: str, actor: Person | None, text: str, now: datetime):
    def record(case: Case, event: CaseEvent) -> None:
        Reply.objects.create(case=case, kind=kind, text=text, status=status, author=actor, created_at=now)

    return record


def case_progress_reply(
    case_id: int, *, actor: Person, text: str, procedural: bool = False, expected_version: int | None = None, now: datetime | None = None
) -> Case:
    text = _text(text, _("答复内容"))
    now = now or timezone.now()
    kind = ReplyKind.PROCEDURAL if procedural else ReplyKind.PROGRESS
    action = "procedural_reply" if procedural else "progress_reply"
    return transition(case_id, action, actor=actor, after=_reply_row(kind, ReplyStatus.SENT, actor, text, now),
                      expected_version=expected_version, now=now, data={"text": text})


def case_answer(case_id: int, *, actor: Person, text: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    """A consultation answered on the spot (当场答复)."""
    text = _text(text, _("答复内容"))
    now = now or timezone.now()

    return transition(case_id, "answer", actor=actor, before=_applies("answer"),
                      after=_reply_row(ReplyKind.ON_SPOT, ReplyStatus.SENT, actor, text, now), expected_version=expected_version, now=now, data={"text": text})


def case_reply_submit(case_id: int, *, actor: Person, text: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    text = _text(text, _("办结答复"))
    now = now or timezone.now()
    return transition(case_id, "reply_submit", actor=actor, before=_applies("reply_submit"),
                      after=_reply_row(ReplyKind.FINAL, ReplyStatus.PENDING, actor, text, now), expected_version=expected_version, now=now)


def case_reply_decide(case_id: int, *, actor: Person, approve: bool, note: str = "", expected_version: int | None = None, now: datetime | None = None) -> Case:
    now = now or timezone.now()
    holder: dict[str, Reply] = {}

    def check(case: Case) -> None:
        reply = Reply.objects.filter(case=case, kind=ReplyKind.FINAL, status=ReplyStatus.PENDING).last()
        if reply is None:
            raise Conflict(_("没有待审核的答复。"), code="no_reply")
        holder["reply"] = reply

    def record(case: Case, event: CaseEvent) -> None:
        reply = holder["reply"]
        reply.status = ReplyStatus.APPROVED if approve else ReplyStatus.REJECTED
        reply.approved_by, reply.decided_at = actor, now
        reply.save(update_fields=["status", "approved_by", "decided_at"])

    if approve:
        # The citizen receives the approved text: it goes into the event the outbox reads.
        pending = Reply.objects.filter(case_id=case_id, kind=ReplyKind.FINAL, status=ReplyStatus.PENDING).last()
        data = {"text": pending.text if pending else ""}
        return transition(case_id, "reply_approve", actor=actor, reason=note, before=check, after=record, expected_version=expected_version, now=now, data=data)
    return transition(case_id, "reply_reject", actor=actor, reason=note, before=check, after=record, expected_version=expected_version, now=now)


# -- follow-up and closing -----------------------------------------------------------------------

def case_follow_up(
    case_id: int, *, actor: Person | None, rating: int, comment: str = "", contacted: bool = True,
    resolved: bool | None = None, by_citizen: bool = False, expected_version: int | None = None, now: datetime | None = None,
) -> Case:
    """Record the follow-up (回访). An unsatisfied rating reopens the case (重办) with a new deadline."""
    if rating not in Satisfaction.values:
        raise InvalidInput(_("满意度评价不正确：应为1至5。"), code="invalid_rating")
    now = now or timezone.now()
    unsatisfied = rating in UNSATISFIED_RATINGS
    is_resolved = (not unsatisfied) if resolved is None else resolved
    comment = _text(comment, _("回访意见"), required=False)

    def record(case: Case, event: CaseEvent) -> None:
        FollowUp.objects.create(case=case, rating=rating, contacted=contacted, resolved=is_resolved,
                                comment=comment, by=actor, by_citizen=by_citizen, at=now)

    # The rating and the reopening it causes are one transaction: never a rating without its 重办.
    with transaction.atomic():
        case = transition(case_id, "follow_up", actor=actor, reason=comment, after=record,
                          expected_version=expected_version, now=now, changes={"satisfaction": rating},
                          data={"rating": rating, "rating_label": str(Satisfaction(rating).label),
                                "by_citizen": by_citizen})
        if unsatisfied:
            reason = _("群众评价“%(label)s”，重新办理。") % {"label": Satisfaction(rating).label}
            if comment:
                reason += comment
            case = case_reopen(case.pk, actor=None, reason=reason, now=now)
    return case


def case_reopen(case_id: int, *, actor: Person | None, reason: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    case = Case.objects.only("lead_unit_id", "reopen_count").filter(pk=case_id).first()
    if case is None or case.lead_unit_id is None:
        return transition(case_id, "reopen_dispatch", actor=actor, reason=reason, expected_version=expected_version, now=now,
                          changes={"reopen_count": (case.reopen_count + 1) if case else 1, "satisfaction": None})
    return transition(case_id, "reopen", actor=actor, reason=reason, expected_version=expected_version, now=now,
                      changes={"reopen_count": case.reopen_count + 1, "satisfaction": None})


def case_archive(case_id: int, *, actor: Person | None, expected_version: int | None = None, now: datetime | None = None) -> Case:
    return transition(case_id, "archive", actor=actor, expected_version=expected_version, now=now)


def case_withdraw(case_id: int, *, actor: Person | None, reason: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    return transition(case_id, "withdraw", actor=actor, reason=reason, expected_version=expected_version, now=now)


def case_invalidate(case_id: int, *, actor: Person, reason: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    return transition(case_id, "invalidate", actor=actor, reason=reason, expected_version=expected_version, now=now)


def case_merge(case_id: int, *, actor: Person, into_id: int, reason: str = "", expected_version: int | None = None, now: datetime | None = None) -> Case:
    if into_id == case_id:
        raise InvalidInput(_("不能合并到自身。"), code="merge_self")
    target = Case.objects.filter(pk=into_id).first()
    from banshi.cases.visibility import can_see_case

    if target is None or not can_see_case(actor, target):
        raise InvalidInput(_("要合并到的诉求不存在。"), code="invalid_merge_target")
    if target.state in ("merged", "invalid", "withdrawn"):
        raise Conflict(_("不能合并到已合并、无效或撤回的诉求。"), code="invalid_merge_target")

    def record(case: Case, event: CaseEvent) -> None:
        CaseLink.objects.get_or_create(case=case, other=target, kind=LinkKind.DUPLICATE)
        CaseLink.objects.get_or_create(case=target, other=case, kind=LinkKind.DUPLICATE)

    return transition(case_id, "merge", actor=actor, reason=reason, after=record, expected_version=expected_version, now=now,
                      changes={"merged_into_id": target.pk}, data={"into": target.number})


def case_mark_urgent(case_id: int, *, actor: Person | None, urgency: str = Urgency.URGENT, reason: str = "",
                     expected_version: int | None = None, now: datetime | None = None) -> Case:
    if urgency not in Urgency.values:
        raise InvalidInput(_("紧急程度不正确。"), code="invalid_urgency")
    return transition(case_id, "mark_urgent", actor=actor, reason=reason, changes={"urgency": urgency}, expected_version=expected_version, now=now,
                      data={"urgency": urgency})


def case_link(case_id: int, *, actor: Person | None, other_id: int, kind: str = LinkKind.RELATED,
              score: float | None = None, expected_version: int | None = None, now: datetime | None = None) -> Case:
    if kind not in LinkKind.values:
        raise InvalidInput(_("关联类型不正确。"), code="invalid_link")
    other = Case.objects.filter(pk=other_id).first() if other_id != case_id else None
    from banshi.cases.visibility import can_see_case

    if other is None or (actor is not None and not can_see_case(actor, other)):
        raise InvalidInput(_("要关联的诉求不存在。"), code="invalid_link")

    def record(case: Case, event: CaseEvent) -> None:
        CaseLink.objects.get_or_create(case=case, other_id=other_id, kind=kind, defaults={"score": score})
        CaseLink.objects.get_or_create(case_id=other_id, other=case, kind=kind, defaults={"score": score})

    return transition(case_id, "link", actor=actor, after=record, expected_version=expected_version, now=now, data={"other_id": other_id, "kind": kind})


def case_attach(case_id: int, *, actor: Person | None, files: Sequence[Any], note: str = "",
                expected_version: int | None = None, now: datetime | None = None) -> Case:
    """Attach already checked files (intake/uploads.py: upload_check) to the case, audited."""
    from banshi.cases.uploads import attachments_save

    if not files:
        raise InvalidInput(_("请选择要上传的文件。"), code="no_files")

    def record(case: Case, event: CaseEvent) -> None:
        saved = attachments_save(case, files, by=actor)
        event.data = {**event.data, "attachments": [{"id": a.pk, "name": a.name, "size": a.size} for a in saved]}
        event.save(update_fields=["data"])

    return transition(case_id, "attach", actor=actor, reason=note, after=record, expected_version=expected_version, now=now)


def case_comment(case_id: int, *, actor: Person, text: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    text = _text(text, _("备注"))
    return transition(case_id, "comment", actor=actor, reason=text, expected_version=expected_version, now=now)


# -- supervision ---------------------------------------------------------------------------------

def case_supervise(case_id: int, *, actor: Person, note: str, due_at: datetime | None = None,
                   expected_version: int | None = None, now: datetime | None = None) -> Case:
    note = _text(note, _("督办意见"))
    now = now or timezone.now()
    if due_at is not None and (timezone.is_naive(due_at) or due_at <= now):
        raise InvalidInput(_("督办期限必须是带时区的将来时间。"), code="invalid_due")

    def record(case: Case, event: CaseEvent) -> None:
        Supervision.objects.create(case=case, note=note, due_at=due_at, by=actor, created_at=now)

    return transition(case_id, "supervise", actor=actor, reason=note, after=record, expected_version=expected_version, now=now,
                      data={"due_at": due_at.isoformat() if due_at else None})


def case_supervise_answer(case_id: int, *, actor: Person, text: str, expected_version: int | None = None, now: datetime | None = None) -> Case:
    text = _text(text, _("督办反馈"))
    now = now or timezone.now()
    holder: dict[str, Supervision] = {}

    def check(case: Case) -> None:
        _applies("supervise_answer")(case)
        sup = Supervision.objects.filter(case=case, answered_at__isnull=True).order_by("created_at").first()
        assert sup is not None
        holder["sup"] = sup

    def record(case: Case, event: CaseEvent) -> None:
        sup = holder["sup"]
        sup.answer, sup.answered_at, sup.answered_by = text, now, actor
        sup.save(update_fields=["answer", "answered_at", "answered_by"])

    return transition(case_id, "supervise_answer", actor=actor, reason=text, before=check, after=record, expected_version=expected_version, now=now)


def _open_notice_for_escalation(case: Case) -> Supervision | None:
    """The notice an escalation raises: the case's highest-level open notice, the newest of those."""
    return (Supervision.objects.filter(case=case, answered_at__isnull=True)
            .order_by("-level", "-created_at", "-id").first())


def case_escalate(case_id: int, *, actor: Person | None, reason: str, due_at: datetime | None = None,
                  lapsed: tuple[int, datetime] | None = None, expected_version: int | None = None, now: datetime | None = None) -> Case:
    """升级督办: raise the case's open notice one level (一般 → 重点 → 挂牌), or open one at 重点督办
    when there is none. `due_at` may bring the answer forward (never push it back). Writes internal
    notices to the lead unit's leaders and the notice's supervisor (notify/outbox.py).

    The sweep passes `lapsed=(notice id, the due_at it saw passing)` and no actor: the notice is
    raised only if that deadline is still its deadline and has not lapsed before, so two sweeps
    never escalate it twice."""
    reason = _text(reason, _("升级理由"))
    now = now or timezone.now()
    if due_at is not None and (timezone.is_naive(due_at) or due_at <= now):
        raise InvalidInput(_("督办期限必须是带时区的将来时间。"), code="invalid_due")
    holder: dict[str, Supervision | None] = {}

    def check(case: Case) -> None:
        # Runs under the case's row lock: the notice read here cannot change before `record`.
        if lapsed is not None:
            sup = Supervision.objects.filter(
                case=case, pk=lapsed[0], answered_at__isnull=True, lapsed_at__isnull=True, due_at=lapsed[1]
            ).first()
            if sup is None:
                raise Conflict(_("该督办已反馈或已处理。"), code="supervision_changed")
        else:
            sup = _open_notice_for_escalation(case)
        if sup is None and actor is None:
            raise Conflict(_("没有待反馈的督办。"), code="no_supervision")
        if sup is not None and sup.level >= SUPERVISION_MAX_LEVEL:
            raise Conflict(
                _("该督办已是最高级别（%(label)s），不能再升级。") % {"label": SupervisionLevel(sup.level).label},
                code="max_level",
            )
        if due_at is not None and sup is not None and sup.due_at is not None and now < sup.due_at < due_at:
            raise InvalidInput(
                _("升级督办只能提前反馈期限，不能晚于原期限%(due)s。")
                % {"due": timezone.localtime(sup.due_at).strftime("%Y-%m-%d %H:%M")},
                code="due_later",
            )
        holder["sup"] = sup

    def record(case: Case, event: CaseEvent) -> None:
        sup = holder["sup"]
        if sup is None:
            assert actor is not None
            level_from = None
            sup = Supervision.objects.create(
                case=case, note=reason, level=SupervisionLevel.KEY, due_at=due_at, by=actor, created_at=now,
                escalated_at=now,
            )
        else:
            level_from = sup.level
            fields: dict[str, Any] = {"level": sup.level + 1, "escalated_at": now}
            if lapsed is not None:
                fields["lapsed_at"] = now
            if due_at is not None:
                fields.update(due_at=due_at, lapsed_at=None)  # a new deadline, watched by the sweep again
            # Compare-and-set on what `check` read: a change in between refuses the escalation.
            if not Supervision.objects.filter(
                pk=sup.pk, level=sup.level, answered_at__isnull=True, due_at=sup.due_at, lapsed_at=sup.lapsed_at
            ).update(**fields):
                raise Conflict(_("督办已被他人更新，请刷新后重试。"), code="stale_supervision")
            for name, value in fields.items():
                setattr(sup, name, value)
        event.data = {
            **event.data, "supervision_id": sup.pk, "from_level": level_from, "level": sup.level,
            "level_label": str(SupervisionLevel(sup.level).label), "supervisor_id": sup.by_id,
            "due_at": sup.due_at.isoformat() if sup.due_at else None, "auto": lapsed is not None,
        }
        event.save(update_fields=["data"])

    return transition(case_id, "escalate", actor=actor, reason=reason, before=check, after=record, expected_version=expected_version, now=now)
