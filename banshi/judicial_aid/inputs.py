"""Typed inputs of the 国家司法救助 actions (also their API request bodies)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from banshi.cases.inputs import Versioned

MAX_MONEY = Decimal("999999999999.99")


class JaApplyIn(BaseModel):
    """A 国家司法救助 application: by the applicant (registered at the deciding unit's window) or
    proposed by the organ handling the case."""

    model_config = ConfigDict(extra="ignore")
    unit_id: int = Field(ge=1, le=2**62, description="the deciding unit: a court, procuratorate or police organ")
    applicant_name: str
    applicant_phone: str = ""
    applicant_id_number: str = ""
    situation: str = Field(description="data/judicial_aid.yaml situations code, e.g. victim_injury")
    circumstances: str = Field(description="生活困难情况 (sensitive: shown only to the deciding unit and its supervisors)")
    case_ref: str = Field("", description="原案案号或案由, e.g. （2026）冀0302刑初123号 故意伤害案")
    amount_requested: Decimal | None = Field(default=None, gt=0, le=MAX_MONEY, decimal_places=2)
    documents: list[str] = Field(default_factory=list, description="the documents handed in with the application")
    address: str = ""
    channel: str = "window"


class JaDocsIn(Versioned):
    documents: list[str] = Field(description="the missing documents, all at once (一次性告知)")
    note: str = ""


class JaGrantIn(Versioned):
    amount: Decimal = Field(gt=0, le=MAX_MONEY, decimal_places=2, description="决定救助金额（元）")
    reasons: str = Field("", description="决定理由 (sensitive)")
    exceed_reason: str = Field("", description="突破限额的理由 (required above the limit)")


class JaRefuseIn(Versioned):
    reason_code: str = Field(description="data/judicial_aid.yaml refusal_reasons code")
    reasons: str = Field(description="不予救助的具体理由 (sensitive, written in the 不予救助决定书)")


class JaPayIn(Versioned):
    amount: Decimal = Field(gt=0, le=MAX_MONEY, decimal_places=2, description="本次发放金额（元）")
    paid_on: date = Field(description="发放日期")
    method: str = Field("bank_transfer", description="bank_transfer 银行转账 | cash 现金 | other 其他方式")
    reference: str = Field("", description="凭证号 (e.g. the bank transfer's serial number)")
    note: str = ""
