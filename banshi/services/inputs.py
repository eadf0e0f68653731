"""Typed inputs of the specialised matters' actions (also their API request bodies)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from banshi.cases.inputs import Versioned


class AidApplyIn(BaseModel):
    """A legal-aid application (workbench, portal, or from a demand)."""

    model_config = ConfigDict(extra="ignore")
    unit_id: int = Field(ge=1, le=2**62, description="the legal-aid centre")
    applicant_name: str
    applicant_phone: str = ""
    applicant_id_number: str = ""
    matter_type: str = Field(description="data/legal_aid.yaml matter_types code, e.g. labour_pay")
    facts: str = Field(description="案情和请求")
    other_party: str = ""
    economic: str = Field(default="", description="经济困难状况")
    exemption: str = Field(default="", description="免予核查经济困难的情形 code, e.g. migrant_workers (绿色通道)")
    address: str = ""
    channel: str = "window"


class AidDocsIn(Versioned):
    documents: list[str] = Field(description="the missing documents, all at once (一次性告知)")
    note: str = ""
    days: int | None = Field(None, ge=1, le=60, description="days to supply them (default: the data file's)")


class AidGrantIn(Versioned):
    hardship: str = Field("met", description="met 经审查符合经济困难条件 | exempt 免予核查")
    note: str = ""


class AidAdvanceIn(Versioned):
    deadline: date = Field(description="the legal deadline of the applicant's case (先行援助: under 7 days away)")
    lawyer_name: str
    lawyer_org: str = ""
    reason: str


class AidAssignIn(Versioned):
    lawyer_name: str
    lawyer_org: str = ""


class AidTerminateIn(Versioned):
    reason_code: str = Field(description="data/legal_aid.yaml termination_reasons code (art. 48)")
    reason: str


class AidCloseIn(Versioned):
    outcome: str
    amount_recovered: Decimal | None = Field(None, ge=0, le=Decimal("999999999999.99"), decimal_places=2)


class MedOpenIn(BaseModel):
    """A dispute brought to a mediation committee."""

    model_config = ConfigDict(extra="ignore")
    unit_id: int = Field(ge=1, le=2**62, description="the mediation committee")
    source: str = Field("application", description="application | court_pre | court_entrusted | police | initiative")
    dispute_type: str
    facts: str
    parties: list[dict[str, str]] = Field(description='[{"name": "…", "role": "applicant|respondent", "phone": "…"}]')
    address: str = ""
    channel: str = "window"


class MedAcceptIn(Versioned):
    room_id: int | None = Field(None, ge=1, le=2**62)
    mediators: list[str] = Field(default_factory=list)
    parties: list[dict[str, str]] = Field(default_factory=list, description="parties to add (the other side)")
    note: str = ""


class MedSessionIn(Versioned):
    at: datetime
    mode: str = Field("face_to_face", description="face_to_face 面对面 | separate 背对背")
    place: str = ""
    video: bool = False
    mediators: list[str] = Field(default_factory=list)
    record: str


class MedAgreeIn(Versioned):
    form: str = Field("written", description="written 书面协议 | oral 口头协议")
    terms: str
    facts: str = ""


class MedFailIn(Versioned):
    next_channel: str = Field(description="litigation | arbitration | administrative | other")
    reason: str


class MedExtendIn(Versioned):
    period: str = Field(description="e.g. 15d, 1m")
    reason: str


class MedPerformanceIn(Versioned):
    performance: str = Field(description="performed | partial | not_performed")
    note: str = ""
