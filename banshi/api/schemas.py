"""Request and response bodies of the JSON API (documented in OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from banshi.cases.domain.intake import CaseInput


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


class CaseIn(CaseInput):
    # The domain's input model as is (one set of fields); the subclass only keeps the OpenAPI name.
    pass


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
    # Every code keeps its field; its Chinese label stands beside it (`*_label`, added later).
    id: int
    number: str | None
    kind: str = Field("demand", description="demand 群众诉求 | legal_aid 法律援助 | mediation 人民调解")
    kind_label: str = ""
    origin_id: int | None = None
    type: str
    type_label: str = Field("", description="类型的中文名称，如“投诉”")
    channel: str
    channel_label: str = Field("", description="渠道的中文名称，如“12345热线”")
    title: str
    content: str
    citizen: CitizenOut
    anonymous: bool
    confidential: bool
    address: str
    region_code: str | None
    region_name: str | None = Field(None, description="行政区划名称")
    category: str
    category_label: str = Field("", description="事项分类的中文名称（事项目录），如“诈骗”")
    agency: str
    agency_label: str = Field("", description="条线的中文名称，如“公安”")
    urgency: str
    urgency_label: str = Field("", description="紧急程度的中文名称")
    received_at: datetime
    backdated: bool
    state: str
    state_label: str
    version: int
    policy: str | None
    policy_label: str | None = Field(None, description="时限规则名称")
    intake_unit_id: int
    lead_unit_id: int | None
    lead_unit: str | None
    handler_id: int | None
    next_due_at: datetime | None
    overdue: bool
    satisfaction: int | None
    satisfaction_label: str | None = Field(None, description="满意度的中文名称")
    reopen_count: int
    merged_into_id: int | None
    triage: dict[str, Any] = Field(description="分流建议：原有字段（编码）之外，agency_label、category_label、"
                                               "emergency_label、transfer_advice 等为中文说明，alternatives 各项带 name")


class RelatedMatterOut(Schema):
    id: int
    number: str | None
    kind: str
    kind_label: str
    state_label: str
    relation: str = Field(description="origin: the demand this matter came from; derived: a matter opened from it")


class CaseDetailOut(CaseOut):
    milestones: list[MilestoneOut]
    allowed_actions: list[ActionOut]
    file: dict[str, Any] | None = Field(None, description="法律援助或人民调解案卷（其他事项为 null）")
    related: list[RelatedMatterOut] = []


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


# -- action bodies: the action registry's typed inputs (cases/inputs.py) -----------------------
from banshi.cases.inputs import (  # noqa: E402  (re-exported for clients of this module)
    AssignIn,
    DecisionIn,
    DispatchIn,
    EscalateIn,
    ExtensionIn,
    FollowUpIn,
    LinkIn,
    MergeIn,
    ReasonIn,
    ReplyIn,
    SuperviseIn,
    TextIn,
    TransferIn,
    UnitIn,
    UrgencyIn,
    Versioned,
)

__all__ = [
    "AssignIn", "DecisionIn", "DispatchIn", "EscalateIn", "ExtensionIn", "FollowUpIn", "LinkIn", "MergeIn",
    "ReasonIn", "ReplyIn", "SuperviseIn", "TextIn", "TransferIn", "UnitIn", "UrgencyIn", "Versioned",
]


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
