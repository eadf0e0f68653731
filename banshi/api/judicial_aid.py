"""/api/v1/judicial-aid…: open a 国家司法救助 matter (a demand opens one with its `refer` action), read
its file under the access rule, read its decision; the steps (补充材料, 决定, 发放 …) are the
generated case actions under /api/v1/cases/{id}/judicial-aid/….

The generic case response carries nothing sensitive of this kind (its `file` is null; content and
title are neutral): the amounts, the situation and the reasons are read here, masked for anyone but
the deciding unit and its supervisors, and each full view is logged."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Path, Router, Schema, Status

from banshi.api.schemas import CaseCreatedOut, ErrorOut
from banshi.cases.queries.cases import case_get_for
from banshi.judicial_aid.access import judicial_aid_file_view
from banshi.judicial_aid.catalog import public_catalogue
from banshi.judicial_aid.documents import judicial_aid_document_for
from banshi.judicial_aid.domain import ja_open
from banshi.judicial_aid.inputs import JaApplyIn
from banshi.orgs.models import Person

router = Router(tags=["judicial_aid"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
CASE_ID = Path(..., ge=1, le=2**62)


class JudicialAidCatalogueOut(Schema):
    situations: dict[str, Any]
    refusal_reasons: dict[str, Any]
    payment_methods: dict[str, str]
    documents: list[str]
    sources: dict[str, str]
    limit: dict[str, Any]


class JudicialAidPaymentOut(Schema):
    id: int
    paid_on: str
    method: str
    method_label: str
    amount: str | None
    reference: str | None
    note: str | None
    by: str


class JudicialAidFileOut(Schema):
    """None in a sensitive field: masked for this viewer (`masked` is true)."""

    kind: str
    masked: bool
    situation: str | None
    situation_label: str | None
    circumstances: str | None
    case_ref: str
    proposed: bool
    proposer_unit_id: int | None
    proposer: str
    amount_requested: str | None
    documents: list[str]
    docs_missing: list[str]
    docs_requested_at: str | None
    decision: str
    decision_label: str
    decided_at: str | None
    decided_by: str
    amount_granted: str | None
    limit_amount: str | None
    exceed_reason: str | None
    refusal_reason: str | None
    refusal_reason_label: str | None
    decision_reasons: str | None
    payments: list[JudicialAidPaymentOut]
    payment_count: int
    paid_total: str | None
    remaining: str | None
    fully_paid: bool
    close_note: str | None


def _me(request: HttpRequest) -> Person:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, Person)
    return person


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@router.post("/judicial-aid", response={201: CaseCreatedOut, **ERRORS})
def judicial_aid_apply(request: HttpRequest, body: JaApplyIn) -> Status:
    """国家司法救助申请: registered at the deciding court, procuratorate or police organ (the applicant's
    own application), or proposed by another organ handling the case in its region."""
    from banshi.api.views import case_out

    case = ja_open(body, actor=_me(request))
    return Status(201, {**case_out(case), "tracking_code": case.tracking_code})


@router.get("/judicial-aid/catalogue", response={200: JudicialAidCatalogueOut})
def judicial_aid_catalogue(request: HttpRequest) -> dict[str, Any]:
    """The codes the kind uses: 救助情形 (with sources), refusal reasons, payment methods, documents, the limit rule."""
    return public_catalogue()


@router.get("/judicial-aid/{case_id}/file", response={200: JudicialAidFileOut, 404: ErrorOut})
def judicial_aid_file(request: HttpRequest, case_id: int = CASE_ID, purpose: str = "") -> dict[str, Any]:
    """The file: whole for the deciding unit and its supervisors (each view logged); amounts,
    circumstances and reasons masked (null) for anyone else who may see the case."""
    person = _me(request)
    return judicial_aid_file_view(person, case_get_for(person, case_id), ip=_ip(request), purpose=purpose)


@router.get("/judicial-aid/{case_id}/decision", response={200: None, 403: ErrorOut, 404: ErrorOut})
def judicial_aid_decision(request: HttpRequest, case_id: int = CASE_ID) -> HttpResponse:
    """The 救助决定书 or 不予救助决定书 as a printable HTML page (the deciding unit and its supervisors; logged)."""
    person = _me(request)
    html = judicial_aid_document_for(person, case_get_for(person, case_id), ip=_ip(request))
    return HttpResponse(html, content_type="text/html; charset=utf-8")
