import pytest

from banshi.triage.emergency import detect, first_emergency

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
    ("我爷爷走失了两天了", "elderly", ("110", "120")),
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
