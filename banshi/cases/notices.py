"""Which case event sends which message: the case's policy, written on each workflow rule
(`notice` to the citizen, `alert` to the lead unit) and applied here, inside the action's
transaction, through notify's generic outbox. The texts are data (notify/data/templates.yaml)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from banshi.cases.enums import Urgency
from banshi.cases.models import Case, CaseEvent
from banshi.notify.outbox import outbox_enqueue, outbox_task
from banshi.orgs.enums import Role
from banshi.orgs.models import Person

if TYPE_CHECKING:
    from banshi.cases.workflow.engine import Rule

ALERT_FIELDS = ("label", "due_at", "milestone")


def notices_for_event(case: Case, rule: Rule, event: CaseEvent) -> None:
    if rule.notice and case.citizen_phone:
        payload: dict[str, Any] = {
            "number": case.number or "",
            "tracking_code": case.tracking_code,
            "text": (event.data.get("text") or event.reason or "")[:300],
        }
        outbox_enqueue(channel="sms", template=rule.notice, recipient=case.citizen_phone, payload=payload,
                       at=event.at, case_id=case.pk, event_id=event.pk)
    if rule.alert:
        alert_unit(case, event, template=rule.alert, unit_id=case.lead_unit_id)
    if event.action == "escalate":
        alert_escalation(case, event)
    if event.from_state == "" and case.urgency == Urgency.EMERGENCY:
        # An emergency alerts the intake unit's supervisors at once (they also see it first in queues).
        alert_unit(case, event, template="emergency", unit_id=case.intake_unit_id)


def alert_unit(case: Case, event: CaseEvent, *, template: str, unit_id: int | None) -> None:
    if unit_id is None:
        return
    payload = {"number": case.number or "", "action": event.action,
               **{k: v for k, v in event.data.items() if k in ALERT_FIELDS}}
    outbox_enqueue(channel="internal", template=template, recipient=f"unit:{unit_id}", payload=payload,
                   at=event.at, case_id=case.pk, event_id=event.pk)


def alert_escalation(case: Case, event: CaseEvent) -> None:
    """升级督办 goes to the people who must act on it: each leader of the lead unit (its unit's
    inbox when it has none, or the intake unit's before dispatch) and the notice's supervisor."""
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
        outbox_enqueue(channel="internal", template="escalation", recipient=recipient, payload=payload,
                       at=event.at, case_id=case.pk, event_id=event.pk)


def case_task(case: Case, event: CaseEvent, *, task: str) -> None:
    """A background task about this case, run by the outbox worker after commit."""
    outbox_task(task=task, payload={"case_id": case.pk}, at=event.at, case_id=case.pk, event_id=event.pk)


def citizen_templates() -> dict[str, str]:
    """Action → citizen message template, over every registered definition (for checks and docs)."""
    from banshi.cases.workflow import definitions

    out: dict[str, str] = {}
    for d in definitions():
        for r in (d.register, *d.rules):
            if r.notice:
                out[r.action] = r.notice
    return out
