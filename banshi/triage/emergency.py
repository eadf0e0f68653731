"""Emergency flags: demands that must be transferred to 110/119/120/122 at once.

Rules, not a model: a demand is urgent when a sentence names an emergency in progress
(self-harm, violence, a child or elderly person in danger, fire or gas, a medical
emergency, a traffic accident with people hurt, someone in the water). A sentence is
ignored when it talks about prevention or education (防火宣传, 消防演练), a hazard that
might happen (隐患, 可能会起火), a past event (去年, 已经扑灭, 已解决) or its aftermath
(赔偿, 责任认定) — except self-harm, where any present threat counts ("再不解决我就跳楼").
Traditional characters are converted first (:func:`banshi.triage.text.normalize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from banshi.triage.text import normalize

KIND_NAMES: dict[str, str] = {
    "self_harm": "自伤自杀风险",
    "violence": "正在发生的暴力",
    "child": "儿童处于危险",
    "elderly": "老人处于危险",
    "fire": "火灾或燃气泄漏",
    "medical": "医疗急症",
    "traffic": "交通事故",
    "water": "落水溺水",
}

_TRANSFER: dict[str, tuple[str, ...]] = {
    "self_harm": ("110", "120"),
    "violence": ("110",),
    "child": ("110",),
    "elderly": ("110", "120"),
    "fire": ("119",),
    "medical": ("120",),
    "traffic": ("122",),
    "water": ("110", "120"),
}

_PERSON = r"(?:我|他|她|孩子|小孩|儿子|女儿|老公|老婆|妻子|丈夫|爱人|父亲|母亲|爸爸|妈妈|爸|妈|家人|有人|朋友|同事|邻居|学生|员工|工人|业主)"
_CHILD = r"(?:孩子|小孩|儿童|女儿|儿子|婴儿|宝宝|小朋友|幼儿|学生)"
_ELDER = r"(?:老人|老太太|老大爷|老爷子|老母亲|老父亲|奶奶|爷爷|外婆|外公|独居老人|老伴)"

# Self-harm: an act or an intention of a person, never the bare word.
_SELF_HARM = re.compile(
    _PERSON + r"[^。！？；\n]{0,8}?(?:想|要|准备|打算|扬言|说要|闹着|威胁要|企图|试图|又想|几次想|多次想)"
    r"(?:去)?(?:自杀|轻生|寻短见|跳楼|跳河|跳江|割腕|上吊|喝农药|服毒|结束(?:自己的)?生命|了结自己|去死|一死了之)"
    r"|不想活了|活不下去了|不如死了算了|割腕|喝了农药|服了毒|(?:吞|吃|服)了(?:一瓶|很多|大量|整瓶|一把|几十片)安眠药"
    r"|站在(?:楼顶|天台|桥上|窗台)(?:上)?(?:要|想)?(?:往下跳|跳下)|爬上(?:楼顶|天台|塔吊)|写(?:好)?了遗书"
)
_SELF_HARM_GUARD = re.compile(
    r"想死的心|一哭二闹三上吊|寻死觅活|自杀式|预防|防止|杜绝|干预培训|心理健康教育|讲座|宣传|新闻|报道|电视剧|电影|小说|游戏|"
    r"去年|前年|曾经|当年|以前|多年前|几年前|\d+年前|身亡|自杀了|死了|生前|有的|有些|也有之|能解决"
)

# Other kinds: the event must be happening now (an immediacy word in the sentence, or the
# event ends in 了: "着火了", "晕倒了", "孩子不见了").
_EVENTS: dict[str, str] = {
    "violence": (
        r"(?:正在|一直在|还在)(?:被人|被)?(?:打我|打人|殴打|砍人|追砍|行凶|抢劫)|(?:正在|还在)被(?:人)?打|拿(?:着)?(?:菜|砍|尖|水果)?刀[^。！？；\n]{0,6}?(?:砍|追|杀|捅|威胁)|"
        r"持刀(?:行凶|伤人|闯入|威胁|砍)|砍人|行凶|杀人|要杀(?:了)?我|(?:被|在)围殴|有人打我|把我打|殴打我|打我|被绑架|劫持|人质|"
        r"强奸|入室抢劫|闯进我家|砸我家门|持枪|开枪"
    ),
    "child": (
        _CHILD
        + r"[^。！？；\n,]{0,4}?(?:走失|丢了|不见了|找不到了|被拐|被抱走|被困|被锁在|锁在车|落水|掉(?:进|入)|"
        r"正在被打|被打|被虐待|被关在)|拐卖儿童|抢孩子|偷孩子"
    ),
    "elderly": (
        _ELDER
        + r"[^。！？；\n,]{0,4}?(?:走失|不见了|找不到了|摔倒|晕倒|昏倒|倒在地|被困|联系不上|没有动静|没动静|叫不醒|被打)"
    ),
    "fire": (
        r"(?<![看望沿顺])[着著]火(?!车)|起火|失火|火灾|大火|火势|冒(?:浓|黑)?烟|烧起来|(?<!信息大)爆炸|燃气泄漏|煤气泄漏|天然气泄漏|"
        r"(?:煤气|燃气|天然气)味"
    ),
    "medical": (
        r"昏迷|晕倒|昏倒|休克|不省人事|心脏病(?:发作|犯了)|心梗|脑溢血|中风了|大出血|血流不止|呼吸困难|喘不上气|抽搐|口吐白沫|"
        r"中毒|(?:快|赶紧|马上|需要)叫(?:个|辆)?救护车|快不行了|没有呼吸|没呼吸|没了心跳"
    ),
    "traffic": r"车祸|撞车|追尾|被车撞|被撞倒|撞倒了|翻车|交通事故|撞伤|碾压",
    "water": r"落水(?![管口槽斗])|溺水|掉(?:进|入)(?:河|水|江|湖|池塘|水库|井)|被水冲走|被困水中",
}
_PATTERNS: dict[str, re.Pattern[str]] = {"self_harm": _SELF_HARM}
_PATTERNS.update({k: re.compile(f"(?:{v})(?P<le>了)?") for k, v in _EVENTS.items()})

_IMMEDIATE = re.compile(
    r"正在|现在|刚刚|刚才|此刻|马上|立刻|立即|赶紧|赶快|快来|快派|快点|快救|快叫|叫救护车|救命|求救|求助|紧急|速来|请速|眼下|"
    r"今天|今晚|今早|今夜|当下|报警|110|119|120|122|[了啦]\s*[!！]*$"
)
_INJURY = re.compile(
    r"受伤|伤者|流血|出血|昏迷|伤亡|死亡|不能动|动不了|困在车|卡在车|倒在地|重伤|送医|救护车"
)
_PREVENTION = re.compile(
    r"防火|防范|预防|防止|防溺水|防落水|护栏|避免|以防|以免|演练|演习|宣传|培训|教育|讲座|知识|安全检查|隐患|整改|消防设施|消防通道|"
    r"消防车道|可能|容易|担心|万一|如果|一旦|假如|难道|会不会|会导致|将会|随时|说不定|新闻|报道|电视剧|电影|小说|游戏|案例|教训|"
    r"经常|常常|时常|通常|多次|屡次|每次|每天|总是|一直存在|频发|高发|较多|时有|就会|不注意|事件|事故频|质疑|投诉|举报|"
    r"就是怕|怕再|怕会|恐怕|生怕|历经|经历|因车祸|因为|\d+次|几次|三次|多起|发生过|出过|有过"
)
_PAST = re.compile(
    r"去年|前年|上个月|上月|上周|上星期|几年前|多年前|\d+年前|年前|曾经|曾发生|当年|那年|以前|之前|早年|前几天|前两天|昨天|昨晚|"
    r"20\d\d年|19\d\d年|\d+月\d+日|\d+号|已(?:经)?(?:解决|处理|扑灭|灭了|救出|脱险|出院|痊愈|康复|结案|找到|平息|发生)|"
    r"已(?:经)?(?:得到)?(?:妥善)?处理|事后|后来|当时|术后|抢救过来"
)
_AFTERMATH = re.compile(
    r"赔偿|理赔|保险|责任认定|事故认定|判决|起诉|鉴定|医药费|医疗费|误工费|后续|追责|定损|维修|善后|死因|说法|工伤|伤残"
)
_STRONG_VIOLENCE = re.compile(r"要杀(?:了)?我|拿(?:着)?(?:菜|砍|尖|水果)?刀[^。！？；\n]{0,6}?(?:砍|追|杀|捅)|持刀|正在(?:被人|被)?(?:打|砍)|救命")
# Every pattern above contains one of these words: sentences without any are skipped
# (one fast literal scan instead of nine slow patterns over the whole text).
_ANCHORS = [
    "自杀",
    "轻生",
    "寻短见",
    "跳楼",
    "跳河",
    "跳江",
    "割腕",
    "上吊",
    "农药",
    "服毒",
    "服了毒",
    "结束",
    "了结",
    "去死",
    "一死",
    "不想活",
    "活不下去",
    "死了算了",
    "安眠药",
    "楼顶",
    "天台",
    "桥上",
    "窗台",
    "塔吊",
    "遗书",
    "打我",
    "打人",
    "殴打",
    "被打",
    "被人打",
    "砍人",
    "追砍",
    "行凶",
    "抢劫",
    "拿刀",
    "拿着刀",
    "刀",
    "持刀",
    "杀人",
    "要杀",
    "围殴",
    "把我打",
    "绑架",
    "劫持",
    "人质",
    "强奸",
    "闯进",
    "砸我家",
    "持枪",
    "开枪",
    "走失",
    "丢了",
    "不见了",
    "找不到",
    "被拐",
    "抱走",
    "被困",
    "被锁",
    "锁在车",
    "落水",
    "掉进",
    "掉入",
    "虐待",
    "被关",
    "拐卖",
    "抢孩子",
    "偷孩子",
    "摔倒",
    "晕倒",
    "昏倒",
    "倒在地",
    "联系不上",
    "动静",
    "叫不醒",
    "着火",
    "著火",
    "起火",
    "失火",
    "火灾",
    "大火",
    "火势",
    "冒烟",
    "冒浓烟",
    "冒黑烟",
    "烧起来",
    "爆炸",
    "泄漏",
    "煤气味",
    "燃气味",
    "天然气味",
    "昏迷",
    "休克",
    "不省人事",
    "心脏病",
    "心梗",
    "脑溢血",
    "中风",
    "出血",
    "血流不止",
    "呼吸",
    "喘不上气",
    "抽搐",
    "白沫",
    "中毒",
    "救护车",
    "不行了",
    "心跳",
    "车祸",
    "撞车",
    "追尾",
    "车撞",
    "撞倒",
    "翻车",
    "交通事故",
    "撞伤",
    "碾压",
    "溺水",
    "冲走",
    "困水",
]
_ANCHOR = re.compile("|".join(sorted(set(_ANCHORS), key=lambda w: (-len(w), w))))
_SENTENCE = re.compile(r"[^。！？!?；;\n]+")


@dataclass(frozen=True)
class Emergency:
    """An emergency found in a demand."""

    kind: str
    name: str
    transfer_to: tuple[str, ...]
    evidence: str  # the matched words

    @property
    def advice(self) -> str:
        numbers = "/".join(self.transfer_to)
        return f"紧急：{self.name}，建议立即转{numbers}处置"


def _sentence_kinds(sentence: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for kind, pattern in _PATTERNS.items():
        m = pattern.search(sentence)
        if not m:
            continue
        if kind == "self_harm":
            if _SELF_HARM_GUARD.search(sentence):
                continue
        else:
            if _PREVENTION.search(sentence) or _PAST.search(sentence) or _AFTERMATH.search(sentence):
                continue
            now = any(x.group("le") for x in pattern.finditer(sentence)) or _IMMEDIATE.search(sentence)
            if not now and kind in ("violence", "traffic", "elderly", "medical"):
                # Injured people or a threat to life need no word saying "now".
                now = _INJURY.search(sentence) or _STRONG_VIOLENCE.search(sentence)
            if not now:
                continue
        found.append((kind, m.group(0)))
    return found


def detect(text: str, *, normalized: bool = False) -> list[Emergency]:
    """All emergencies in a demand, most pressing first (empty list when none)."""
    t = text if normalized else normalize(text)
    if not _ANCHOR.search(t):
        return []
    hits: dict[str, list[str]] = {}
    for sentence in _SENTENCE.findall(t):
        if not _ANCHOR.search(sentence):
            continue
        for kind, word in _sentence_kinds(sentence):
            hits.setdefault(kind, []).append(word)
    out: list[Emergency] = []
    injured = bool(_INJURY.search(t))
    for kind in _PATTERNS:
        if kind not in hits:
            continue
        transfer = _TRANSFER[kind]
        if kind == "traffic" and injured:
            transfer = ("122", "120")
        if kind == "violence" and injured:
            transfer = ("110", "120")
        words = "、".join(dict.fromkeys(hits[kind]))
        out.append(Emergency(kind=kind, name=KIND_NAMES[kind], transfer_to=transfer, evidence=words))
    return out


def first_emergency(text: str, *, normalized: bool = False) -> Emergency | None:
    """The most pressing emergency in a demand, or ``None``."""
    found = detect(text, normalized=normalized)
    return found[0] if found else None
