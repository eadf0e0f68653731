"""Outbox rows, written in the same transaction as the event they announce. The worker
(notify/worker.py) sends them after commit; nothing is sent for a change that rolled back."""

from __future__ import annotations

from typing import Any

from banshi.cases.models import Case, CaseEvent
from banshi.notify.models import OutboxMessage

# Citizen messages by action. Texts are the defaults; MessageTemplate rows override them.
CITIZEN_TEMPLATES: dict[str, str] = {
    "register": "receipt",
    "request_documents": "documents_request",
    "answer": "final_reply",
    "reply_approve": "final_reply",
    "procedural_reply": "progress_reply",
    "progress_reply": "progress_reply",
    "follow_up": "follow_up",
    "reopen": "reopened",
    "reopen_dispatch": "reopened",
}
DEFAULT_TEXTS: dict[str, str] = {
    "receipt": "【办实事】您的诉求已受理，编号{number}，查询码{tracking_code}。可凭查询码和手机号查询办理进度。",
    "documents_request": "【办实事】您的诉求{number}需要补充材料：{text}。请凭查询码{tracking_code}在线补充。",
    "progress_reply": "【办实事】您的诉求{number}办理进展：{text}",
    "final_reply": "【办实事】您的诉求{number}已办结：{text}。请凭查询码{tracking_code}对办理结果评价。",
    "follow_up": "【办实事】感谢您对诉求{number}的评价，我们将继续改进工作。",
    "reopened": "【办实事】您的诉求{number}将重新办理，可凭查询码{tracking_code}查询进度。",
}
TEMPLATE_NAMES: dict[str, str] = {
    "receipt": "受理回执",
    "documents_request": "补充材料通知",
    "progress_reply": "办理进展答复",
    "final_reply": "办结答复及回访邀请",
    "follow_up": "评价致谢",
    "reopened": "重新办理通知",
}
# Internal alerts to units by action.
INTERNAL_TEMPLATES = {"dispatch": "new_order", "transfer": "new_order", "supervise": "supervision", "reopen": "reopened"}


def _citizen_recipient(case: Case) -> str:
    return case.citizen_phone if case.citizen_phone else ""


def outbox_for_event(case: Case, event: CaseEvent) -> None:
    template = CITIZEN_TEMPLATES.get(event.action)
    recipient = _citizen_recipient(case)
    if template and recipient:
        payload: dict[str, Any] = {
            "number": case.number or "",
            "tracking_code": case.tracking_code,
            "text": (event.data.get("text") or event.reason or "")[:300],
        }
        OutboxMessage.objects.create(
            case=case, event=event, channel="sms", template=template, recipient=recipient, payload=payload,
            next_attempt_at=event.at, created_at=event.at,
        )
    internal = INTERNAL_TEMPLATES.get(event.action)
    if internal:
        outbox_internal(case, event, template=internal, unit_id=case.lead_unit_id)
    if event.action == "escalate":
        outbox_escalation(case, event)
    if event.action == "register" and case.urgency == "emergency":
        # An emergency alerts the intake unit's supervisors at once (they also see it first in queues).
        outbox_internal(case, event, template="emergency", unit_id=case.intake_unit_id)


def outbox_internal(case: Case, event: CaseEvent, *, template: str, unit_id: int | None) -> None:
    if unit_id is None:
        return
    OutboxMessage.objects.create(
        case=case, event=event, channel="internal", template=template, recipient=f"unit:{unit_id}",
        payload={"number": case.number or "", "action": event.action, **{k: v for k, v in event.data.items() if k in ("label", "due_at", "milestone")}},
        next_attempt_at=event.at, created_at=event.at,
    )


def outbox_escalation(case: Case, event: CaseEvent) -> None:
    """升级督办 goes to the people who must act on it: each leader of the lead unit (its unit's
    inbox when it has none, or the intake unit's before dispatch) and the notice's supervisor."""
    from banshi.orgs.enums import Role
    from banshi.orgs.models import Person

    recipients: list[str] = []
    if case.lead_unit_id is not None:
        leaders = Person.objects.filter(unit_id=case.lead_unit_id, role=Role.LEADER, is_active=True)
        recipients += [f"person:{pk}" for pk in leaders.order_by("id").values_list("id", flat=True)]
    if not recipients:
        recipients.append(f"unit:{case.lead_unit_id or case.intake_unit_id}")
    supervisor = event.data.get("supervisor_id")
    if supervisor and f"person:{supervisor}" not in recipients:
        recipients.append(f"person:{supervisor}")
    payload = {"number": case.number or "", "action": event.action,
               **{k: event.data.get(k) for k in ("level", "level_label", "from_level", "due_at", "auto")}}
    for recipient in recipients:
        OutboxMessage.objects.create(
            case=case, event=event, channel="internal", template="escalation", recipient=recipient,
            payload=payload, next_attempt_at=event.at, created_at=event.at,
        )


def outbox_task(case: Case, event: CaseEvent, *, task: str) -> None:
    """Background work that follows a change (e.g. linking near-duplicates): run by the worker
    after commit with the same lease and retry as messages, so a crash loses nothing."""
    OutboxMessage.objects.create(
        case=case, event=event, channel="task", template=task, recipient="", payload={"case_id": case.pk},
        next_attempt_at=event.at, created_at=event.at,
    )
