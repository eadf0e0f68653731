import pytest

from banshi.triage.emergency import (
    ALL_KIND_NAMES,
    KIND_NAMES,
    EmergencyDecision,
    detect,
    emergency_decide,
    first_emergency,
)

URGENT = [
    ("救命！我家着火了", "fire", ("119",)),
    ("我們家著火了，快來救命", "fire", ("119",)),
    ("闻到很浓的煤气味，好像燃气泄漏了", "fire", ("119",)),
    ("我老公正在打我，快来救我", "violence", ("110",)),
    ("他拿刀要杀我", "violence", ("110",)),
    ("外面有人持刀砍人，有人受伤流血", "violence", ("110", "120")),
    ("我不想活了，准备今晚跳楼", "self_harm", ("110", "120")),
    ("我想自殺", "self_harm", ("110", "120")),
    ("我兒子說不想活了", "self_harm", ("110", "120")),
    ("孩子在商场走失了，找不到了", "child", ("110",)),
    ("孩子被锁在车里了", "child", ("110",)),
    ("我爷爷走失了两天了", "elderly", ("110",)),  # missing: the police search; 120 once he is found unwell
    ("邻居家的独居老人好几天没动静了", "elderly", ("110", "120")),
    ("我妈晕倒了，叫不醒", "medical", ("120",)),
    ("路口发生车祸，有人受伤倒在地上", "traffic", ("122", "120")),
    ("有人落水了！", "water", ("110", "120")),
]

NOT_URGENT = [
    "学校开展防火安全教育",
    "去年小区发生过火灾，至今没有赔偿",
    "火灾隐患严重，请整改消防通道",
    "交通事故责任认定不公",
    "车祸赔偿问题已经解决",
    "电线老化，可能会起火",
    "噪音吵得我想死的心都有了",
    "天然气开户太慢",
    "建议加强防溺水宣传",
    "消防演练扰民",
    "他打人的事已经解决了",
    "我们小区停水两天了",
    "屋顶落水管坏了",
    "信息大爆炸的时代",
    "看着火车站广场的积水",
]


@pytest.mark.parametrize(("text", "kind", "transfer"), URGENT)
def test_emergencies_are_flagged(text, kind, transfer):
    em = first_emergency(text)
    assert em is not None, text
    assert em.kind == kind
    assert em.transfer_to == transfer
    assert transfer[0] in em.advice


@pytest.mark.parametrize("text", NOT_URGENT)
def test_non_emergencies_are_not_flagged(text):
    assert detect(text) == []


def test_several_kinds_are_ordered_by_priority():
    kinds = [e.kind for e in detect("他正在打我。厨房也起火了！")]
    assert kinds == ["violence", "fire"]


# -- the one decision ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "numbers", "also"),
    [
        # the examples
        ("隔壁邻居男的喝醉了正在拿刀打他老婆，孩子一直在哭喊救命", "violence", ("110",), ()),
        ("刚才被骗转账三万八千元，请马上帮我冻结对方账户", "fraud", ("110",), ("96110",)),
        ("我现在站在楼顶上，准备跳下去", "self_harm", ("110", "120"), ("12356",)),
        ("老伴突然倒地不省人事", "elderly", ("120",), ()),
        ("我有轻生的念头", "self_harm", ("110", "120"), ("12356",)),
        # spoken, traditional
        ("快来人啊，他拿着刀呢", "violence", ("110",), ()),
        ("他拿著刀在樓下砍人，地上好多血", "violence", ("110", "120"), ()),
        ("剛剛被騙了八千塊，請趕緊幫我止付", "fraud", ("110",), ("96110",)),
        ("快来人啊！救命！", "distress", ("110",), ()),
        # several kinds: the most pressing first, each one's numbers in order
        ("楼下着火了，有人昏迷", "fire", ("119", "120"), ()),
        ("路口发生车祸，有人受伤倒在地上", "traffic", ("122", "120"), ()),
        ("孩子从二楼阳台掉下去了，哭都不哭了", "child", ("120", "110"), ()),
        ("隔壁独居的王奶奶三天没开门了，敲门也没反应", "elderly", ("110", "120"), ()),
    ],
)
def test_the_decision_names_the_numbers(text: str, kind: str, numbers: tuple[str, ...], also: tuple[str, ...]) -> None:
    d = emergency_decide(text)
    assert isinstance(d, EmergencyDecision), text
    assert (d.kind, d.numbers, d.also) == (kind, numbers, also)
    assert d.name == ALL_KIND_NAMES[kind] and d.evidence
    assert d.staff.startswith(f"立即转{'、'.join(numbers)}并保持通话")
    assert d.citizen.startswith(f"请立即拨打{'、'.join(numbers)}")
    assert [c["number"] for c in d.calls] == [*numbers, *also]


@pytest.mark.parametrize(
    "text",
    [
        "上周被骗转账一万五，已经在派出所报了案，今天想问问有没有冻结成功",  # days later: follow-up, no 止付
        "社区能不能多搞点防诈骗宣传",
        "噪音吵得我想死的心都有了",
        "疫情下我们小商户都快活不下去了，房租能不能减免",
        "政策不能一刀切",
        "救护车半夜鸣笛声太大，影响休息",
        "这是我们老两口的救命钱，非法集资的钱请尽快退还",
        "万一着火了人都跑不出去，物业不管",
        "前几天我们楼下车库起火，后来是消防来扑灭的，想问责物业",
        "",
    ],
)
def test_no_decision_without_an_emergency(text: str) -> None:
    assert emergency_decide(text) is None


def test_12356_is_never_instead_of_110_or_120() -> None:
    for text in ("我不想活了", "我同学说今天晚上就要结束自己的生命", "吞了一瓶安眠药，好难受"):
        d = emergency_decide(text)
        assert d is not None and d.kind == "self_harm"
        assert {"110", "120"} <= set(d.numbers) and "12356" not in d.numbers and d.also == ("12356",)
        assert "12356" in d.citizen and d.citizen.index("110") < d.citizen.index("12356")


def test_kind_names_cover_the_catalogue_kinds_and_the_others() -> None:
    assert set(KIND_NAMES) < set(ALL_KIND_NAMES)
    assert {"fraud", "trapped", "distress"} == set(ALL_KIND_NAMES) - set(KIND_NAMES)
    d = emergency_decide("我妈晕倒了，叫不醒")
    assert d is not None and d.to_dict()["numbers"] == ["120"] and d.to_dict()["also"] == []
