"""Words, not codes: no page, export or API response a staff member or citizen sees shows a
catalogue code (``police.fraud``) or a machine key of the triage suggestion (``transfer_to``,
``catalogue_item`` …) where a Chinese label belongs.

The world is built through real registration, so every case carries the suggestion the live
triage gives it. Visible text is what a person reads: the text of the page and the attributes
read out or shown (title, placeholder, aria-label, alt, label), without tags, scripts, styles,
form values and URLs. The API keeps its codes (clients depend on them), each with a Chinese
label beside it.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from banshi.cases.domain import lifecycle as life
from banshi.cases.enums import CaseType, Channel, State, Urgency
from banshi.cases.models import Case
from banshi.orgs.enums import Agency, UnitKind
from banshi.orgs.models import Person
from banshi.triage.catalogue import DEFAULT_CATALOGUE
from banshi.triage.models import CatalogueItem
from tests.factories import World, case_new

pytestmark = pytest.mark.django_db

# The suggestion's machine keys (Case.triage) and the codes of its values.
SUGGESTION_KEYS = (
    "transfer_to", "catalogue_item", "category_name", "agency_confidence", "confidence", "alternatives",
    "probability", "unit_id", "unit_kind", "unit_preferred", "unit_confidence", "emergency", "urgent", "learned",
    "agency", "category", "policy", "reason", "unit",
)
POLICY_CODES = ("xinfang", "legal_aid", "mediation", "notary")

TEXTS = {
    "fraud": "我在网上参与刷单返利，前期返了佣金，后来充值三万元被骗，客服失联，请公安机关追回。",
    "fraud2": "网上刷单返利被骗两万，对方说完成任务就返佣金，现在联系不上，请求立案。",
    "fraud3": "刷单返利诈骗，先小额返利后让我垫付资金，一共被骗五万元，请帮忙追回损失。",
    "mediation": "邻居装修把我家墙面弄裂了，协商不成，想请人民调解委员会帮忙调解赔偿。",
    "court": "法院判决生效两年了，被执行人一直不还钱，申请强制执行也没有结果，执行难。",
    "wage": "工地老板拖欠我们十几个农民工工资三个月了，一共八万多元，要过好几次都不给。",
    "medical": "老伴突然倒地不省人事，叫不醒，我该怎么办，请马上派人来。",
}


def _codes() -> list[str]:
    """Every catalogue code, the shipped ones and the stored ones."""
    return sorted({i.code for i in DEFAULT_CATALOGUE} | set(CatalogueItem.objects.values_list("code", flat=True)))


def _forbidden() -> re.Pattern[str]:
    """Catalogue codes anywhere; machine keys and enum codes as whole English words."""
    words = {*SUGGESTION_KEYS, *POLICY_CODES, *Agency.values, *UnitKind.values, *Channel.values, *CaseType.values,
             *Urgency.values, *State.values}
    codes = "|".join(re.escape(c) for c in _codes())
    keys = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True) if not w.isdigit())
    return re.compile(rf"(?:{codes})|(?<![A-Za-z0-9_])(?:{keys})(?![A-Za-z0-9_])|\{{'")


class VisibleText(HTMLParser):
    """The text a person sees or hears on a page."""

    SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self.hidden += 1
        for name, value in attrs:
            if name in self.SHOWN_ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def assert_words(where: str, text: str) -> None:
    found = sorted({m.group(0) for m in _forbidden().finditer(text)})
    assert not found, f"{where} shows codes or machine keys {found}:\n" + "\n".join(
        line for line in text.splitlines() if any(f in line for f in found))[:2000]


def client_for(person: Person) -> Client:
    c = Client()
    c.force_login(person)
    return c


@pytest.fixture
def cases(world: World) -> dict[str, Case]:
    out: dict[str, Case] = {}
    for i, (key, text) in enumerate(TEXTS.items()):
        out[key] = case_new(world, content=text, citizen_phone=f"1381234{i:04d}", address=f"海港区文化路幸福里小区{i + 1}号楼")
    # An operator's own choice of item, and a dispatched, a handled and an urgent case.
    out["chosen"] = case_new(world, content="我家孩子的户口迁移需要哪些材料，办理时间多长？", type="consultation",
                             category="police.household", citizen_phone="13812349999")
    life.case_dispatch(out["fraud"].pk, actor=world.dispatcher, unit_id=world.station.pk)
    life.case_sign(out["fraud"].pk, actor=world.handler)
    life.case_dispatch(out["fraud2"].pk, actor=world.dispatcher, unit_id=world.station.pk)
    life.case_mark_urgent(out["court"].pk, actor=world.dispatcher, urgency="urgent", reason="当事人情绪激动")
    for key, case in out.items():
        case.refresh_from_db()
        assert case.triage and case.triage.get("category"), f"{key}: no suggestion"
    assert any(c.triage.get("alternatives") for c in out.values())
    return out


def test_the_suggestions_hold_codes_to_hide(cases: dict[str, Case]) -> None:
    """The world is a fair test: its stored suggestions do carry codes and machine keys."""
    stored = " ".join(repr(c.triage) for c in cases.values()) + " ".join(c.category for c in cases.values())
    assert _forbidden().search(stored)
    assert "police.fraud" in stored and "transfer_to" in stored


def test_staff_pages_show_words(world: World, cases: dict[str, Case]) -> None:
    dispatcher = client_for(world.dispatcher)
    pages = {"/": dispatcher, "/queue/": dispatcher, "/queue/?category=police.fraud": dispatcher,
             "/desk/": dispatcher, "/hotspots/": dispatcher,
             "/supervision/": client_for(world.supervisor), "/intake/": client_for(world.operator),
             "/intake/field/": client_for(world.operator)}
    for case in cases.values():
        pages[f"/cases/{case.pk}/"] = dispatcher
    handler = client_for(world.handler)
    pages["/?as=handler"] = handler
    pages[f"/cases/{cases['fraud'].pk}/?as=handler"] = handler
    for path, client in pages.items():
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert_words(path, visible(resp.content.decode()))


def test_case_page_names_the_suggestion_in_chinese(world: World, cases: dict[str, Case]) -> None:
    case = cases["fraud3"]
    html = client_for(world.dispatcher).get(f"/cases/{case.pk}/").content.decode()
    text = visible(html)
    panel = text[text.index("分办建议"):]
    assert "建议条线" in panel and "公安" in panel
    assert "建议事项" in panel and "诈骗" in panel
    assert re.search(r"把握程度\s*\d{1,3}%", panel)
    assert "其他可能" not in panel or "（" in panel  # alternatives as names with their share
    chosen = visible(client_for(world.dispatcher).get(f"/cases/{cases['chosen'].pk}/").content.decode())
    assert re.search(r"事项分类\s*户籍与身份证", chosen)


def test_medical_emergency_is_advice_not_a_code(world: World, cases: dict[str, Case]) -> None:
    case = cases["medical"]
    if not case.triage.get("emergency"):
        pytest.skip("the emergency rules do not flag this text (another part of issue 15)")
    text = visible(client_for(world.dispatcher).get(f"/cases/{case.pk}/").content.decode())
    panel = text[text.index("分办建议"):]
    assert re.search(r"紧急情况\s*[\u4e00-\u9fff]{2,}", panel)
    assert re.search(r"转接电话\s*请立即转接[0-9、]*120", panel)


def test_intake_category_is_a_picker_of_names(world: World, cases: dict[str, Case]) -> None:
    html = client_for(world.operator).get("/intake/").content.decode()
    box = re.search(r'<select id="id_category" name="category">(.*?)</select>', html, re.S)
    assert box, "the 事项分类 box is a picker"
    assert '<optgroup label="公安">' in box.group(1) and '<option value="police.fraud">诈骗</option>' in box.group(1)
    assert '<input id="id_category"' not in html
    resp = client_for(world.operator).post("/intake/", {
        "type": "help", "channel": "hotline_12345", "content": "有人冒充客服骗我转账，请帮忙。", "citizen_name": "张三",
        "citizen_phone": "13812340001", "category": "police.fraud", "urgency": "normal", "region": world.district.code,
    })
    assert resp.status_code == 302
    assert Case.objects.order_by("-pk").first().category == "police.fraud"  # type: ignore[union-attr]


def test_hotspot_pages_show_words(world: World, cases: dict[str, Case]) -> None:
    c = client_for(world.dispatcher)
    resp = c.get("/hotspots/")
    spots = resp.context["spots"]
    fraud = next(s for s in spots if cases["fraud"].pk in s["ids"])
    assert "刷单返利" in fraud["keywords"] or "刷单" in fraud["keywords"]
    detail = c.get(fraud["url"])
    assert detail.status_code == 200
    text = visible(detail.content.decode())
    assert_words(fraud["url"], text)
    for key in ("fraud", "fraud2", "fraud3"):
        assert cases[key].number in text


def test_portal_tracking_page_shows_words(world: World, cases: dict[str, Case]) -> None:
    case = cases["fraud"]
    client = Client()
    resp = client.post("/portal/track/", {"code": case.tracking_code, "phone": case.citizen_phone})
    assert resp.status_code == 302
    page = client.get(f"/portal/case/{case.tracking_code}/")
    assert page.status_code == 200
    assert_words("portal case page", visible(page.content.decode()))


def _cells(data: bytes | Path) -> str:
    wb = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data, read_only=True)
    return "\n".join(" ".join(str(v) for v in row if v is not None) for row in wb.worksheets[0].iter_rows(values_only=True))


def test_excel_exports_write_words(world: World, cases: dict[str, Case], tmp_path: Path) -> None:
    resp = client_for(world.dispatcher).get("/queue/export.xlsx")
    assert resp.status_code == 200
    cells = _cells(resp.content)
    assert_words("queue export", cells)
    assert "诈骗" in cells and "户籍与身份证" in cells and "公安" in cells

    out = tmp_path / "ledger.xlsx"
    call_command("export", "cases", str(out), stdout=io.StringIO(), stderr=io.StringIO())
    cells = _cells(out)
    assert_words("ledger export", cells)
    assert "户籍与身份证" in cells and "文化路派出所" in cells


def test_ledger_import_reads_item_names_back_to_codes(world: World, cases: dict[str, Case], tmp_path: Path) -> None:
    from openpyxl import Workbook

    from banshi.intake.ledger import cases_import

    wb = Workbook()
    ws = wb.active
    ws.append(["受理时间", "类型", "诉求内容", "电话", "姓名", "分类"])
    ws.append(["2026-11-01 09:30", "求助", "网上刷单被骗了两千元。", "13812347777", "王五", "诈骗"])
    ws.append(["2026-11-01 10:30", "求助", "邻里纠纷需要调解。", "13812347778", "赵六", "邻里纠纷"])
    path = tmp_path / "in.xlsx"
    wb.save(path)
    report = cases_import(path, unit=world.committee)
    assert report.imported == 2, report.errors
    assert set(Case.objects.filter(citizen_phone__in=["13812347777", "13812347778"]).values_list("category", flat=True)) \
        == {"police.fraud", "邻里纠纷"}


def _chinese(value: Any) -> bool:
    return isinstance(value, str) and bool(re.search(r"[\u4e00-\u9fff]", value))


def test_api_keeps_codes_with_chinese_labels_beside_them(world: World, cases: dict[str, Case], api_as: Any) -> None:
    api = api_as(world.dispatcher)
    listing = api.get("/cases", limit=50).json()["items"]
    detail = [api.get(f"/cases/{c.pk}").json() for c in cases.values()]
    assert len(listing) >= len(cases)
    for out in [*listing, *detail]:
        for code, label in (("type", "type_label"), ("channel", "channel_label"), ("category", "category_label"),
                            ("agency", "agency_label"), ("urgency", "urgency_label"), ("state", "state_label"),
                            ("policy", "policy_label"), ("region_code", "region_name"),
                            ("satisfaction", "satisfaction_label")):
            assert label in out, f"{label} missing beside {code}"
            if out[code] not in (None, ""):
                assert _chinese(out[label]), f"{code}={out[code]!r} has no Chinese label: {out[label]!r}"
        t = out["triage"]
        assert t["category"] in _codes()  # the codes stay
        assert _chinese(t["category_label"]) and _chinese(t["agency_label"])
        if t.get("emergency"):
            assert _chinese(t["emergency_label"]) and t["transfer_advice"].startswith("请立即转接")
        for alt in t.get("alternatives", []):
            assert alt["label"] in _codes() and _chinese(alt["name"])
    fraud = next(o for o in detail if o["id"] == cases["chosen"].pk)
    assert (fraud["category"], fraud["category_label"]) == ("police.household", "户籍与身份证")


@pytest.fixture
def api_as(client: Client) -> Any:
    from tests.api.conftest import Api

    return lambda person: Api(client, person)
