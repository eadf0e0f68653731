"""Typed inputs of the notary domain functions and actions (also their API request bodies)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from banshi.cases.inputs import Versioned


class SlotIn(BaseModel):
    """One slot an office publishes."""

    model_config = ConfigDict(extra="ignore")
    starts_at: datetime
    ends_at: datetime
    capacity: int = Field(ge=1, le=500)
    kind: str = Field(default="regular", description="regular 工作日 | weekend 周末不打烊 | special 专题服务周（写 label）")
    label: str = Field(default="", description="专题名称，如“遗嘱公证周”")
    video: bool = Field(default=False, description="可预约视频办理")
    matters: list[str] = Field(default_factory=list, description="限办事项代码（空：不限）")
    note: str = ""


class BookingIn(BaseModel):
    """A booking: the matter, the slot (of an office), in person or by video, and who comes."""

    model_config = ConfigDict(extra="ignore")
    slot_id: int = Field(ge=1, le=2**62)
    matter: str = Field(description="data/matters.yaml code, e.g. will")
    mode: str = Field(default="in_person", description="in_person 到公证处 | video 视频办理")
    citizen_name: str
    citizen_phone: str
    citizen_id_number: str = ""
    note: str = Field(default="", description="群众留言（可选）")


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="ignore")
    phone: str = Field(default="", description="预约时的手机号（群众自行取消时必填）")
    reason: str = ""


class NtAcceptIn(Versioned):
    note: str = ""
    period: str = Field(default="", description="出证期限（5wd、10wd、15wd），默认按事项")


class NtDocsIn(Versioned):
    documents: list[str] = Field(description="需补充的全部材料（一次性告知）")
    note: str = ""


class NtDocsReceivedIn(Versioned):
    in_person: bool = Field(default=False, description="当事人到公证处补交（计一次到场）；线上、邮寄补交为 false")
    note: str = ""


class NtIssueIn(Versioned):
    certificate_number: str = Field(description="公证书编号，如（2026）冀秦海证字第1024号")
    delivery: str = Field(default="on_spot", description="on_spot 当场领取 | mail 邮寄 | electronic 电子公证书 | pickup 另行到窗口领取")
    note: str = ""


class NtRefuseIn(Versioned):
    reason_code: str = Field(description="data/matters.yaml refusal_reasons code（公证法第31条）")
    reason: str


class NtTerminateIn(Versioned):
    reason_code: str = Field(description="data/matters.yaml termination_reasons code")
    reason: str
