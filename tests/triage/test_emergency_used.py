"""The one emergency decision where it is used: the registration's suggestion
(banshi/triage/integration.py) and the hotline console's banner (banshi/intake/console.py and
web/console/_emergency.html). The portal's confirmation page is tested in
tests/intake/test_portal_emergency_browser.py."""

from __future__ import annotations

import re

from django.template.loader import render_to_string

from banshi.intake.console import emergency_banner, emergency_prompt
from banshi.triage.emergency import emergency_decide
from banshi.triage.integration import emergency_fields


def test_the_suggestion_carries_the_decision() -> None:
    d = emergency_decide("我不想活了，现在就在楼顶")
    fields = emergency_fields(d, "紧急：自伤自杀风险，建议立即转110/120处置。紧急警情（转110）（公安）；命中关键词：不想活了")
    assert fields["urgent"] is True and fields["emergency"] == "self_harm"
    assert fields["transfer_to"] == ["110", "120"] and fields["also_call"] == ["12356"]
    assert fields["emergency_staff"].startswith("立即转110、120并保持通话")
    assert fields["emergency_citizen"].startswith("请立即拨打110、120。")
    assert fields["reason"].count("紧急：") == 1 and fields["reason"].endswith("命中关键词：不想活了")
    quiet = emergency_fields(None, "路灯（其他部门）；命中关键词：路灯")
    assert quiet == {"urgent": False, "emergency": None, "transfer_to": [], "also_call": [],
                     "reason": "路灯（其他部门）；命中关键词：路灯"}


def test_the_console_shows_the_decisions_numbers_12356_only_besides() -> None:
    banner = emergency_banner("有个人站在天台边上，说要跳下去")
    assert banner is not None and banner["kind"] == "self_harm"
    assert [(c["number"], c["also"]) for c in banner["calls"]] == [("110", False), ("120", False), ("12356", True)]
    assert [t["number"] for t in emergency_prompt("有个人站在天台边上，说要跳下去")] == ["110", "120", "12356"]
    html = render_to_string("web/console/_emergency.html", {"banner": banner})
    big = re.findall(r'class="emergency-number">(\d+)<', html)
    assert big == ["110", "120"]  # the numbers to transfer to; 12356 is no transfer number here
    assert "转接后另可告知：12356" in html and "不能代替上面的号码" in html
    assert banner["staff"] in html
    assert emergency_banner("小区门口路灯坏了") is None
    assert render_to_string("web/console/_emergency.html", {"banner": None}).strip() == ""


def test_fraud_in_progress_is_110_with_96110_besides() -> None:
    banner = emergency_banner("刚才被骗转账三万八千元，请马上帮我冻结对方账户")
    assert banner is not None and banner["kind"] == "fraud"
    assert [(c["number"], c["also"]) for c in banner["calls"]] == [("110", False), ("96110", True)]
    assert "止付" in banner["staff"]
