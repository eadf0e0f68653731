"""Request and response bodies of the JSON API (documented in OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, Any] = {}


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=200)


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    unit_id: int | None
    unit: str | None


class CaseIn(Schema):
    type: str = Field(description="consultation | help | complaint | report | suggestion")
    channel: str = Field(description="hotline_12345, portal, window, field_visit, …")
    content: str = Field(max_length=20000)
    title: str = ""
    citizen_name: str = ""
    citizen_phone: str = ""
    citizen_id_number: str = ""
    anonymous: bool = False
    confidential: bool = False
    address: str = ""
    region_code: str | None = None
    grid_id: int | None = None
    category: str = ""
    urgency: str = "normal"
    received_at: datetime | None = Field(None, description="for back-entry (补录): the real time, with offset")
    policy_code: str | None = None
    service_point_id: int | None = None


class MilestoneOut(Schema):
    kind: str
    label: str
    period: str
    due_at: datetime
    status: str
    clock: str
    provisional: bool
    extended: bool


class CitizenOut(Schema):
    name: str
    phone: str
    id_number: str
    masked: bool


class ActionOut(Schema):
    action: str
    label: str
    needs_reason: bool


class CaseOut(Schema):
    id: int
    number: str | None
    type: str
    channel: str
    title: str
    content: str
    citizen: CitizenOut
    anonymous: bool
    confidential: bool
    address: str
    region_code: str | None
    category: str
    agency: str
    urgency: str
    received_at: datetime
    backdated: bool
    state: str
    state_label: str
    version: int
    policy: str | None
    intake_unit_id: int
    lead_unit_id: int | None
    lead_unit: str | None
    handler_id: int | None
    next_due_at: datetime | None
    overdue: bool
    satisfaction: int | None
    reopen_count: int
    merged_into_id: int | None
    triage: dict[str, Any]


class CaseDetailOut(CaseOut):
    milestones: list[MilestoneOut]
    allowed_actions: list[ActionOut]


class CaseCreatedOut(CaseOut):
    tracking_code: str


class CaseListOut(Schema):
    count: int = Field(description="matching cases, counted up to 10,000")
    count_capped: bool = Field(description="true when there are at least 10,000: narrow the filters")
    items: list[CaseOut]
    offset: int
    limit: int


class EventOut(Schema):
    id: int
    action: str
    from_state: str
    to_state: str
    actor: str | None
    actor_role: str
    at: datetime
    reason: str
    data: dict[str, Any]


# -- action bodies -------------------------------------------------------------------------------

class Versioned(Schema):
    version: int | None = Field(None, description="the case version the client saw; a stale one gets 409")


class DispatchIn(Versioned):
    unit_id: int
    note: str = ""
    category: str | None = None
    periods: dict[str, str] = Field(default_factory=dict, description='per-order deadlines, e.g. {"result": "15d"}')


class TransferIn(Versioned):
    unit_id: int
    reason: str
    periods: dict[str, str] = Field(default_factory=dict)


class ReasonIn(Versioned):
    reason: str = ""


class TextIn(Versioned):
    text: str


class AssignIn(Versioned):
    handler_id: int


class UnitIn(Versioned):
    unit_id: int
    note: str = ""


class ExtensionIn(Versioned):
    period: str = Field(description="e.g. 3d, 5wd, 1m, 24h")
    reason: str


class DecisionIn(Versioned):
    approve: bool
    note: str = ""


class ReplyIn(Versioned):
    text: str
    procedural: bool = False


class FollowUpIn(Versioned):
    rating: int = Field(description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意")
    comment: str = ""
    contacted: bool = True
    resolved: bool | None = None


class MergeIn(Versioned):
    into_id: int
    reason: str = ""


class UrgencyIn(Versioned):
    urgency: str = "urgent"
    reason: str = ""


class LinkIn(Versioned):
    other_id: int
    kind: str = "related"


class SuperviseIn(Versioned):
    note: str
    due_at: datetime | None = None


class EscalateIn(Versioned):
    reason: str
    due_at: datetime | None = Field(None, description="an earlier deadline for the answer (never a later one)")


class RevealIn(Schema):
    purpose: str = ""


class DueOut(Schema):
    start: datetime
    period: str
    due_at: datetime
    last_day: date | None
    provisional: bool


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    agency: str
    region_code: str
    parent_id: int | None
