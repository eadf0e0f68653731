"""The routing catalogue with unit kinds per item (issue 15): an existing database takes the shipped
catalogue's new items, the unit kinds of every item whose kinds are still the old defaults (or none),
and the new text (name, department, examples, keywords, notes) of every item nobody has edited since it
was shipped. Items an administrator changed keep their changes. A new database has all of this from
0002 already (it reads the current file), so here nothing changes."""

import hashlib
import json

from django.db import migrations

# The unit kinds 0002 gave the shipped items before the catalogue said them itself (old triage/routing.py).
_OLD_BY_CODE = {
    "justice.mediation": ["mediation", "justice_office"],
    "justice.legal_aid": ["legal_aid", "justice_bureau"],
    "justice.notary": ["notary", "justice_bureau"],
    "justice.lawyer_complaint": ["justice_bureau"],
    "justice.appraisal": ["justice_bureau"],
    "other.street_community": ["street"],
}
_OLD_COUNTY_POLICE = {"police.vehicle", "police.traffic", "police.exit_entry", "police.fraud", "police.conduct"}
_OLD_BY_AGENCY = {
    "court": ["court"],
    "procuratorate": ["procuratorate"],
    "police": ["police_station", "police_branch", "police_bureau"],
    "justice": ["justice_office", "justice_bureau"],
    "committee": ["committee"],
    "other": ["department", "street"],
}

# A fingerprint of each item's text as shipped before (name, department, examples, keywords, notes).
_OLD_TEXT = {
    "court.enforcement": "7627396f39b9fa67",
    "court.filing": "13a8d565320b9fc1",
    "court.trial": "4d7b8157cebbedfa",
    "court.fee_relief": "3afb5de9bd01712d",
    "procuratorate.complaint": "c60325ea3540ac52",
    "procuratorate.civil_supervision": "32599ce4291d0c80",
    "procuratorate.public_interest": "aa684764ab9331f1",
    "procuratorate.wage_support": "b15c83bc1095ff25",
    "procuratorate.judicial_aid": "a68d70d676dc091b",
    "procuratorate.case_supervision": "aedf3d14eaf3164e",
    "police.fraud": "2f9bc4490a4c579b",
    "police.theft": "3dc34ca1dbda23e7",
    "police.household": "304dd18dda5b599b",
    "police.vehicle": "dc3a241a36ad917a",
    "police.traffic": "e43c5d056c5c78a5",
    "police.domestic_violence": "d78b8d985540c54a",
    "police.public_order": "9f2ec9fbb698ae0f",
    "police.exit_entry": "9cfe680dcfacb517",
    "police.residence_permit": "ff8b1b45735b67ee",
    "police.conduct": "0d3807cf88a37dc3",
    "police.emergency_110": "20d9a1c43d0e1daa",
    "police.traffic_accident_122": "48fe7ead822f8d62",
    "justice.mediation": "fc439c6090bc59c0",
    "justice.legal_aid": "2274c48039f18109",
    "justice.notary": "1e25589a55abe764",
    "justice.legal_advice": "4ac766bedf9c160c",
    "justice.community_corrections": "03c7810848dcb48e",
    "justice.lawyer_complaint": "c8cc5015b8a73d36",
    "justice.resettlement": "ce43d93701fd5055",
    "justice.appraisal": "862ac938c2a56844",
    "committee.psychological": "ca3296af51e6dd3c",
    "committee.grid": "40c4cff7689a2efa",
    "committee.coordination": "598f4c959078942f",
    "committee.gangs": "fef1312ba8f9f588",
    "other.wage_arrears": "891345d0b1932137",
    "other.social_security": "9ce498d19d6c3f40",
    "other.urban_management": "949ee6a281050bb4",
    "other.housing": "aab3ad496d9af2a5",
    "other.demolition_land": "37a0e3a0c5270228",
    "other.utilities": "a876999c3a5438f1",
    "other.environment": "b4cd94d32efe44e3",
    "other.transport": "5c26b12b60221da3",
    "other.education": "93f1cf324fead909",
    "other.health": "0fee1ce8f440a98a",
    "other.medical_insurance": "7945387fff1a7460",
    "other.market": "ac962bcce4cd684b",
    "other.civil_affairs": "2fdfc16a30407cdf",
    "other.agriculture": "7f1356b1cc59d7e4",
    "other.street_community": "70f4ff4b653cc685",
    "other.fire_119": "bd704c4e03fd331a",
    "other.medical_120": "049c32482620f83d",
    "other.government_service": "e6a7f44eba6ebeaa",
}


def _old_kinds(code, agency):
    if code in _OLD_BY_CODE:
        return _OLD_BY_CODE[code]
    if code in _OLD_COUNTY_POLICE:
        return ["police_branch", "police_bureau", "police_station"]
    return _OLD_BY_AGENCY.get(agency, [])


def _fingerprint(name, department, examples, keywords, notes):
    key = json.dumps([name, department, list(examples), list(keywords), notes], ensure_ascii=False)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def update(apps, schema_editor):
    from banshi.triage.catalogue import catalogue_as_dicts, load_catalogue

    Item = apps.get_model("triage", "CatalogueItem")
    for d in catalogue_as_dicts(load_catalogue()):
        text = {"name": d["name"], "department": d["department"], "examples": list(d["examples"]),
                "keywords": list(d["keywords"]), "notes": d["notes"]}
        row = Item.objects.filter(code=d["code"]).first()
        if row is None:
            Item.objects.create(code=d["code"], agency=d["agency"], category=d["category"], policy_code=d["policy"],
                                unit_kinds=list(d["unit_kinds"]), **text)
            continue
        changed = []
        if list(row.unit_kinds) in ([], _old_kinds(row.code, row.agency)) and row.agency == d["agency"]:
            row.unit_kinds = list(d["unit_kinds"])
            changed.append("unit_kinds")
        old = _fingerprint(row.name, row.department, row.examples, row.keywords, row.notes)
        if old == _OLD_TEXT.get(row.code):
            for key, value in text.items():
                setattr(row, key, value)
            changed += list(text)
        if changed:
            row.save(update_fields=[*changed, "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("triage", "0002_default_catalogue"), ("orgs", "0002_unit_kinds_departments")]
    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
