"""The action registry: every action on a case is declared once, as one entry of its workflow
definition (`cases/workflow/demand.py` for demands), built with `act()`.

An entry is the rule (states, who, reason, clock effect, measures, messages, labels) together with
what the interfaces need: the domain function that runs it, its typed input (cases/inputs.py: a
pydantic model carrying the `version` the client saw, compared under the row lock), its API path
and summary, and its web form. The JSON API (`api/views.py`) and the workbench's action forms
(`web/actions.py`) are generated from the registry; neither holds a rule of its own.

Adding an action: write its domain function (cases/domain/) and add one `act(...)` entry to the
definition — see the README's contributor section for a worked example.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from banshi.cases.inputs import Versioned
from banshi.cases.models import Case
from banshi.cases.workflow.engine import Rule, Scope, rule_make
from banshi.orgs.models import Person
from banshi.sla.services import NO_EFFECT, ClockEffect


@dataclass(frozen=True)
class FormField:
    """One field of an action's web form: the input's field name, its widget and its label."""

    name: str
    kind: str  # textarea | text | unit | handler | rating | urgency | period | datetime | link_kind | case_ref
    label: Any
    required: bool = True


def textarea(name: str, label: str, *, required: bool = True) -> FormField:
    return FormField(name, "textarea", _(label), required)


@dataclass(frozen=True)
class Action:
    """One registry entry: a workflow rule and its interfaces."""

    rule: Rule
    run: Callable[..., Case]  # the domain function: fn(case_id, *, actor, expected_version, **args)
    input: type[Versioned] = Versioned
    path: str = ""  # the API path under /api/v1/cases/{id}/ ("" = no endpoint of its own)
    summary: str = ""  # the API summary
    form: tuple[FormField, ...] = ()  # the web form
    preset: dict[str, Any] = field(default_factory=dict)  # input values its web form fixes (the API body gives them)
    args: Callable[[Any], dict[str, Any]] | None = None  # input → domain arguments (default: the input's fields)

    @property
    def name(self) -> str:
        return self.rule.action

    def call(self, case_id: int, actor: Person, data: Versioned) -> Case:
        kwargs = self.args(data) if self.args else data.model_dump(exclude={"version"})
        return self.run(case_id, actor=actor, expected_version=data.version, **kwargs)


def act(
    action: str, label: str, sources: Iterable[str], target: str | None, *who: tuple[str, Scope],
    run: Callable[..., Case], input: type[Versioned] = Versioned, api: tuple[str, str] = ("", ""),
    form: tuple[FormField, ...] = (), preset: dict[str, Any] | None = None,
    args: Callable[[Any], dict[str, Any]] | None = None,
    needs_reason: bool = False, system: bool = False, clock: ClockEffect = NO_EFFECT, measures: Iterable[str] = (),
    notice: str = "", alert: str = "", citizen: str = "",
) -> Action:
    """One registry entry: the rule's table row (see `rule_make`) and its interfaces."""
    rule = rule_make(action, label, sources, target, *who, needs_reason=needs_reason, system=system, clock=clock,
                     measures=measures, notice=notice, alert=alert, citizen=citizen)
    return Action(rule, run, input, api[0], api[1], form, dict(preset or {}), args)


def keep(*names: str, **renamed: str) -> Callable[[Any], dict[str, Any]]:
    """Domain arguments from the input: the named fields, and `renamed` domain argument ← input field."""
    return lambda d: {**{n: getattr(d, n) for n in names}, **{k: getattr(d, v) for k, v in renamed.items()}}


_REGISTRY: dict[str, dict[str, Action]] = {}


def actions_register(kind: str, actions: Iterable[Action]) -> None:
    entries = {a.name: a for a in actions}
    endpoints: dict[str, Action] = {}
    for a in entries.values():
        first = endpoints.setdefault(a.path, a) if a.path else a
        if first.run is not a.run or first.input is not a.input:
            raise ValueError(f"actions {first.name!r} and {a.name!r} share the API path {a.path!r} "
                             "but not their domain function and input")
    _REGISTRY[kind] = entries


def actions_for(kind: str) -> list[Action]:
    from banshi.cases.workflow import definition_for

    definition_for(kind)  # loads the shipped definitions on first use
    return list(_REGISTRY.get(kind, {}).values())


def action_for(kind: str, rule: str) -> Action | None:
    return {a.name: a for a in actions_for(kind)}.get(rule)


def form_for(kind: str, rule: str) -> tuple[FormField, ...]:
    a = action_for(kind, rule)
    return a.form if a else ()


def api_endpoints(kind: str = "demand") -> list[Action]:
    """One entry per API path (entries sharing a path share its function and input: the body decides,
    e.g. `approve` on a decision)."""
    seen: dict[str, Action] = {}
    for a in actions_for(kind):
        if a.path:
            seen.setdefault(a.path, a)
    return list(seen.values())


def act_again(entry: Action, sources: Iterable[str]) -> Action:
    """The same action (rule, domain function, input, path, form) for another kind of matter, from
    that kind's states: supervision, notes and attachments work on every kind alike."""
    from dataclasses import replace

    return replace(entry, rule=replace(entry.rule, sources=frozenset(sources)))
