"""Registering a demand: one function for every channel (console, portal, API, import, Open311)."""

from __future__ import annotations

import contextlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, Field

from banshi.cases.enums import CaseType, Channel, Urgency
from banshi.cases.models import Case
from banshi.cases.notices import case_task
from banshi.cases.registration import registration_check, via_default
from banshi.cases.workflow import record_registration
from banshi.core.errors import DomainError, InvalidInput
from banshi.core.privacy import id_number_normalise, phone_normalise
from banshi.orgs.models import Grid, Person, Region, Unit
from banshi.orgs.regions import region_by_code
from banshi.sla.models import Policy
from banshi.sla.policies import policy_choose
from banshi.sla.services import policy_by_code

MAX_CONTENT = 5000
BACKDATE_LIMIT = timedelta(days=366)
CLOCK_SKEW = timedelta(minutes=5)
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class CaseInput(BaseModel):
    """A demand to register: what `case_register` takes from every caller, the body of
    `POST /api/v1/cases`, and what the portal, Open311 and ledger imports build. The model only
    checks JSON types; `case_input_clean` checks and normalises the values (Chinese messages), and
    `banshi.cases.registration` decides who may register which channel."""

    type: str = Field(description="consultation | help | complaint | report | suggestion")
    channel: str = Field(
        description="hotline_12345, window, field_visit, … (portal, open311 and import are filled by the system)"
    )
    # The limit is the domain's (case_input_clean, with its Chinese message), documented here, not enforced twice.
    content: str = Field(json_schema_extra={"maxLength": MAX_CONTENT})
    title: str = ""
    citizen_name: str = ""
    citizen_phone: str = ""
    citizen_id_number: str = ""
    anonymous: bool = False
    confidential: bool = False
    address: str = ""
    region_code: str | None = None
    grid_id: int | None = Field(None, ge=1, le=2**63 - 1)
    category: str = ""
    urgency: str = Urgency.NORMAL.value
    received_at: datetime | None = Field(
        None, description="for back-entry (补录): the real time, with offset; required for field_visit, circuit, grid"
    )
    policy_code: str | None = None
    service_point_id: int | None = Field(None, ge=1, le=2**63 - 1)


def tracking_code_new() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(10))


def _choice(value: str, choices: type[Any], what: str) -> str:
    if value not in choices.values:
        raise InvalidInput(_("%(what)s不正确：%(value)s") % {"what": what, "value": value}, code=f"invalid_{what}")
    return value


def case_input_clean(data: CaseInput, *, now: datetime, backdate_limit: timedelta | None = BACKDATE_LIMIT) -> CaseInput:
    """Validate and normalise into a copy (the caller's input is left as it was); raises InvalidInput
    with a Chinese message."""
    data = data.model_copy()  # assignments below are not re-validated (validate_assignment is off)
    _choice(data.type, CaseType, "类型")
    _choice(data.channel, Channel, "渠道")
    _choice(data.urgency, Urgency, "紧急程度")
    data.content = (data.content or "").strip()
    if not data.content:
        raise InvalidInput(_("诉求内容不能为空。"), code="content_required")
    if len(data.content) > MAX_CONTENT:
        raise InvalidInput(_("诉求内容不能超过%(n)d字。") % {"n": MAX_CONTENT}, code="content_too_long")
    data.title = (data.title or "").strip()[:120]
    data.citizen_name = (data.citizen_name or "").strip()[:60]
    data.address = (data.address or "").strip()[:255]
    data.category = (data.category or "").strip()[:64]
    data.citizen_phone = phone_normalise(data.citizen_phone)
    data.citizen_id_number = id_number_normalise(data.citizen_id_number)
    if data.anonymous:
        data.citizen_name = ""
        data.citizen_id_number = ""
    if data.received_at is not None:
        if timezone.is_naive(data.received_at):
            raise InvalidInput(_("受理时间必须带时区。"), code="naive_datetime")
        if data.received_at > now + CLOCK_SKEW:
            raise InvalidInput(_("受理时间不能晚于当前时间。"), code="received_in_future")
        if backdate_limit is not None and data.received_at < now - backdate_limit:
            raise InvalidInput(
                _("补录的受理时间过早：最多可补录%(days)d天以前的诉求。") % {"days": backdate_limit.days},
                code="received_too_old",
            )
    return data


def _policy_for(data: CaseInput, urgency: str, suggested: str | None) -> Policy:
    code = data.policy_code or policy_choose(channel=data.channel, type=data.type, urgency=urgency, suggested=suggested)
    policy = policy_by_code(code)
    if policy is None:
        raise InvalidInput(_("时限规则不存在：%(code)s") % {"code": code}, code="invalid_policy")
    return policy


