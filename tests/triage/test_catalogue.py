import pytest

from banshi.triage.catalogue import (
    AGENCIES,
    DEFAULT_CATALOGUE,
    EMERGENCY_ITEMS,
    POLICIES,
    CatalogueItem,
    catalogue_as_dicts,
    item_by_code,
    validate_catalogue,
)
from banshi.triage.model import CatalogueModel, classify, classify_many, default_model
from banshi.triage.text import to_simplified

# Plainly worded demands, one list per agency type; each is also tested in traditional
# characters (written out, not converted, so the conversion is really exercised).
PLAIN = {
    "court": [
        ("法院判决对方还钱，一年了还没执行到位", "court.enforcement"),
        ("我想起诉欠钱不还的人，怎么立案", "court.filing"),
        ("法院判決生效後對方拒不履行，申請強制執行", "court.enforcement"),
        ("我想起訴裝修公司，去法院怎麼立案", "court.filing"),
    ],
    "procuratorate": [
        ("不服法院的刑事判决，向检察院申诉", "procuratorate.complaint"),
        ("有人侵占国有资产，我想提供公益诉讼线索", "procuratorate.public_interest"),
        ("請求檢察院支持我們農民工起訴討要工資", "procuratorate.wage_support"),
        ("民事判決明顯錯誤，申請檢察院監督", "procuratorate.civil_supervision"),
    ],
    "police": [
        ("我在网上刷单被骗了两万元", "police.fraud"),
        ("我的电动车在楼下被偷了", "police.theft"),
        ("孩子出生了怎么上户口", "police.household"),
        ("丈夫经常家暴我", "police.domestic_violence"),
        ("我在網上被騙了三萬塊錢", "police.fraud"),
        ("新買的車怎麼上牌", "police.vehicle"),
        ("路口紅綠燈時間太短，行人過不去", "police.traffic"),
    ],
    "justice": [
        ("和邻居因为宅基地有纠纷，想找人调解", "justice.mediation"),
        ("家里困难请不起律师，申请法律援助", "justice.legal_aid"),
        ("办理房产继承公证需要什么材料", "justice.notary"),
        ("鄰居糾紛想請調解委員會調解", "justice.mediation"),
        ("律師收了代理費卻不辦事，我要投訴", "justice.lawyer_complaint"),
        ("社區矯正期間要去外地看病，怎麼請假", "justice.community_corrections"),
    ],
    "committee": [
        ("最近压力很大，想找心理咨询师做心理疏导", "committee.psychological"),
        ("几个部门互相推诿，都说不归他们管", "committee.coordination"),
        ("我們社區的網格員從來不上門", "committee.grid"),
    ],
    "other": [
        ("老板拖欠我们三个月工资", "other.wage_arrears"),
        ("小区物业乱收费还不维修电梯", "other.housing"),
        ("工地夜间施工噪音扰民", "other.urban_management"),  # construction noise: 城管执法 (catalogue notes)
        ("化工厂夜里偷排污水", "other.environment"),
        ("超市卖过期食品", "other.market"),
        ("小區路燈壞了很久沒人修", "other.street_community"),
        ("希望增加一條公交線路", "other.transport"),
    ],
}
CASES = [(agency, text, code) for agency, rows in PLAIN.items() for text, code in rows]


def test_default_catalogue_is_valid_and_covers_every_agency():
    assert validate_catalogue(DEFAULT_CATALOGUE) == []
    assert len(DEFAULT_CATALOGUE) >= 40
    assert {item.agency for item in DEFAULT_CATALOGUE} == set(AGENCIES)
    assert {item.policy for item in DEFAULT_CATALOGUE} <= set(POLICIES)
    codes = {item.code for item in DEFAULT_CATALOGUE}
    assert set(EMERGENCY_ITEMS.values()) <= codes
    for item in DEFAULT_CATALOGUE:
        assert item.examples and item.keywords, item.code
        assert item.code.startswith(item.agency + "."), item.code


def test_catalogue_round_trips_through_dicts():
    dicts = catalogue_as_dicts()
    assert [CatalogueItem.from_dict(d) for d in dicts] == list(DEFAULT_CATALOGUE)


def test_catalogue_item_rejects_unknown_agency():
    with pytest.raises(ValueError):
        CatalogueItem(code="x.y", name="x", agency="army", category="", policy="12345")  # type: ignore[arg-type]


def test_validate_catalogue_reports_duplicates():
    item = item_by_code("court.filing")
    assert validate_catalogue([item, item]) == ["重复的事项编码：court.filing"]


@pytest.mark.parametrize(("agency", "text", "code"), CASES)
def test_plain_demand_is_routed(agency, text, code):
    pred = classify(text)
    assert pred.agency == agency, (text, pred.reason)
    assert pred.category == code, (text, pred.alternatives)
    assert not pred.urgent
    assert 0 < pred.confidence <= 1
    assert len(pred.alternatives) == 3 and pred.alternatives[0] == (pred.category, pred.confidence)
    assert pred.reason


@pytest.mark.parametrize(("agency", "text", "code"), [c for c in CASES if c[1] != to_simplified(c[1])])
def test_traditional_and_simplified_route_alike(agency, text, code):
    assert classify(to_simplified(text)).category == classify(text).category == code


def test_prediction_carries_policy_and_reason_with_keywords():
    pred = classify("想申请法律援助")
    assert pred.policy == "legal_aid"
    assert "法律援助" in pred.reason
    d = pred.to_dict()
    assert d["alternatives"][0]["label"] == "justice.legal_aid"


def test_emergency_overrides_the_route():
    pred = classify("救命！楼下着火了，浓烟很大")
    assert pred.urgent and pred.emergency == "fire"
    assert pred.transfer_to == ("119",)
    assert pred.category == "other.fire_119"
    assert "119" in pred.reason


def test_emergency_items_are_not_used_without_an_emergency():
    pred = classify("去年小区发生过火灾，物业至今没有赔偿")
    assert not pred.urgent
    assert pred.category not in set(EMERGENCY_ITEMS.values())


def test_classify_many_matches_classify():
    texts = [t for _, t, _ in CASES[:6]]
    assert [p.category for p in classify_many(texts)] == [classify(t).category for t in texts]


def test_custom_catalogue_trains_and_routes():
    items = [
        CatalogueItem("court.a", "执行", "court", "执行", "xinfang", ("申请强制执行",), ("强制执行",)),
        CatalogueItem("justice.b", "调解", "justice", "调解", "mediation", ("邻里纠纷调解",), ("调解",)),
    ]
    model = CatalogueModel.train(items)
    assert model.predict(["请帮忙调解一下纠纷"])[0].category == "justice.b"
    assert default_model() is default_model()


def test_empty_demand_goes_to_a_person():
    pred = classify("  \n\t ")
    assert pred.confidence == 0.0 and pred.agency == "other"
    assert "内容为空" in pred.reason
