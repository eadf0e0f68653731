"""The dispatch desk, the case header clock and the queue's clocks in a real browser (Debian's
Chromium via Playwright), at 1366×900 and on a phone (390×844).

Screenshots: test-artifacts/desk-*.png, clock-*.png."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import LinkKind, State, Urgency
from banshi.cases.models import Case
from banshi.sla.models import Milestone, MilestoneStatus
from tests.factories import World, case_new
from tests.web.conftest import signed_in
from tests.web.test_browser_console import OVERFLOW_JS, SMALL_TARGETS_JS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# What people call in about (the hotline's own words), varied in length.
DEMANDS = [
    "小区门口烧烤摊每天晚上营业到凌晨两点，油烟和噪音很大，家里老人孩子都睡不好，希望有关部门管一管。",
    "我在某建筑工地干了八个月，包工头拖欠工资两万三千元一直不给，春节前想要回来。",
    "邻居装修把承重墙打掉了，楼上楼下都有裂缝，物业不管，请相关部门查处。",
    "网上刷单返利被骗了四千多元，对方已经把我拉黑，请问怎么报案。",
    "我父亲八十二岁，三个子女都不管他，住在漏雨的老房子里，想找人调解赡养问题。",
    "法院判决已经生效半年了，对方一直不履行还款义务，申请强制执行后没有进展。",
    "小区地下车库有人私拉电线给电动车充电，存在火灾隐患，多次反映没人处理。",
    "想咨询一下办理房屋买卖合同公证需要带哪些材料，要多长时间。",
    "我们村的河道最近有工厂往里排黑水，鱼都死了，味道很大。",
    "学校门口小卖部卖过期的辣条和饮料，孩子吃了拉肚子，希望执法部门查一查。",
    "离婚后前夫不按判决支付孩子抚养费，已经拖欠七个月了。",
    "楼上住户长期高空抛物，昨天差点砸到人，请派出所处理。",
    "申请法律援助，我是农民工，工伤后老板不赔偿，请不起律师。",
    "小区物业费上涨没有公示，业主委员会也联系不上，想反映情况。",
    "路口红绿灯坏了三天了，早晚高峰很危险，请尽快修复。",
    "我家孩子在培训机构交了一万二的学费，机构突然关门跑路了。",
    "我和邻居因为宅基地边界发生纠纷，村里调解了两次没有结果。",
    "家门口的共享单车乱停乱放，把消防通道都堵了。",
    "有人冒用我的身份证办理了手机卡，现在收到催款短信。",
    "老旧小区加装电梯，一楼住户不同意，想请社区出面协调。",
    "隔壁邻居男的喝醉了正在拿刀打他老婆，孩子一直在哭喊救命。",  # row 21: urgent, far down today
    "公交车上有人偷手机被我看见了，想提供线索。",
    "快递驿站丢了我的包裹，驿站不给赔偿。",
    "我母亲被保健品推销骗走了三万块钱养老钱，想追回来。",
    "小区有人养大型犬不拴绳，已经咬伤两个小孩。",
    "在网上买的二手车里程表被调过，卖家不退车。",
    "申请检察院对一起民事判决进行监督，认为判决有错误。",
    "酒店违规收取押金不退，前台态度恶劣。",
    "小区门口违规设置收费停车，没有任何审批手续。",
    "居民楼下餐馆油烟管道直排，楼上根本不能开窗。",
    "老伴突然倒地不省人事，叫不醒，我一个人不知道怎么办。",  # row 31: emergency
    "社区矫正人员经常在小区里闹事，居民很害怕。",
    "刚才被骗转账三万八千元，请马上帮我冻结对方账户。",  # row 33: urgent
    "工厂解除劳动合同不给经济补偿，想申请劳动仲裁。",
    "村委会换届选举有人贿选，请有关部门调查。",
    "出租屋房东不退押金，还扣了我的行李。",
    "我的车在小区里被人划了，监控拍到了人。",
    "想咨询遗嘱公证的办理流程和费用。",
]
URGENT_ROWS = {20: Urgency.EMERGENCY, 30: Urgency.EMERGENCY, 32: Urgency.URGENT}
DUPLICATES = {(5, 3): 0.86, (23, 9): 0.78, (36, 29): 0.81}  # (newer, older) rows, score



def shot(page: Any, name: str, *, full: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def _desk_cases(w: World) -> list[Case]:
    now = timezone.now()
    cases = []
    for i, text in enumerate(DEMANDS):
        case = case_new(w, content=text, citizen_phone=f"1390000{i:04d}", address=f"海港区文化路{i + 1}号")
        # Received over the last two days, oldest first (the order the desk used to show them in).
        Case.objects.filter(pk=case.pk).update(received_at=now - timedelta(hours=48 - i))
        cases.append(case)
    for row, urgency in URGENT_ROWS.items():
        if Case.objects.get(pk=cases[row].pk).urgency != urgency:
            life.case_mark_urgent(cases[row].pk, actor=w.dispatcher, urgency=urgency, reason="来电人处于危险之中")
    for (newer, older), score in DUPLICATES.items():
        life.case_link(cases[newer].pk, actor=None, other_id=cases[older].pk, kind=LinkKind.DUPLICATE, score=score)
    # One came back from the police station with its reason.
    life.case_dispatch(cases[12].pk, actor=w.dispatcher, unit_id=w.station.pk)
    life.case_return(cases[12].pk, actor=w.leader, reason="法律援助申请不属于派出所职责，请派法律援助中心。")
    return cases


def test_desk_fits_ten_cases_a_screen_urgent_first(live_server: Any, browser_world: World, browser: Any) -> None:
    w = browser_world
    cases = _desk_cases(w)
    page = signed_in(browser, live_server.url, "dispatcher", LAPTOP)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/desk/")
    rows = page.locator("article.desk-row").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return {id: e.id, top: r.top, bottom: r.bottom, cls: e.className}; })")
    assert len(rows) == len(DEMANDS)
    on_screen = [r for r in rows if r["top"] >= 0 and r["bottom"] <= LAPTOP["height"]]
    shot(page, "desk-01-1366x900")
    shot(page, "desk-02-1366-full", full=True)
    assert len(on_screen) >= 10, f"{len(on_screen)} cases fully visible in the first screen"
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, height  # 38 cases (the old desk: 13,000 px for 35)

    # Urgent first: 特急 and 紧急 at the top, none after an ordinary one.
    urgent_ids = {f"desk-{cases[row].pk}" for row in URGENT_ROWS}
    ranks = [0 if "urgency-emergency" in r["cls"] else 1 if "urgency-urgent" in r["cls"] else 2 for r in rows]
    assert ranks == sorted(ranks) and ranks[:len(URGENT_ROWS)] == [0, 0, 1]
    assert {r["id"] for r in rows[:len(URGENT_ROWS)]} == urgent_ids

    # Each card: clock, suggestion in words, the duplicate to merge, the return reason.
    newer = page.locator(f"#desk-{cases[5].pk}")
    assert newer.locator(".tl").count() == 1 and "剩余" in newer.locator(".tl").inner_text()
    assert newer.get_by_role("button", name=f"合并至{cases[3].number}").count() == 1
    back = page.locator(f"#desk-{cases[12].pk}")
    assert "法律援助申请不属于派出所职责" in back.locator(".desk-returned").inner_text()
    why = page.locator(".desk-why").first.inner_text()
    assert "把握" in why and "." not in why.split("把握")[0]  # agency and item in words, no codes

    # One key: the first card's suggestion has the focus; Enter dispatches it.
    first = rows[0]["id"]
    focused = page.evaluate("document.activeElement.closest('article') && document.activeElement.closest('article').id")
    if page.locator(f"#{first} button.accept").count():
        assert focused == first
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert Case.objects.get(pk=int(first.split("-")[1])).state == State.DISPATCHED

    # The merge button merges the newer demand into the older one.
    with page.expect_navigation():
        page.locator(f"#desk-{cases[5].pk}").get_by_role("button", name=f"合并至{cases[3].number}").click()
    assert Case.objects.get(pk=cases[5].pk).state == State.MERGED
    assert page.locator(f"#desk-{cases[5].pk}").count() == 0
    assert not [e for e in errors if "Content Security Policy" in e], errors

    # On a phone: cards, no sideways scrolling, thumb-sized controls.
    phone = signed_in(browser, live_server.url, "dispatcher", PHONE)
    phone.goto(f"{live_server.url}/desk/")
    shot(phone, "desk-03-phone")
    found = phone.evaluate(OVERFLOW_JS)
    assert found["scroll"] <= found["vw"] and not found["wide"], found
    assert phone.evaluate(SMALL_TARGETS_JS) == []
    phone.locator(f"#desk-{cases[23].pk} .desk-more summary").click()
    phone.locator(f"#desk-{cases[23].pk}").scroll_into_view_if_needed()
    shot(phone, "desk-04-phone-more")


def _clocked(w: World) -> dict[str, Case]:
    """Cases in handling at the police station with deadlines in every colour."""
    now = timezone.now()
    out: dict[str, Case] = {}
    plan = {"late": -(24 * 2 + 3.5), "soon": 5.5, "ok": 24 * 4 + 2.5, "later": 24 * 6 + 0.5}
    texts = {"late": "小区门口夜间有人聚集喝酒吵闹，影响休息，已经持续一周。",
             "soon": "楼上住户长期高空抛物，昨天差点砸到人。",
             "ok": "家门口的共享单车乱停乱放，把消防通道都堵了。",
             "later": "有人冒用我的身份证办理了手机卡，现在收到催款短信。"}
    for key, hours in plan.items():
        case = case_new(w, content=texts[key])
        life.case_dispatch(case.pk, actor=w.dispatcher, unit_id=w.station.pk)
        life.case_sign(case.pk, actor=w.handler)
        due = now + timedelta(hours=hours)
        late = hours < 0
        # The case's result milestone, as if its deadline were there (and swept when past).
        Milestone.objects.filter(case=case).exclude(status=MilestoneStatus.MET).update(
            due_at=due, warn_at=due - timedelta(hours=24),
            status=MilestoneStatus.BREACHED if late else MilestoneStatus.PENDING)
        Case.objects.filter(pk=case.pk).update(next_due_at=due, overdue=late, received_at=due - timedelta(days=7))
        out[key] = case
    return out


def test_case_header_and_queue_tell_the_time(live_server: Any, browser_world: World, browser: Any) -> None:
    w = browser_world
    cases = _clocked(w)
    for viewport, suffix in ((LAPTOP, "1366"), (PHONE, "phone")):
        page = signed_in(browser, live_server.url, "handler", viewport)
        page.goto(f"{live_server.url}/cases/{cases['late'].pk}/")
        header = page.locator("#case-clock")
        assert "已超时2天3小时" in header.inner_text()
        assert "tl-red" in (header.locator(".tl").get_attribute("class") or "")
        shot(page, f"clock-01-case-header-{suffix}")
        if viewport is LAPTOP:
            # The extension period is picked, not typed; what cannot apply now is not offered.
            assert "documents_received" not in [el.get_attribute("data-action") for el in page.locator("form[data-action]").all()]
            page.locator("#action-extend_request summary").click()
            options = page.locator("#extend_request-period option").all_inner_texts()
            assert options == ["请选择", "3日", "5日", "7日", "10个工作日", "15日", "1个月"], options
            page.locator("#extend_request-period").select_option("10wd")
            page.locator("#extend_request-reason").fill("需协调城管部门联合执法，申请延期。")
            page.locator("#h-clocks").scroll_into_view_if_needed()
            shot(page, "clock-05-case-extension-picker", full=True)
            with page.expect_navigation():
                page.locator("#action-extend_request button[type=submit]").click()
            assert page.locator("#action-extend_request").count() == 0
            assert "已有待审批的延期申请" in page.locator(".waiting").inner_text()
            assert "10个工作日" in page.locator("#h-work").locator("xpath=..").inner_text()
        page.goto(f"{live_server.url}/cases/{cases['soon'].pk}/")
        assert "即将到期 · 剩余5小时" in page.locator("#case-clock").inner_text()
        shot(page, f"clock-02-case-header-amber-{suffix}")

        page.goto(f"{live_server.url}/queue/?sort=due")
        clocks = page.locator("td.cell-clock .tl").all_inner_texts()
        assert clocks[:4] == ["已超时2天3小时", "剩余5小时", "剩余4天2小时", "剩余6天"], clocks
        shot(page, f"clock-03-queue-{suffix}", full=True)
        page.goto(f"{live_server.url}/")
        assert "light-red" in (page.locator("[data-queue=overdue]").get_attribute("class") or "")
        assert "light-amber" in (page.locator("[data-queue=due_soon]").get_attribute("class") or "")
        shot(page, f"clock-04-home-{suffix}")
        if viewport is PHONE:
            for path in ("/", "/queue/?sort=due", f"/cases/{cases['late'].pk}/"):
                page.goto(f"{live_server.url}{path}")
                found = page.evaluate(OVERFLOW_JS)
                assert found["scroll"] <= found["vw"] and not found["wide"], (path, found)