def case_register(
    *,
    data: CaseInput,
    intake_unit: Unit | None,
    actor: Person | None,
    via: str | None = None,
    idempotency_key: str | None = None,
    now: datetime | None = None,
    notify: bool = True,
    backdate_limit: timedelta | None = BACKDATE_LIMIT,
    auto_dispatch: bool = True,
    link_duplicates: bool = True,
) -> tuple[Case, bool]:
    """Register a demand. Returns (case, created). A repeated Idempotency-Key returns the first case.
    `via` says who calls ("staff", "portal", "open311", "import", "system"; default: staff with an
    actor, else system): the registration rule (banshi.cases.registration) is checked first, for
    every caller. intake_unit None: the actor's unit.
    Ledger imports pass notify=False (no receipt SMS for old entries) and backdate_limit=None."""
    from banshi.triage.integration import auto_dispatch_unit, triage_case_input

    registration_check(actor=actor, via=via or via_default(actor), data=data)
    if intake_unit is None:
        intake_unit = actor.unit if actor is not None else None
        if intake_unit is None:
            raise ValueError("case_register needs an intake unit (or an actor with a unit)")
    now = now or timezone.now()
    # A repeated Idempotency-Key is caught by the unique index (IntegrityError below), not by a
    # read on every create.
    idempotency_key = (idempotency_key or "").strip()[:80] or None
    data = case_input_clean(data, now=now, backdate_limit=backdate_limit)
    region: Region | None = None
    if data.region_code:
        region = region_by_code(data.region_code)
        if region is None:
            raise InvalidInput(_("行政区划代码不存在：%(code)s") % {"code": data.region_code}, code="invalid_region")
    grid: Grid | None = None
    if data.grid_id is not None:
        grid = Grid.objects.filter(pk=data.grid_id).first()
        if grid is None:
            raise InvalidInput(_("网格不存在。"), code="invalid_grid")
        region = region or grid.region
    region = region or intake_unit.region
    if data.service_point_id is not None:
        points = Case._meta.get_field("service_point").related_model._default_manager  # intake's model, by relation
        if not points.filter(pk=data.service_point_id).exists():
            raise InvalidInput(_("服务点不存在。"), code="invalid_service_point")
    suggestion = triage_case_input(data, region.path)
    received_at = data.received_at or now
    urgency = data.urgency
    if suggestion.get("emergency"):
        urgency = Urgency.EMERGENCY  # the supervisor is alerted with the registration (cases/notices.py)
    elif suggestion.get("urgent") and urgency == Urgency.NORMAL:
        urgency = Urgency.URGENT
    # An emergency gets the urgent first-response clock; a consultation never gets 信访 clocks.
    policy = _policy_for(data, urgency, suggestion.get("policy"))
    case = Case(
        tracking_code=tracking_code_new(),
        type=data.type,
        channel=data.channel,
        service_point_id=data.service_point_id,
        title=data.title or data.content[:30],
        content=data.content,
        citizen_name=data.citizen_name,
        citizen_phone=data.citizen_phone,
        citizen_id_number=data.citizen_id_number,
        anonymous=data.anonymous,
        confidential=data.confidential,
        address=data.address,
        region=region,
        region_path=region.path,
        grid=grid,
        category=data.category or suggestion.get("category", ""),
        agency=suggestion.get("agency", ""),
        urgency=urgency,
        received_at=received_at,
        backdated=received_at < now - CLOCK_SKEW,
        policy=policy,
        intake_unit=intake_unit,
        created_by=actor,
        triage=suggestion,
        idempotency_key=idempotency_key or None,
    )
    try:
        with transaction.atomic():
            case.save()
            case.number = f"BS{timezone.localtime(received_at):%Y%m%d}{case.pk:07d}"
            with connection.cursor() as cur:  # the ORM's update() costs twice as much on this hot path
                cur.execute(f"UPDATE {Case._meta.db_table} SET number = %s WHERE id = %s", [case.number, case.pk])
            event = record_registration(
                case, actor, {"channel": data.channel, "backdated": case.backdated}, now, notify=notify
            )
            from banshi.cases.domain.matters import registered_hooks_run

            registered_hooks_run(case)  # in the same transaction: a crisis matter exists with its demand
            if link_duplicates:
                # Near-duplicates are linked by the worker after commit (scoring is CPU work that
                # does not belong on the operator's request).
                case_task(case, event, task="duplicate_check")
    except IntegrityError:
        if idempotency_key:
            existing = Case.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
        raise
    unit_id = auto_dispatch_unit(case.type, suggestion) if auto_dispatch else None
    if unit_id is not None:
        from banshi.cases.domain.lifecycle import case_dispatch

        # Its own transaction: if it fails the demand stays registered for a dispatcher.
        with contextlib.suppress(DomainError):
            case = case_dispatch(case.pk, actor=None, unit_id=unit_id, note=_("系统按智能分流建议自动派单"), now=now)
    return case, True
