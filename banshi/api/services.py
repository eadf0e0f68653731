"""/api/v1/legal-aid and /api/v1/mediations: open a specialised matter directly (a demand opens
one with its `refer` action); the steps after that are the case actions under /api/v1/cases/{id}/."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from banshi.api.schemas import CaseCreatedOut, ErrorOut
from banshi.orgs.models import Person
from banshi.services import catalog
from banshi.services.inputs import AidApplyIn, MedOpenIn
from banshi.services.legal_aid import aid_open
from banshi.services.mediation import mediation_open

router = Router(tags=["services"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ServiceCatalogOut(Schema):
    legal_aid: dict[str, Any]
    mediation: dict[str, Any]


def _me(request: HttpRequest) -> Person:
    person = request.auth  # type: ignore[attr-defined]
    assert isinstance(person, Person)
    return person


def _created(case: Any) -> dict[str, Any]:
    from banshi.api.views import case_out

    out = case_out(case)
    out["tracking_code"] = case.tracking_code
    return out


@router.post("/legal-aid", response={201: CaseCreatedOut, **ERRORS})
def legal_aid_apply(request: HttpRequest, body: AidApplyIn) -> Status:
    """法律援助申请: open a legal-aid matter at a centre (the applicant, 援助事项, exemption of arts. 32/42)."""
    return Status(201, _created(aid_open(body, actor=_me(request))))


@router.post("/mediations", response={201: CaseCreatedOut, **ERRORS})
def mediation_apply(request: HttpRequest, body: MedOpenIn) -> Status:
    """调解申请: a dispute brought to a mediation committee (by a party, a court, the police or the committee)."""
    return Status(201, _created(mediation_open(body, actor=_me(request))))


@router.get("/services/catalogue", response={200: ServiceCatalogOut})
def services_catalogue(request: HttpRequest) -> dict[str, Any]:
    """The codes the two kinds use (援助事项, exemptions with articles, dispute types, next channels …)."""
    return {"legal_aid": catalog.legal_aid(), "mediation": catalog.mediation()}
