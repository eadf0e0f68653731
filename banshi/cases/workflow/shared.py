"""What every specialised matter (banshi/services, notary, judicial_aid, psych) shares with the demand: supervision, notes, attachments (the
demand's entries, from this kind's states) and the deadline sweep's two passive rules."""

from __future__ import annotations

from collections.abc import Iterable

from banshi.cases.actions import Action, act_again, action_for
from banshi.cases.workflow.engine import Rule, rule_make


def shared_entries(open_states: Iterable[str], note_states: Iterable[str]) -> tuple[Action, ...]:
    out = []
    for name, sources in (("supervise", open_states), ("escalate", open_states), ("supervise_answer", open_states),
                          ("comment", note_states), ("attach", note_states)):
        entry = action_for("demand", name)
        assert entry is not None, name
        out.append(act_again(entry, sources))
    return tuple(out)


def deadline_rules(open_states: Iterable[str]) -> tuple[Rule, ...]:
    states = frozenset(open_states)
    return (
        rule_make("sla_warning", "时限预警", states, None, system=True, measures={"warned"}, alert="sla_warning",
                  passive=True),
        rule_make("sla_breach", "已超时", states, None, system=True, measures={"breached"}, alert="sla_breach",
                  passive=True),
    )
