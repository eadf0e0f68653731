"""The Django side of triage: the catalogue model built from the administrators' catalogue
(rows of triage.CatalogueItem), a suggestion for every new demand with the concrete unit that
serves its place, and the auto-dispatch decision."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from banshi.orgs.routing import unit_for
from banshi.triage.catalogue import DEFAULT_CATALOGUE
from banshi.triage.catalogue import CatalogueItem as ItemSpec
from banshi.triage.model import CatalogueModel
from banshi.triage.models import CatalogueItem
from banshi.triage.routing import default_unit_kinds

CHECK_SECONDS = 60.0
_lock = threading.Lock()
_state: dict[str, Any] = {"model": None, "stamp": None, "checked": 0.0, "kinds": {}}


def _stamp() -> tuple[int, Any]:
    agg = CatalogueItem.objects.filter(is_active=True).aggregate(n=Count("id"), t=Max("updated_at"))
    return agg["n"], agg["t"]


def catalogue_model() -> tuple[CatalogueModel, dict[str, list[str]]]:
    """The model for the active catalogue rows; retrained (~0.2 s) when an administrator edits
    the catalogue, checked once a minute per process. With no rows, the shipped default."""
    now = time.monotonic()
    with _lock:
        if _state["model"] is not None and now - _state["checked"] < CHECK_SECONDS:
            return _state["model"], _state["kinds"]
        stamp = _stamp()
        if _state["model"] is None or stamp != _state["stamp"]:
            rows = list(CatalogueItem.objects.filter(is_active=True))
            if rows:
                specs = [
                    ItemSpec(
                        code=r.code,
                        name=r.name,
                        agency=r.agency,  # type: ignore[arg-type]
                        category=r.category,
                        policy=r.policy_code,  # type: ignore[arg-type]
                        examples=tuple(r.examples),
                        keywords=tuple(r.keywords),
                        department=r.department,
                        notes=r.notes,
                    )
                    for r in rows
                ]
                kinds = {r.code: list(r.unit_kinds) or default_unit_kinds(r.code, r.agency) for r in rows}
            else:
                specs = list(DEFAULT_CATALOGUE)
                kinds = {i.code: default_unit_kinds(i.code, i.agency) for i in specs}
            _state.update(model=CatalogueModel.train(specs), stamp=stamp, kinds=kinds)
        _state["checked"] = now
        return _state["model"], _state["kinds"]


def catalogue_model_reset() -> None:
    with _lock:
        _state.update(model=None, stamp=None, checked=0.0, kinds={})


def triage_text(text: str, region_path: str = "") -> dict[str, Any]:
    """The suggestion stored on the case (Case.triage) and shown to dispatchers."""
    model, kinds = catalogue_model()
    pred = model.predict([text])[0]
    out = pred.to_dict()
    unit = unit_for(pred.agency, region_path, kinds.get(pred.category, ())) if region_path else None
    out["unit_id"] = unit.pk if unit else None
    out["unit"] = unit.name if unit else ""
    return out


def triage_case_input(data: Any, region_path: str = "") -> dict[str, Any]:
    text = "\n".join(t for t in (getattr(data, "title", ""), data.content) if t)
    return triage_text(text, region_path)


def auto_dispatch_unit(case_type: str, suggestion: dict[str, Any]) -> int | None:
    """The unit to dispatch to without a dispatcher, or None: only confident, non-emergency
    suggestions with a concrete unit (consultations wait for an on-the-spot answer)."""
    threshold = float(settings.BANSHI_AUTO_DISPATCH_CONFIDENCE)
    if threshold >= 1.0 or case_type == "consultation" or suggestion.get("emergency"):
        return None
    unit_id = suggestion.get("unit_id")
    if unit_id and float(suggestion.get("confidence") or 0.0) >= threshold:
        return int(unit_id)
    return None
