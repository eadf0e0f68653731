"""Typed inputs of the psych matters' actions (also their API request bodies). Codes are those of
data/psych.yaml; a form may post a code's Chinese label instead (catalog.code_of)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from banshi.cases.inputs import Versioned


class PsRequestIn(BaseModel):
    """A counselling appointment (窗口、电话、或由工作人员代为登记)."""

    model_config = ConfigDict(extra="ignore")
    station_id: int = Field(ge=1, le=2**62, description="the station (心灵驿站) asked for")
    citizen_name: str = Field(description="求助者姓名（可填化名）")
    citizen_phone: str = ""
    service: str = Field(default="individual", description="data/psych.yaml services code")
    mode: str = Field(default="face_to_face", description="face_to_face 面谈 | phone 电话 | video 视频")
    preferred: str = Field(default="", description="希望的时间，如“工作日晚上”")
    concern: str = Field(default="", description="求助者自述（保密：只存入保密记录，不进入诉求内容）")
    channel: str = "window"


class PsScheduleIn(Versioned):
    at: datetime = Field(description="the appointment time (with a time zone)")
    counsellor_id: int | None = Field(default=None, ge=1, le=2**62)
    counsellor_name: str = Field(default="", description="or the counsellor's name at the station (default: the actor)")
    place: str = ""
    mode: str = ""


class PsSessionIn(Versioned):
    at: datetime
    minutes: int = Field(default=50, ge=5, le=480)
    mode: str = ""
    notes: str = Field(description="会谈记录（保密）")
    counsellor_id: int | None = Field(default=None, ge=1, le=2**62)
    next_at: datetime | None = Field(default=None, description="the next appointment, if agreed")


class PsReferIn(Versioned):
    target: str = Field(description="data/psych.yaml referral_targets code, e.g. hotline_12356")
    to: str = Field(default="", description="the hospital or organisation by name")
    notes: str = Field(default="", description="转介说明（保密）")


class PsCloseIn(Versioned):
    notes: str = Field(default="", description="结案小结（保密）")


class PsCrisisIn(Versioned):
    notes: str = Field(default="", description="发现的危机情况（保密，记入危机干预案卷）")


class CrOpenIn(BaseModel):
    """A crisis intervention opened directly (e.g. a call to the station)."""

    model_config = ConfigDict(extra="ignore")
    station_id: int = Field(ge=1, le=2**62)
    citizen_name: str = ""
    citizen_phone: str = ""
    address: str = Field(default="", description="where the person is")
    facts: str = Field(description="发现的情况、当事人所在位置（干预人员据此联系当事人）")


class CrContactIn(Versioned):
    at: datetime | None = Field(default=None, description="when contact was made (default: now)")
    mode: str = Field(default="phone", description="data/psych.yaml contact_modes code")
    risk: str = Field(description="high | medium | low")
    notes: str = Field(description="首次接触记录（保密）")


class CrInterveneIn(Versioned):
    at: datetime | None = None
    mode: str = "phone"
    risk: str = ""
    notes: str = Field(description="干预记录（保密）")


class CrHandoverIn(Versioned):
    to: str = Field(description="data/psych.yaml handover_targets code, e.g. police_110, ambulance_120")
    receiver: str = Field(default="", description="the receiving unit or person, e.g. 文化路派出所值班民警")
    at: datetime | None = None
    notes: str = Field(default="", description="移交情况（保密）")


class CrCloseIn(Versioned):
    outcome: str = Field(description="data/psych.yaml crisis_outcomes code")
    notes: str = Field(default="", description="干预结案小结（保密）")


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    station_id: int = Field(ge=1, le=2**62)
    kind: str = Field(description="data/psych.yaml activity_types code, e.g. group_counselling, lecture")
    topic: str
    held_on: date
    place: str
    attendance: int = Field(ge=0, le=100_000)
    counsellors: list[str] = Field(default_factory=list)
