"""The default deadline policy catalogue, each with its legal source.

Milestone fields: kind, label, period ("2h", "7d", "15wd", "3m"), start (which event starts the
clock: "register", "dispatch", "sign", "transfer", ...), met_by (actions that meet it),
on_reopen (restart when a case is reopened), recurring + next_period (a new milestone after
each one met), pausable (the clock stops while waiting for the citizen's documents).
Periods marked unverified in DOMAIN.md are set here and editable by administrators.
"""

from __future__ import annotations

from typing import Any

RESULT_ACTIONS = ["reply_approve", "answer"]
SIGN_ACTIONS = ["sign", "return", "transfer"]

DEFAULT_POLICIES: list[dict[str, Any]] = [
    {
        "code": "12345",
        "name": "12345接诉即办",
        "source": "北京市接诉即办工作条例第11–15、23条；签收2小时、一般7日办结为实践做法（未核实，可配置）",
        "verified": False,
        "max_extension": "15d",
        "milestones": [
            {"kind": "sign", "label": "签收", "period": "2h", "start": ["dispatch", "transfer"], "met_by": SIGN_ACTIONS},
            {
                "kind": "result", "label": "办结答复", "period": "7d", "start": ["dispatch"], "met_by": RESULT_ACTIONS,
                "on_reopen": True,
            },
        ],
    },
    {
        "code": "12309",
        "name": "12309检察服务中心群众信访件件有回复",
        "source": "最高人民检察院“群众信访件件有回复”：7日内程序性回复，3个月内办理过程或结果答复，此后每月答复进展",
        "verified": True,
        "max_extension": "",
        "milestones": [
            {
                "kind": "procedural", "label": "程序性回复", "period": "7d", "start": ["register"],
                "met_by": ["procedural_reply", "progress_reply", "return", "transfer", *RESULT_ACTIONS],
            },
            {
                "kind": "progress", "label": "办理过程或结果答复", "period": "3m", "start": ["register"],
                "met_by": ["progress_reply", *RESULT_ACTIONS], "recurring": True, "next_period": "1m",
                "on_reopen": True,
            },
        ],
    },
    {
        "code": "xinfang",
        "name": "信访事项",
        "source": "信访工作条例第23条（15日内决定是否受理）、第34条（60日内办结，延期不超过30日）",
        "verified": True,
        "max_extension": "30d",
        "milestones": [
            {"kind": "accept", "label": "受理告知", "period": "15d", "start": ["register"], "met_by": ["sign", "return", "transfer", "procedural_reply"]},
            {"kind": "result", "label": "出具处理意见", "period": "60d", "start": ["register"], "met_by": RESULT_ACTIONS, "on_reopen": True},
        ],
    },
    {
        "code": "legal_aid",
        "name": "法律援助申请",
        "source": "法律援助法第43条：7日内作出决定，决定给予援助的3日内指派",
        "verified": True,
        "max_extension": "",
        "milestones": [
            {"kind": "decision", "label": "审查决定", "period": "7d", "start": ["register"], "met_by": ["sign", "return"], "pausable": True},
            {"kind": "assign", "label": "指派律师", "period": "3d", "start": ["sign"], "met_by": ["assign"]},
            {"kind": "result", "label": "援助办结", "period": "3m", "start": ["sign"], "met_by": RESULT_ACTIONS, "on_reopen": True},
        ],
    },
    {
        "code": "mediation",
        "name": "人民调解",
        "source": "人民调解工作若干规定第33条：一般在一个月内调结",
        "verified": True,
        "max_extension": "1m",
        "milestones": [
            {"kind": "sign", "label": "受理", "period": "2h", "start": ["dispatch", "transfer"], "met_by": SIGN_ACTIONS},
            {"kind": "result", "label": "调解结案", "period": "1m", "start": ["sign"], "met_by": RESULT_ACTIONS, "on_reopen": True},
        ],
    },
    {
        "code": "notary",
        "name": "公证",
        "source": "公证法第30条：受理后15个工作日内出具公证书；补充材料期间不计入",
        "verified": True,
        "max_extension": "",
        "milestones": [
            {"kind": "sign", "label": "受理", "period": "2h", "start": ["dispatch", "transfer"], "met_by": SIGN_ACTIONS},
            {"kind": "result", "label": "出具公证书", "period": "15wd", "start": ["sign"], "met_by": RESULT_ACTIONS, "pausable": True, "on_reopen": True},
        ],
    },
]

# Which policy a new case gets when the caller does not say (channel first, then catalogue).
CHANNEL_POLICY = {"hotline_12309": "12309"}
DEFAULT_POLICY_CODE = "12345"
