"""The one workflow engine (engine.py) and one definition per kind of matter (demand.py, …).

The definitions (with their action registries) load on first use: `definition_for` imports the
shipped ones, and so does asking this package for `DEMAND`, `RULES` or `TABLE`. Apps above cases
(specialised services) register their own with `definition_register` and `actions_register`."""

from __future__ import annotations

from typing import Any

from banshi.cases.workflow.engine import (
    MEASURES,
    REGISTER,
    Definition,
    Rule,
    Scope,
    all_actions,
    allowed_actions,
    allowed_pairs,
    definition_for,
    definition_register,
    definitions,
    may_act,
    mermaid_diagram,
    record_registration,
    rule_for,
    state_label,
    transition,
)

__all__ = [
    "DEMAND", "MEASURES", "REGISTER", "RULES", "TABLE", "Definition", "Rule", "Scope", "all_actions",
    "allowed_actions", "allowed_pairs", "definition_for", "definition_register", "definitions", "may_act",
    "mermaid_diagram", "record_registration", "rule_for", "state_label", "transition",
]


def __getattr__(name: str) -> Any:
    if name in ("DEMAND", "RULES", "TABLE"):
        from banshi.cases.workflow import demand

        return getattr(demand, name)
    raise AttributeError(name)
