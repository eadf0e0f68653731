"""The one workflow engine (engine.py) and one definition per kind of matter (demand.py, …).

Importing this package registers the definitions shipped with cases; apps above cases
(specialised services) register their own with `definition_register`."""

from __future__ import annotations

from banshi.cases.workflow.demand import DEMAND, RULES, TABLE
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
    "DEMAND", "MEASURES", "REGISTER", "RULES", "TABLE", "Definition", "Rule", "Scope", "all_actions", "allowed_actions", "allowed_pairs",
    "definition_for", "definition_register", "definitions", "may_act", "mermaid_diagram", "record_registration",
    "rule_for", "state_label", "transition",
]
