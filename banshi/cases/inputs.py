"""The typed inputs of the case actions: each a pydantic model carrying the case `version` the
client saw (compared under the row lock by `transition()`). They are also the JSON API's request
bodies (the OpenAPI description is generated from them)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Versioned(BaseModel):
    model_config = ConfigDict(extra="ignore")

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


class ReferIn(Versioned):
    kind: str = Field(description="legal_aid 法律援助 | mediation 人民调解 | judicial_aid 司法救助 (see referral_kinds)")
    unit_id: int = Field(ge=1, le=2**62, description="the unit that takes the matter (centre, committee, court …)")
    note: str = ""
