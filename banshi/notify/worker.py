"""Drains the outbox after commit: claims due rows with compare-and-set, sends, marks sent.
Several workers may run; a worker killed mid-batch leaves its claimed rows to be re-claimed when
their lease ends, and the gateway's reference check keeps a re-send from going out twice."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from banshi.notify.gateways import Gateway, gateway_default
from banshi.notify.models import MessageTemplate, OutboxMessage, OutboxStatus
from banshi.notify.tasks import task_run
from banshi.notify.templates import DEFAULT_TEXTS

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, payload: dict[str, object]) -> str:
    """The template's editable text with the payload filled in; an unknown `{field}` stays blank,
    and a body an editor broke (stray braces) falls back to the built-in text."""
    row = MessageTemplate.objects.filter(code=template).first()
    default = DEFAULT_TEXTS.get(template, "{text}")
    body = row.body if row else default
    try:
        return body.format_map(_Blank(payload))
    except (IndexError, ValueError, AttributeError):
        return default.format_map(_Blank(payload))


def outbox_claim(*, now: datetime, batch: int) -> tuple[str, list[int]]:
    token = secrets.token_hex(8)
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ids = list(
        OutboxMessage.objects.filter(free, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id").values_list("id", flat=True)[:batch]
    )
    claimed: list[int] = []
    for mid in ids:
        if OutboxMessage.objects.filter(free, pk=mid, status=OutboxStatus.PENDING).update(
            claimed_until=now + LEASE, claim_token=token
        ):
            claimed.append(mid)
    return token, claimed


def outbox_drain(*, gateway: Gateway | None = None, now: datetime | None = None, batch: int = 100) -> int:
    gateway = gateway or gateway_default()
    now = now or timezone.now()
    token, ids = outbox_claim(now=now, batch=batch)
    sent = 0
    for msg in OutboxMessage.objects.filter(pk__in=ids, claim_token=token).order_by("id"):
        # Renew the lease for this one message; a worker that has lost it (its batch ran past the
        # lease and another worker took the row over) leaves the message to that worker.
        if not OutboxMessage.objects.filter(pk=msg.pk, claim_token=token, status=OutboxStatus.PENDING).update(
            claimed_until=max(now, timezone.now()) + LEASE
        ):
            continue
        if msg.channel in ("sms", "task"):
            try:
                if msg.channel == "task":
                    task_run(msg.template, dict(msg.payload))
                else:
                    gateway.send(reference=f"outbox-{msg.pk}", recipient=msg.recipient,
                                 text=render(msg.template, msg.payload))
            except Exception as exc:  # a provider failure: retry with back-off, never lose the row
                attempts = msg.attempts + 1
                status = OutboxStatus.DEAD if attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
                OutboxMessage.objects.filter(pk=msg.pk, claim_token=token).update(
                    attempts=attempts, status=status, last_error=str(exc)[:500], claimed_until=None,
                    next_attempt_at=now + timedelta(seconds=30 * 2**attempts),
                )
                continue
        OutboxMessage.objects.filter(pk=msg.pk, claim_token=token).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), attempts=msg.attempts + 1, claimed_until=None
        )
        if msg.channel != "task":
            sent += 1
    return sent
