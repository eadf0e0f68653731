"""Which unit kinds handle a catalogue item first (the concrete unit is the nearest one of these
kinds serving the case's region: orgs/routing.py)."""

from __future__ import annotations

_BY_CODE: dict[str, list[str]] = {
    "justice.mediation": ["mediation", "justice_office"],
    "justice.legal_aid": ["legal_aid", "justice_bureau"],
    "justice.notary": ["notary", "justice_bureau"],
    "justice.lawyer_complaint": ["justice_bureau"],
    "justice.appraisal": ["justice_bureau"],
    "other.street_community": ["street"],
}
_COUNTY_POLICE = {"police.vehicle", "police.traffic", "police.exit_entry", "police.fraud", "police.conduct"}
_BY_AGENCY: dict[str, list[str]] = {
    "court": ["court"],
    "procuratorate": ["procuratorate"],
    "police": ["police_station", "police_branch", "police_bureau"],
    "justice": ["justice_office", "justice_bureau"],
    "committee": ["committee"],
    "other": ["department", "street"],
}


def default_unit_kinds(code: str, agency: str) -> list[str]:
    if code in _BY_CODE:
        return list(_BY_CODE[code])
    if code in _COUNTY_POLICE:
        return ["police_branch", "police_bureau", "police_station"]
    return list(_BY_AGENCY.get(agency, []))
