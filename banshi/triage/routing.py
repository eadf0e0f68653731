"""Which unit kinds serve a catalogue item, the preferred one first. The kinds are data: each
item's ``unit_kinds`` in triage/data/catalogue.yaml (seeded into the catalogue rows, where an
administrator may change them). The concrete unit is the nearest unit of these kinds serving the
case's region (orgs/routing.py)."""

from __future__ import annotations

import functools

from banshi.triage.catalogue import DEFAULT_CATALOGUE

# For an item that names no unit kinds (an administrator's new item saved without any): the
# agency's own kinds. The `other` agency has none: its departments are too different to guess
# one, so such an item gets the nearest unit of the agency as a hint and is never auto-dispatched.
_BY_AGENCY: dict[str, tuple[str, ...]] = {
    "court": ("court",),
    "procuratorate": ("procuratorate",),
    "police": ("police_station", "police_branch", "police_bureau"),
    "justice": ("justice_office", "justice_bureau"),
    "committee": ("committee",),
    "other": (),
}


@functools.cache
def _shipped() -> dict[str, tuple[str, ...]]:
    return {item.code: item.unit_kinds for item in DEFAULT_CATALOGUE}


def default_unit_kinds(code: str, agency: str) -> list[str]:
    """The unit kinds of the shipped catalogue item ``code``; for any other code, the agency's."""
    kinds = _shipped().get(code)
    if kinds:
        return list(kinds)
    return list(_BY_AGENCY.get(agency, ()))


def first_unit_kind(code: str, agency: str, kinds: dict[str, list[str]] | None = None) -> str:
    """The kind routing prefers for an item (``kinds``: the live table by code, else the shipped
    catalogue's); "" when the item names none."""
    found = (kinds or {}).get(code) or default_unit_kinds(code, agency)
    return found[0] if found else ""
