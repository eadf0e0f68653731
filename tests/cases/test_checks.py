"""The start-up checks: shipped deadline policies name only actions a workflow has, and every
message a rule sends has a text."""

from __future__ import annotations

import pytest

from banshi.cases import checks
from banshi.sla import policies


def test_the_shipped_data_passes() -> None:
    assert checks.policies_name_known_actions() == []
    assert checks.notices_have_texts() == []


def test_a_policy_naming_an_unknown_action_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = [{"code": "typo", "milestones": [
        {"kind": "result", "label": "办结", "period": "7d", "start": ["dispatch"], "met_by": ["reply_aprove"]}]}]
    monkeypatch.setattr(policies, "DEFAULT_POLICIES", bad)
    errors = checks.policies_name_known_actions()
    assert [e.id for e in errors] == ["cases.E001"]
    assert "reply_aprove" in errors[0].msg


def test_a_notice_without_a_text_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from banshi.notify import templates

    monkeypatch.setattr(templates, "DEFAULT_TEXTS", {k: v for k, v in templates.DEFAULT_TEXTS.items() if k != "receipt"})
    errors = checks.notices_have_texts()
    # Every kind of matter whose registration sends the receipt reports it (demand, legal aid, mediation).
    assert errors and {e.id for e in errors} == {"cases.E002"}
