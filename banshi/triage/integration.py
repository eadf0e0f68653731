"""The Django side of triage: the catalogue model built from the administrators' catalogue
(rows of triage.CatalogueItem) and the dispatchers' corrections (triage.TriageLabel, see
banshi/triage/corrections.py), a suggestion for every new demand with the concrete unit that
serves its place, and the auto-dispatch decision.

The unit is the nearest one of the item's unit kinds (banshi/orgs/routing.py). The suggestion
says whether it is of one of those kinds (``unit_preferred``; false for a fall-back to any unit
of the agency) and how sure the model is of that kind of unit (``unit_confidence``: the
probability of the suggested items whose unit kinds include the unit's kind). A demand is
dispatched without a dispatcher only when both the item and the unit are confident and the
unit is of a preferred kind."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Count, Max

from banshi.orgs.routing import unit_for
from banshi.triage.catalogue import DEFAULT_CATALOGUE
from banshi.triage.catalogue import CatalogueItem as ItemSpec
from banshi.triage.corrections import (
    CorrectionsSummary,
    catalogue_train,
    corrections_select,
    corrections_stamp,
)
from banshi.triage.emergency import EmergencyDecision, emergency_decide
from banshi.triage.model import CatalogueModel
from banshi.triage.models import CatalogueItem
from banshi.triage.routing import default_unit_kinds

log = logging.getLogger(__name__)
CHECK_SECONDS = 60.0
# New corrections are taken in by a rebuild at most this often per process (a catalogue edit
# is taken in at the next check): a busy dispatch desk must not rebuild the model every minute.
CORRECTIONS_SECONDS = 600.0
_lock = threading.Lock()
_EMPTY: dict[str, Any] = {
    "model": None, "base": None, "stamp": None, "labels": None, "built": 0.0, "checked": 0.0, "kinds": {},
    "building": False,
}
_state: dict[str, Any] = dict(_EMPTY)


def _stamp() -> tuple[int, Any]:
    agg = CatalogueItem.objects.filter(is_active=True).aggregate(n=Count("id"), t=Max("updated_at"))
    return agg["n"], agg["t"]


def catalogue_build(
    *, corrections: bool = True
) -> tuple[CatalogueModel, dict[str, list[str]], CorrectionsSummary]:
    """The live model: the active catalogue rows (with none, the shipped default) plus the usable
    corrections as extra examples; the unit kinds per item; what became of the corrections."""
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
                unit_kinds=tuple(r.unit_kinds),
            )
            for r in rows
        ]
        kinds = {r.code: list(r.unit_kinds) or default_unit_kinds(r.code, r.agency) for r in rows}
    else:
        specs = list(DEFAULT_CATALOGUE)
        kinds = {i.code: default_unit_kinds(i.code, i.agency) for i in specs}
    frozen = tuple(specs)

    def catalogue_only() -> CatalogueModel:
        return _catalogue_only(frozen)

    if not corrections:
        return catalogue_only(), kinds, CorrectionsSummary()
    extra, summary = corrections_select(specs, catalogue_only)
    model = catalogue_train(specs, extra) if extra else catalogue_only()
    return model, kinds, summary


@functools.lru_cache(maxsize=1)
def _catalogue_only(specs: tuple[ItemSpec, ...]) -> CatalogueModel:
    """The catalogue-only model of the latest catalogue: a rebuild for new corrections, and the
    catalogue-only twin that guards auto-dispatch, reuse it instead of training it again."""
    return CatalogueModel.train(specs)


def _build_live() -> tuple[CatalogueModel, dict[str, list[str]], CatalogueModel | None]:
    """catalogue_build for the live model: a failure with the corrections never stops intake.
    The third value is the catalogue-only model when corrections were learnt (else None): a
    suggestion that only the corrections make is never auto-dispatched (auto_dispatch_unit)."""
    try:
        model, kinds, summary = catalogue_build()
    except Exception:
        log.exception("triage: learning from the dispatchers' corrections failed; using the catalogue only")
        model, kinds, _ = catalogue_build(corrections=False)
        return model, kinds, None
    base = catalogue_build(corrections=False)[0] if summary.used else None
    return model, kinds, base


def catalogue_model() -> tuple[CatalogueModel, dict[str, list[str]]]:
    model, kinds, _ = _live()
    return model, kinds


def _live() -> tuple[CatalogueModel, dict[str, list[str]], CatalogueModel | None]:
    """The live model, its unit kinds and its catalogue-only twin (None without corrections),
    read together under the lock; checked once a minute per process. Retrained (~0.2 s) when an
    administrator edits the catalogue; retrained with new corrections (~1 s with thousands,
    corrections.py bounds it) when the last build is older than CORRECTIONS_SECONDS. That
    retraining runs in the thread that noticed, while the others keep using the current model."""
    now = time.monotonic()
    with _lock:
        if _state["model"] is not None and now - _state["checked"] < CHECK_SECONDS:
            return _state["model"], _state["kinds"], _state["base"]
        stamp = _stamp()
        labels = corrections_stamp()
        if _state["model"] is None or stamp != _state["stamp"]:
            model, kinds, base = _build_live()
            _state.update(model=model, base=base, stamp=stamp, labels=labels, built=now, kinds=kinds)
        _state["checked"] = now
        current = _state["model"], _state["kinds"], _state["base"]
        if labels == _state["labels"] or now - _state["built"] < CORRECTIONS_SECONDS or _state["building"]:
            return current
        _state["building"] = True
    try:
        model, kinds, base = _build_live()
    finally:
        with _lock:
            _state["building"] = False
    with _lock:
        if _state["stamp"] == stamp:  # not reset nor rebuilt for a catalogue edit meanwhile
            _state.update(model=model, base=base, stamp=stamp, labels=labels, built=now, kinds=kinds)
        if _state["model"] is None:  # reset meanwhile: what was just built is consistent
            return model, kinds, base
        return _state["model"], _state["kinds"], _state["base"]


def catalogue_model_reset() -> None:
    with _lock:
        _state.update(_EMPTY, kinds={})


def triage_text(text: str, region_path: str = "") -> dict[str, Any]:
    """The suggestion stored on the case (Case.triage) and shown to dispatchers."""
    model, kinds, base = _live()
    pred = model.predict([text])[0]
    out = pred.to_dict()
    if base is not None and base is not model and base.predict([text])[0].category != pred.category:
        # Only the dispatchers' corrections point here: suggest it, but let a dispatcher confirm.
        out["learned"] = True
    item_kinds = kinds.get(pred.category, [])
    unit = unit_for(pred.agency, region_path, item_kinds) if region_path else None
    out["unit_id"] = unit.pk if unit else None
    out["unit"] = unit.name if unit else ""
    out["unit_kind"] = unit.kind if unit else ""
    out["unit_preferred"] = unit is not None and unit.kind in item_kinds
    out["unit_confidence"] = round(unit_confidence(pred.alternatives, kinds, unit.kind), 4) if unit else 0.0
    out.update(emergency_fields(emergency_decide(text), str(out.get("reason") or "")))
    return out


def emergency_fields(decision: EmergencyDecision | None, reason: str = "") -> dict[str, Any]:
    """The suggestion's emergency fields from the one emergency decision (banshi/triage/emergency.py):
    ``emergency`` (the kind, or None), ``transfer_to`` (110/119/120/122, most important first),
    ``also_call`` (12356, 96110: in addition, never instead), the Chinese name, what staff do, what
    the citizen is told, the words it went by; the reason starts with the advice. Registration
    sets the urgency from ``emergency`` (cases/domain/intake.py)."""
    if reason.startswith("紧急："):  # the model's own advice line: replaced by the decision's
        reason = reason.split("。", 1)[1] if "。" in reason else ""
    if decision is None:
        return {"urgent": False, "emergency": None, "transfer_to": [], "also_call": [], "reason": reason}
    return {
        "urgent": True, "emergency": decision.kind, "emergency_name": decision.name,
        "transfer_to": list(decision.numbers), "also_call": list(decision.also),
        "emergency_staff": decision.staff, "emergency_citizen": decision.citizen,
        "emergency_evidence": list(decision.evidence), "reason": f"{decision.advice}。{reason}",
    }


def unit_confidence(alternatives: Sequence[tuple[str, float]], kinds: dict[str, list[str]], unit_kind: str) -> float:
    """How sure the model is that a unit of ``unit_kind`` serves the demand: the probability of
    the suggested items (the model's top alternatives) that name that kind among their unit kinds."""
    return min(1.0, sum(p for code, p in alternatives if unit_kind in kinds.get(code, ())))


def triage_case_input(data: Any, region_path: str = "") -> dict[str, Any]:
    text = "\n".join(t for t in (getattr(data, "title", ""), data.content) if t)
    return triage_text(text, region_path)


def auto_dispatch_unit(case_type: str, suggestion: dict[str, Any]) -> int | None:
    """The unit to dispatch to without a dispatcher, or None: only non-emergency suggestions
    whose item and unit are both confident, with a concrete unit of one of the item's unit kinds
    (a fall-back to any unit of the agency waits for a dispatcher; so do consultations, for an
    on-the-spot answer)."""
    threshold = float(settings.BANSHI_AUTO_DISPATCH_CONFIDENCE)
    if threshold >= 1.0 or case_type == "consultation" or suggestion.get("emergency"):
        return None
    if suggestion.get("learned"):
        return None  # one mistaken correction must not route similar demands unseen
    if suggestion.get("unit_preferred") is not True:
        return None  # not a unit of the kinds that serve the item (or a suggestion from before the check)
    unit_id = suggestion.get("unit_id")
    confident = float(suggestion.get("confidence") or 0.0) >= threshold
    unit_confident = float(suggestion.get("unit_confidence") or 0.0) >= threshold
    if unit_id and confident and unit_confident:
        return int(unit_id)
    return None
