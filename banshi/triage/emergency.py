"""Emergencies: demands that must be transferred to 110/119/120/122 at once.

One decision, :func:`emergency_decide`, used everywhere: the registration's suggestion
(banshi/triage/integration.py), the hotline console's banner and the citizen portal's
confirmation page. It says which kind of emergency it is, which numbers to call (110, 119, 120,
122 — the psychological hotline 12356 and the anti-fraud line 96110 only as an addition, never
instead), what staff should do and what a citizen should do, and the words it went by.

Rules, not a model. The text is normalised first (traditional → simplified characters,
full-width forms, :func:`banshi.triage.text.normalize`) and cut into sentences and clauses.
A kind's pattern must match an event happening now:

- *strong* events say so by themselves ("拿着刀", "着火了", "叫不醒"): they count, except that in a
  demand that speaks of the past anywhere (a date, 去年, 当时, 后来 …) they need a word that says
  "now" beside them (正在, 刚才, 还在, 快来 …), and in a long demand (over 300 characters: a
  narrative) that word must be in their own clause;
- *weak* events ("被打", "昏迷", "车祸", "浓烟") need a word saying "now" in their sentence (现在 and
  今天 count here; anywhere in a short demand), or a present injury (在流血, 动不了 …) for
  violence and accidents; in a long demand they never count.

A sentence that speaks of the past (去年, 上个月, 已经扑灭, 抢救过来 …), of the aftermath (赔偿,
责任认定, 立案, 进展 …), of prevention, education, habits, hearsay or fiction (防火宣传, 隐患,
经常, 听说, 新闻 …) counts only for an event whose own clause says "now" ("去年他就打过我，现在又拿刀了").
A hypothesis (万一, 如果, 怕 …) in the event's clause or before it in the sentence rules the event
out; a general question (请问, 想了解) anywhere asks for "now" in the event's sentence. Self-harm
said in the present ("不想活了", "遗书", "站在楼顶", "有轻生的念头") counts unless its own clause is
past, repeated or figurative ("几次想自杀", "吵得我想死的心都有了", "小商户都快活不下去了").

Money still moving in a fraud (被骗 + 转账 in the last hours, or a request to 止付/冻结) is an
emergency for 110: the first hours decide whether the bank can stop the payment. A fraud
reported days later (上周, 已报案, 进展 …) is not.

The written evaluation set (data/eval_emergency.csv, run by tests/triage/test_emergency_eval.py
and bench/triage.py --emergency-only) holds the figures; add a row there for every miss or
false alarm you fix.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from banshi.triage.text import normalize

# Kinds the routing catalogue maps to an item (catalogue.yaml: emergency_items) — the catalogue
# requires an item for each of these.
KIND_NAMES: dict[str, str] = {
    "self_harm": "自伤自杀风险",
    "violence": "正在发生的暴力或持械威胁",
    "child": "儿童处于危险",
    "elderly": "老人处于危险",
    "fire": "火灾或燃气泄漏",
    "medical": "医疗急症",
    "traffic": "交通事故有人受伤",
    "water": "落水溺水",
}
# Kinds the catalogue does not route (the ordinary classification picks the item: a fraud goes
# to 诈骗); the decision still names them and gives their numbers.
OTHER_KIND_NAMES: dict[str, str] = {
    "fraud": "正在被骗、资金仍在转出",
    "trapped": "人员被困或房屋倒塌",
    "distress": "有人呼救",
}
ALL_KIND_NAMES: dict[str, str] = {**KIND_NAMES, **OTHER_KIND_NAMES}
# Most pressing first: the decision's kind is the first found in this order.
KIND_ORDER: tuple[str, ...] = (
    "self_harm", "violence", "child", "elderly", "fire", "trapped", "medical", "traffic", "water", "fraud",
    "distress",
)

NUMBER_NAMES: dict[str, str] = {
    "110": "报警",
    "119": "火警",
    "120": "急救",
    "122": "交通事故报警",
    "12356": "心理援助热线",
    "96110": "反诈专线",
}

_TRANSFER: dict[str, tuple[str, ...]] = {
    "self_harm": ("110", "120"),
    "violence": ("110",),
    "child": ("110",),
    "elderly": ("110", "120"),
    "fire": ("119",),
    "trapped": ("119",),
    "medical": ("120",),
    "traffic": ("122",),
    "water": ("110", "120"),
    "fraud": ("110",),
    "distress": ("110",),
}
# Hotlines offered in addition to the emergency numbers, never instead of them.
_ALSO: dict[str, tuple[str, ...]] = {"self_harm": ("12356",), "fraud": ("96110",)}

# What the operator does, by kind (after "立即转…并保持通话：").
_STAFF: dict[str, str] = {
    "self_harm": "稳定对方情绪，问清所在位置，不要挂断；转接后可同时告知12356心理援助热线",
    "violence": "问清地址和对方是否安全，提醒远离施暴者、躲到安全处，不要挂断",
    "child": "问清孩子的年龄、衣着、最后出现的地点和时间",
    "elderly": "问清老人的位置、外貌衣着和身体状况",
    "fire": "问清地址、楼层、是否有人被困；提醒立即撤离、不要乘电梯，燃气泄漏时不要开关电器、不要点火",
    "trapped": "问清被困位置、人数和伤情",
    "medical": "问清地址和病人状况，提醒不要随意搬动病人",
    "traffic": "问清事故地点和伤亡情况，提醒开启警示、不要移动伤者",
    "water": "问清位置，提醒旁人不要贸然下水，可抛递救生物品",
    "fraud": "帮来电人申请紧急止付、冻结对方账户：请其准备对方账号、转账时间和金额，不要再转账；可告知96110反诈专线",
    "distress": "问清所在位置和发生了什么，不要挂断",
}
# What a citizen does, by kind (after "请立即拨打…。"; the hotlines in addition follow: "也可以拨打…。").
_CITIZEN: dict[str, str] = {
    "self_harm": "您并不孤单，现在就有人可以帮您。",
    "violence": "请先躲到安全的地方，说清地址。",
    "child": "说清孩子的年龄、衣着和最后出现的地点。",
    "elderly": "说清老人所在的位置和身体状况。",
    "fire": "请先撤离到安全的地方，不要乘电梯；燃气泄漏时不要开关电器、不要点火。",
    "trapped": "说清被困的位置和人数。",
    "medical": "说清地址和病人的情况，不要挂断电话。",
    "traffic": "说清事故地点和伤者情况，不要移动伤者。",
    "water": "不要贸然下水，可向落水者抛递救生圈、绳子或竹竿。",
    "fraud": "说明刚刚被骗转账，申请紧急止付、冻结对方账户；不要再向对方转账。",
    "distress": "说清所在位置和发生了什么。",
}

# ------------------------------------------------------------------------------ the words

_CHILD = r"(?:孩子|小孩|儿童|女儿|儿子|婴儿|宝宝|小朋友|幼儿|闺女|孙子|孙女|外孙|外孙女|小男孩|小女孩|娃|学生|小学生|同学)"
_ELDER = (
    r"(?:老人|老太太|老大爷|老爷爷|老奶奶|老爷子|老母亲|老父亲|老人家|奶奶|爷爷|外婆|外公|姥姥|姥爷|老伴|婆婆|公公|老太|"
    r"大爷|大妈|老头|老年人)"
)
_WEAPON = (
    r"(?:菜|砍|尖|水果|西瓜|杀猪|长|大|美工)?刀子?|匕首|斧头|斧子|手?枪|猎枪|[木铁]?棍子?|钢管|[铁木球]棒|棒球棍|砖头|砖块|"
    r"石头|啤酒瓶|酒瓶|铁?锤子?|榔头|铁锹|锄头|镰刀|剪刀|硫酸"
)
_NOT_AFTER_NEG = r"(?<![没未无])(?<!不是)(?<!没有)"

# (pattern, strong). Weak patterns need a word saying "now" (or, for violence and accidents,
# a present injury).
_EVENTS: dict[str, list[tuple[str, bool]]] = {
    "violence": [
        (r"(?:拿|持|举|挥|抡|握|掏|端|提|拎|拔|亮)(?:着|出|起|出了|起了|了)?(?:一把|把|根|个|一根|一个|两把)?(?<!拐)(?:" + _WEAPON + r")", True),
        (r"(?:手里|手上|身上)(?:有|还有|拿着|握着|带着?)(?:一把|把|根)?(?:" + _WEAPON + r")", True),
        (r"用[^，,。]{0,3}(?:刀|斧头|斧子|棍子|铁棍|钢管|砖头|锤子|酒瓶)[^，,。]{0,2}(?:劈|砍|砸|捅|刺|打|抽)", True),
        (r"砍人|捅人|捅伤|砍伤|行凶|追砍|乱砍(?![树伐柴])|杀人了|杀人啦|要杀(?:了)?(?:我|人|他|她|你)|杀了我|要(?:弄|打)死(?:我|他|她|人)|"
         r"弄死我|打死我(?![也都])|同归于尽|动刀|操刀|往死里打|追杀|捂住[^，,。]{0,3}嘴|(?:把|将)(?:我|他|她|人)[^，,。]{0,2}(?:绑|捆)起来|被(?:绑|捆)(?:起来|住)|"
         r"(?:翻墙|爬窗|撬窗)[^，,。]{0,3}进(?:来|了)|有(?:人|陌生人)(?:在|躲在)我家里|开枪|枪声|泼硫酸|泼汽油|浇汽油|(?:要|想)烧(?:了|死)?(?:我|我家|房子|他家)|放火|纵火|"
         r"赎人|赎金|撕票|拿钱(?:来)?(?:赎|换)", True),
        (r"掐(?:着|住)[^，,。]{0,6}脖子", True),
        (r"(?:闯进|闯入|冲进|撬开?)[^，,。]{0,3}(?:我家|家里|屋里|房间|宿舍)|撬[^，,。]{0,5}门|(?:在)?砸(?:我家)?(?:的)?门|踹门|劈门", True),
        (r"劫持|人质|绑架|强奸", True),
        (r"锁(?:了|住)车门|把车门锁|不让(?:我)?下车", True),
        (r"(?:正在|又在|还在|一直在)[^，,。]{0,6}?(?:打|掐|踢|砍|捅|勒|拽|扯)(?:我|人|她|他|我妈|我爸|我们|架|群架)|"
         r"(?<![现存实所好])在(?:打|掐|踢|砍|捅|勒|拽|扯)(?:我|人|她|他|我妈|我爸|我们|架|群架)|围着[^，,。]{0,2}打|追着[^，,。]{0,6}打|"
         r"打起来了|打得(?:很|特别|非常)?厉害|把我(?:堵|关|锁)在[^，,。]{0,6}(?:里|屋|房|家)", True),
        (r"打(?:了)?(?:我|人|她|他|我妈|我爸|老婆|妻子|媳妇|老公|丈夫)(?!电话|手机|们的)|被[^，,。]{0,8}打(?![扫卡针印工车听算])|殴打|打架|家暴|抢劫|动手动脚|耍流氓|猥亵|非礼|"
         r"跟踪我|跟着我|堵在|威胁我(?![们的])|被[^，,。]{0,8}关在|关在[^，,。]{0,6}(?:房子|屋|房间)|不让(?:我)?(?:走|离开|出门|出去)|躲(?:在|进)(?:了)?(?:厕所|卫生间|卧室|房间|柜子|床底|衣柜)|"
         r"尖叫|砸东西|砸[^，,。]{0,4}(?:窗|玻璃|门|车)|打(?:一个|个|几个)?(?:小孩|孩子|女的|老人|学生)|打得(?:很|好|特别)?凶|"
         r"抢(?:了|走)?我(?:的)?|抢(?:包|手机|钱)|抢走|推倒|把我推|追(?:着)?我|在后面追|踹(?:我家)?(?:的)?门|用脚踹|(?:一直|还)在敲[^，,。]{0,3}门|"
         r"不让(?:我|他|她)(?:出去|走|离开|出门)", False),
    ],
    "child": [
        (_CHILD + r"[^。的证本卡机包钱书学户作]{0,20}?(?:走失|走丢|丢了|不见了|找不到了|被拐|被抱走|被人抱走)", True),
        (r"被(?:人)?(?:扔|遗弃|丢)在|弃婴|被[^，,。]{0,12}(?:不认识|陌生|自称)[^，,。]{0,10}(?:接走|带走|抱走)", True),
        (_CHILD + r"[^，,。]{0,6}(?:头|手|脚|腿)?卡在(?:防盗窗|栏杆|门缝|窗户|护栏)|头卡在", True),
        (r"被拐|拐走|被抱走|抢孩子|偷孩子", True),
        (_CHILD + r"[^，,。]{0,6}被[^，,。]{0,4}(?:拉|拽|抱|拖|骗|强行带)(?:(?:上|进)[^，,。]{0,4}(?:车|房|屋)|走)|(?:骗|拉|拽|抱)上[^，,。]{0,6}车[^，,。]{0,4}(?:带走|开走)|"
         r"(?:把|将)[^，,。]{0,4}" + _CHILD + r"(?:骗|拉|拽|抱)(?:上|进)(?:了)?车", True),
        (_CHILD + r"[^，,。]{0,8}?(?:被锁在|锁在车|反锁在|关在车|被困|被卡|卡在|掉(?:进|入|到|下)|(?:从|在)[^，,。]{0,6}(?:阳台|窗户|楼上)[^，,。]{0,3}掉|落水|沉下去|溺水)", True),
        (_CHILD + r"[^，,。]{0,8}?(?:爬(?:到|上|出)[^，,。]{0,6}(?:窗|阳台|空调|楼顶|屋顶)|空调架|窗户外|窗台外|阳台外)", True),
        (_CHILD + r"[^，,。]{0,8}?(?:在马路中间|在高速|在铁轨)", True),
        (_CHILD + r"[^，,。]{0,8}?(?:一直|还|到现在(?:还|都)?)没(?:有)?回(?:来|家)", True),
        (r"(?:在|正在|又在|还在)[^，,。]{0,4}?(?:打|抽|踢|掐|虐待)(?:着)?" + _CHILD + r"|掐着" + _CHILD, True),
        (_CHILD + r"[^，,。]{0,8}?(?:联系不上|打不通|关机)|打孩子|虐待" + _CHILD, False),
    ],
    "elderly": [
        (_ELDER + r"[^，,。的证本卡金费]{0,8}?(?:走失|走丢|不见了|找不到了|失联)", True),
        (_ELDER + r"[^。]{0,16}?(?:一直|还|到现在(?:还|都)?)没(?:有)?回(?:来|家)", True),
        (r"(?:记性(?:很)?差|痴呆|糊涂|失智|阿尔茨海默)[^。]{0,24}?(?:还没回来|没回家|走失|走丢|不见了|找不到)|"
         r"天黑了?[^，,。]{0,4}(?:还没回|没回)(?:来|家)|"
         r"(?:还没回来|没回家|走丢了|不见了|找不到了)[^。]{0,24}?(?:记性(?:很)?差|痴呆|糊涂|失智|阿尔茨海默)", True),
        (_ELDER + r"[^。]{0,12}?(?:摔倒|跌倒|倒在(?:地|路|地上|路边|路上)|倒地|晕倒|昏倒|起不来|站不起来|爬不起来|叫不醒|叫不应|"
         r"没(?:有)?反应|没(?:有)?动静|没开门|没人开门|没人开|没出门|没人答应|没人应|被困|一直有水流出|困在|不会动|不能动|动不了)", True),
        (_ELDER + r"[^，,。]{0,8}?(?:在高速|在马路中间|在铁轨)", True),
        (_ELDER + r"[^。]{0,16}?(?:一个人|独自|独居)[^。]{0,16}?(?:没人接|打不通|联系不上|没反应|没动静)", True),
        (_ELDER + r"[^，,。]{0,10}?(?:联系不上|没人接|打不通)", False),
    ],
    "fire": [
        (r"(?<![看望沿顺乘坐开不])(?:着|著)火(?!车|锅)|(?<![一二两三四五六七八九十几多\d-])起火|失火|火越来越大|火很大|火势|明火|火海|大火(?!车)|火苗|"
         r"火窜|窜火|燃起来|火光|(?:煤气|液化气|燃气|气)罐[^，,。]{0,2}(?:爆|炸)了|(?:油锅|锅|电线|插座|电器|电视|电瓶|电池)[^，,。]{0,3}(?:着了|烧了|起火)", True),
        (r"(?:家里|屋里|楼道|房间|楼里|走廊|厨房)[^，,。]{0,4}(?:有|全是|都是)[^，,。]{0,2}烟(?![味头草酒花])|"
         r"(?:屋|家|楼|房|窗|仓库|厂|车|店)[^，,。]{0,4}冒[^，,。]{0,5}烟(?![味头草酒花])", True),
        (r"浓烟|黑烟|冒[^，,。]{0,4}烟|冒火(?:星|花)|(?<![抽吸])有烟(?![味头草酒花])|焦糊味|烧焦(?:的)?味|糊味|(?:在|还在|正在)烧(?![烤饭菜水纸香垃圾秸])", False),
        (r"烧起来|烧着了|着起来|(?<!信息大)爆炸(?:了|声)|爆燃", True),
        (r"(?:燃气|煤气|天然气|液化气)[^，,。]{0,4}(?:味|泄漏|泄露|漏了)|(?<![胎球])漏气|喷气|(?:燃气|煤气|天然气|液化气)[^，,。]{0,4}(?:管|灶|罐|阀)[^，,。]{0,6}(?:断|破|裂|脱落|漏)|"
         r"(?:燃气|煤气|天然气|液化气)[^，,。]{0,3}(?:开着|没关)|满屋(?:子)?[^，,。]{0,3}(?:气味|煤气味|燃气味)", True),
        (r"火灾|火情", False),
    ],
    "trapped": [
        (r"(?:被困|困在|关在|卡在)[^，,。]{0,4}电梯|电梯[^，,。]{0,8}(?:困人|关人|卡住|掉下去|下坠|坠落|冲顶)", True),
        (r"被埋|埋在[^，,。]{0,4}下面|压在[^，,。]{0,4}下面|(?:房子|楼|房屋|墙)[^，,。]{0,3}(?:塌了|倒塌|垮了)|塌方", True),
        (r"被困在[^，,。]{0,6}(?:山里|山上|楼里|屋里|火场|废墟|隧道|矿井|井下)|一车人被困|透水|冒顶|矿难|瓦斯爆炸|"
         r"井下[^。]{0,10}(?:被困|还有[^。]{0,6}人)|迷路[^。]{0,12}(?:天黑|走不了|受伤|摔断|没电|没水)|"
         r"(?:天黑|受伤|摔断)[^。]{0,12}迷路|掉(?:进|下)(?:了)?(?:山沟|悬崖|山崖)", True),
        (r"被困", False),
    ],
    "medical": [
        (r"不省人事|叫不醒|喊不醒|叫不应|喊不应|叫[^，,。]{0,3}没(?:有)?反应|人没(?:有)?反应|没(?:有)?了?(?:呼吸|心跳|意识)|无(?:自主)?呼吸|"
         r"意识丧失|失去意识|呼吸(?:很|非常|特别)?(?:弱|微弱|困难|急促)|(?<!压得)(?<!累得)(?<!逼得)喘不(?:上|过|了|动)(?:来)?气(?!的)|憋(?:得)?(?:紫|青)|"
         r"(?:脸|脸色|嘴唇|嘴)[^，,。]{0,2}(?:发紫|发青|青紫)|口吐白沫|冒白沫|抽搐|休克|吐血|咯血|"
         r"口角歪斜|嘴歪眼斜|(?:一直|还)在抽(?![烟水奖])|(?:眼睛|眼珠)往上翻|快不行了|(?:突然)?看不见东西了|"
         r"插(?:进|到)(?:了)?[^，,。]{0,2}插座|被电(?:到|了)|电到了|"
         r"(?:喝|吃)了[^，,。]{0,4}(?:工业酒精|甲醇|消毒液|洗洁精|84消毒|百草枯|老鼠药|敌敌畏)|说话含糊|拿不住东西|一侧(?:身体|手脚)?无力|翻白眼|眼睛翻白|浑身发抖|全身发抖|手脚冰凉|"
         r"(?:叫|喊|问)(?:他|她|人)?(?:也)?不(?:回答|答应|理)|反应(?:很|特别|非常)?(?:慢|迟钝)|没(?:有)?回应|(?:脸色|面色)(?:发白|苍白|惨白)|"
         r"(?:全身|浑身)是汗|出冷汗|大汗淋漓|惊厥|说话不清楚|说不清话|说(?:话)?(?:也)?说不清(?:楚)?|口齿不清|不会说话了|"
         r"(?:被|让)?(?:烫|烧|灼|炸)伤了|误吞|吞了[^，,。]{0,4}(?:纽扣电池|电池|硬币|磁铁|钉子|刀片)", True),
        (r"晕倒|昏倒|晕过去|昏过去|晕厥|(?:有人|一个人|他|她)[^，,。]{0,6}倒下了|(?:趴|躺)在地上(?:一动)?(?:没|不)动|突然(?:倒地|倒下|晕|昏|说不出话|抽|头痛|头疼|胸痛|胸口疼|剧痛|看不见)|倒地不起|倒在地上|倒地上|不会动了|"
         r"(?:摔倒|跌倒|摔)(?:了)?[^。]{0,10}(?:起不来|站不起来|爬不起来|动不了|不能动|没反应|叫不醒)", True),
        (r"大出血|血(?:一直|还)?(?:止不住|流不止)|血流不止|(?:头|身上|腿|手)?在流血|流了(?:好多|很多|一地)血|满脸是血|满身是血|"
         r"头破血流|倒在血泊|血流(?:了)?一地|血(?:一直|还)(?:在)?流|血往外(?:冒|流|喷)|伤口(?:很|特别|非常)深|"
         r"(?:腿|胳膊|手|脚)(?:摔|撞|打|压)?断了|骨头(?:都)?(?:露|戳)出来|扎穿|刺穿|扎进[^，,。]{0,4}(?:肚子|胸口|脖子|眼睛)|(?:手|手臂|胳膊|腿|头|脸|身上|地上)[^，,。]{0,2}(?:都是|全是|满是)血|"
         r"被[^，,。]{0,4}(?:机器|绞|卷)[^，,。]{0,3}(?:进去|住)|(?:躺|倒)在地上(?:一动)?不动", True),
        (r"心脏病(?:犯了|发作|发了)|心梗|脑溢血|脑出血|中风了|嘴歪|半边(?:身子|身体)[^，,。]{0,3}(?:动不了|不能动|没知觉)|"
         r"羊水破了", True),
        (r"(?<!慢性)中毒(?!事件|事故)|吸毒过量|吸了[^，,。]{0,4}东西|噎住|卡(?:住|在)喉咙|蛇咬|被[^，,。]{0,3}蛇[^，,。]{0,2}咬|触电|"
         r"(?:从|在)[^，,。]{0,8}(?:摔|掉|坠|跌)(?:了)?下(?:来|去)|坠楼|吃错(?:了)?药|误服|误食|误吃|误喝|野蘑菇|毒蘑菇", True),
        (r"(?:快|赶紧|马上|需要)叫(?:个|辆)?救护车|请求急救", True),
        (r"昏迷|上吐下泻|一直(?:在)?吐|(?:马)?蜂蛰|蛰了|呕吐不止|迷迷糊糊|昏昏沉沉|站不起来|起不来|(?<![启移推搬挪转开拉驱发])动不了|剧痛|(?:马上)?要生了|疼得(?:受不了|厉害|打滚)|"
         r"(?:心口|胸口)(?:疼|痛|闷)|胸闷|高烧[^，,。]{0,4}抽|过敏[^，,。]{0,6}(?:肿|喘|呼吸)|流血|出血", False),
    ],
    "traffic": [
        (r"冲上人行道|冲进人群|撞了[^，,。]{0,4}(?:人|学生|行人|孩子|小孩|老人)|(?:压|轧|碾)在[^，,。]{0,3}(?:车轮|车)下|"
         r"被[^，,。]{0,4}车[^，,。]{0,2}(?:压|轧|碾)|撞倒了(?:一个|个)?[^，,。]{0,4}(?:人|小哥|行人|老人|小孩|学生|骑手)|"
         r"撞(?:在|到)(?:了)?(?:护栏|树|墙|桥墩|电线杆)上|冲(?:下|进)(?:了)?(?:山坡|山沟|河|沟|悬崖)", True),
        (r"车祸|撞车|追尾|被[^，,。]{0,6}车撞|被撞(?:倒|飞|伤)?|撞(?:倒|伤|飞)了?|撞了[^，,。]{0,4}(?:人|学生|行人|孩子|小孩|老人|几个)|"
         r"翻车|车翻了|侧翻|(?:车|货车|卡车)[^，,。]{0,3}翻了|交通事故|肇事逃逸|相撞|撞上了|撞到了|撞在一起|"
         r"(?:和|与|跟)[^，,。]{0,6}车撞了|车[^，,。]{0,3}撞了", False),
    ],
    "water": [
        (r"落水(?![管口槽斗])|溺水|掉(?:进|入|到)?(?:了)?[^，,。]{0,3}(?:河|江|湖|水塘|水坑|池塘|水库|井|海|鱼塘|泳池|游泳池)里|"
         r"掉(?:进|入)(?:了)?[^，,。]{0,3}(?:河|江|湖|水|池塘|水库|井|海)|沉下去|被(?:水|洪水|大水)冲走|困在水|"
         r"(?:洪水|大水)[^。]{0,10}(?:困|围)|困在屋顶|(?:车|车子)[^，,。]{0,4}(?:被水淹|淹了)|水[^，,。]{0,4}到(?:胸口|脖子)|扑腾|"
         r"(?:河|江|湖|水库|池塘)边?[^，,。]{0,6}(?:喊救命|呼救)|跳进(?:了)?(?:河|湖|江|水)|"
         r"(?:水|河水|洪水|江水)[^，,。]{0,3}(?:漫上来|涨上来|越来越深|越涨越高|淹到|没过)|"
         r"(?:河|江|湖|水库|池塘|海边|井|水塘|鱼塘)[^。]{0,12}?(?:掉下去|掉进去|掉了下去|滑下去|摔下去|跌下去|冲走)|"
         r"游泳[^。]{0,12}?(?:不见了|沉下去|没上来|没影了|找不到)|被(?:浪|海浪|大浪|水)[^，,。]{0,2}卷走|卷走了|"
         r"从桥上跳下去|掉进(?:了)?(?:化粪池|粪坑|窨井|下水道|机井|枯井|冰窟窿)|冰面[^，,。]{0,4}(?:破|裂)|在(?:江|河|湖|水库|海|池塘)里[^。]{0,12}?(?:不见了|找不到)", True),
    ],
    "distress": [
        (r"救命(?![钱药路道通稻恩的保生之])|(?:求救|呼救|尖叫)声|喊救命|呼救|快来人(?=啊|呀|哪|[!！。，,]|$)|快来救(?:我|人|命)|"
         r"(?:喊|哭喊|叫)着?[^，,。]{0,3}(?:救她|救他|救我|救人)|(?:让|叫)人(?:来)?救(?:她|他|我)", True),
    ],
}

_SELF_HARM_PRESENT = re.compile(
    # Said in the present by themselves.
    r"不想(?:再)?活(?:下去)?了|活不下去了|(?:有|产生了?|出现了?|动了)(?:轻生|自杀|寻死|想死)的?(?:念头|想法|打算)|"
    r"不活了|不如死了算了|死了算了|一死了之|死给(?:你们|他们|你|他)看|遗书|遗言|"
    r"(?:别|不要)(?:再)?找(?:我|他|她)了|永别了|下辈子再|来世再|再见了(?:这个)?世界|告别(?:这个)?世界|"
    r"烧炭(?!取暖)|安眠药[^，,。]{0,4}(?:吞|吃|喝)(?:了|下)|对着自己(?:的)?(?:脖子|手腕|胸口|喉咙)|"
    r"对不起大家|"
    r"(?<![让说])我(?:真的|好|很|是真的?)?想死(?!的心|人)|(?:就|要|想)去死|"
    r"没(?:有)?什么(?:可)?留恋|活着(?:没|没有)(?:意思|意义)|"
    r"(?:吞|吃|服|喝)(?:了|下)[^，,。]{0,6}(?:安眠药|农药|敌敌畏|百草枯|老鼠药|毒药)|(?:吞|吃)了(?:一|整)?(?:瓶|整瓶|一整瓶|一大把|一把)药|"
    r"药(?:都|也)?(?:已经)?准备好了|割腕|割了手腕|服毒|"
    r"(?:楼顶|天台|桥上|江桥|大桥|窗台|高架|塔吊)(?:上)?[^。]{0,10}?(?:(?:站在|坐在)(?![^，,。]{0,8}(?:立场|角度|一边|这边|那边))|徘徊|边边|往下跳|要跳|跳下去|不想活|不活了)|"
    r"(?:站|坐|爬|蹲|徘徊)(?:在|上|到)[^，,。]{0,6}(?:楼顶|天台|桥上|江桥|大桥|窗台|塔吊)"
)
_SELF_HARM_INTENT = re.compile(
    r"(?:想|要|准备|打算|扬言|说要|闹着|威胁要|企图|试图|就要|就去|我就|会)[^，,。]{0,8}?"
    r"(?:自杀|轻生|寻短见|跳楼(?!价|甩卖|大甩卖|大减价)|跳河|跳江|跳湖|跳海|割腕|割手腕|上吊|喝农药|吃安眠药|服毒|"
    r"结束(?:自己的)?生命|了结自己|寻死|自焚)"
    r"|(?:要|想|就|准备|打算|扬言)[^，,。]{0,8}(?:跳下去|往下跳)"
)
# Ideas of self-harm told as repeated or past ("几次想自杀", "曾经想过"): a risk, not an emergency now.
_SELF_HARM_BEFORE = re.compile(r"(?:几|多|两|三|好几)次|一度|曾")
_SELF_HARM_FIGURATIVE = re.compile(
    r"想死的心|一哭二闹三上吊|寻死觅活|自杀式|跳楼价|跳楼甩卖|"
    r"(?:我们|大家|一家人|一家老小|全家|老百姓|村民|工人|商户|商家|企业|公司|小店|饭店|行业|生意|厂)[^。]{0,10}活不下去"
)

_NOW = re.compile(
    r"正在|现在|此刻|此时|眼下|刚才|刚刚|马上|立刻|立即|赶紧|赶快|快来|快点|快派|快救|快叫|速来|请速|还在|一直在|又在|"
    r"今晚|今天|今早|今日|今夜|在喊|在哭|在叫|哭喊|救命|紧急求助|情况紧急|特急|十万火急|来不及|不得了|求求你们|"
    r"越来越(?:深|猛|近|高)|越烧越|越涨越|(?:很|好|非常)害怕|吓坏了|偷偷(?:发|打)|(?<![尽赶])快!|"
    r"(?:\d+|[一二两三四五六七八九十几半])(?:多)?(?:分钟|个小时|小时)(?:前|了)"
)
# Words that say "now" even in a long narrative (not 现在, 今天, 马上: complaints use them for
# the state of affairs — "现在还没解决", "马上要交房").
_NOW_STRICT = re.compile(
    r"正在|此刻|此时|刚才|刚刚|快来|快点|快派|快救|快叫|赶紧|赶快|速来|请速|还在|一直在|又在|在喊|在哭|哭喊|"
    r"紧急求助|情况紧急|特急|十万火急|来不及|不得了|越来越(?:深|猛|近)|越烧越|越涨越|偷偷(?:发|打)|(?<![尽赶])快!"
)
_INJURY = re.compile(
    r"在流血|流了(?:好多|很多|一地|一身)?血|满脸是血|满身是血|头破血流|浑身是伤|血流不止|地上(?:好多|很多|都是|全是)血|"
    r"倒在血泊|砸伤|受伤|伤得很重|昏迷|不省人事|动不了|不能动|起不来|没反应|卡在车|困在车|被卡|出不来|压着|压在|里面有人|"
    r"躺在|倒在地"
)
_PAST = re.compile(
    r"去年|前年|上个?月|上周|上星期|上礼拜|上个礼拜|(?:几|多|\d+|[一二两三四五六七八九十]+)年(?:前|以前)|年前|曾经|曾(?=[经被在有])|当年|那年|那天|那次|"
    r"以前|早年|本月|近日|近期|前几天|前两天|前天|昨天|昨晚|年初|年底|(?:19|20)\d\d年|\d+月\d+[日号]|(?:19|20)\d\d[./-]\d{1,2}[./-]\d{1,2}|"
    r"发生过|出过|有过|已(?:经)?被[^，,。]{0,4}(?:救|送|制服|抓|控制|带走)|救下来|救上来|已经住院|住院了|才看上|看完了|"
    r"已(?:经)?(?:解决|处理|扑灭|灭了|救出|脱险|出院|痊愈|康复|结案|找到|平息|退了|没事|好了|去世|恢复|被救|跑出来|结束)|"
    r"事后|后来|当时|术后|(?:发生|出事|事故|事件|家暴|打人|火灾|车祸|手术|地震|洪水|那次)(?:之|以)?后|抢救过来|找回来|被找到|找到了|去世|身亡|遇难|离世|过世|生前|(?<![正]在)[之]?前(?=的事)|"
    r"(?:\d+|[一二两三四五六七八九十几半多好]+)(?:个)?(?:月|年)(?:了|多|来)|半年|好几个月|多年|长期|一直以来"
)
_AFTERMATH = re.compile(
    r"赔偿|赔钱|不赔|理赔|保险|责任认定|事故认定|认定书|判决|判了|起诉|鉴定|医药费|医疗费|误工费|后续|追责|问责|定损|维修|"
    r"善后|死因|说法|工伤|伤残|责任|立案|报案|报了案|回执|案子|案件|进展|安置|补偿|补助|补贴|调解|投诉|讨个|推卸|事件"
)
_SOFT = re.compile(
    r"防火|防范|预防|防止|防溺水|防走失|防拐|避免|以防|以免|演练|演习|宣传|培训|教育|讲座|知识|安全检查|隐患|整改|"
    r"难道|轻则|重则|最近|新闻|报道|电视|电影|小说|游戏|视频|网上|网传|谣言|辟谣|案例|教训|情节|论文|"
    r"经常|常常|时常|通常|多次|屡次|每次|每天|天天|整天|老是|总是|频发|高发|时有|"
    r"猫|(?:家里的|我家的|我的)狗|宠物|花盆|减少|降低|导致|造成|引起|压力|较多|无人管|没人管|无人处理|不作为|就像|如同|仿佛|好比|犹如|(?<!好)像是|"
    r"差点|差一点|险些|幸好|幸亏|还好|没有人受伤|没人受伤|没受伤|都没事|没什么大事|没大碍|虚惊|轻伤|不太严重|"
    r"怎么处理|咨询|请问|想问|想了解|了解一下|应急预案|怎么报警|建议|是否|标准|规定|流程|手续|监控拍到|玩具|是不是真的|核实"
)
# Hearsay: someone says somewhere that something happened (not for self-harm: a farewell posted in
# 朋友圈 is a signal).
_HEARSAY = re.compile(r"听说|据说|群里|群内|朋友圈|有待查证|官方消息")
# A hypothesis, in the event's clause or before it in the sentence ("万一着火了", "如果有火灾，…大火",
# "怕掉下来"; not "着火了，里面可能还有人").
_HYPO = re.compile(
    r"可能会|容易|担心|万一|如果|一旦|假如|要是|会不会|会导致|将会|随时|说不定|迟早|就会|(?<![害可])怕(?=[会再掉被出有])"
)
# A question about what to do in general (anywhere in the demand): events then need "now" in their sentence.
_CONSULT = re.compile(r"想了解|了解一下|应急预案|预案|想咨询|咨询一下|请问|想问")
_CLAUSE = re.compile(r"[^，,、：:（）()\s]+")
_SENTENCE = re.compile(r"[^。！？!?；;\n]+")

# Money still moving in a fraud.
_FRAUD_CONTEXT = re.compile(
    r"被骗|骗子|骗了|诈骗|被诈|冒充|(?:自称|说是|说他是)[^，,。]{0,6}(?:公安|警察|民警|法院|检察|客服|领导|老师|快递|银行|社保|医保|孙子|儿子|女儿|外孙|侄子|同学)|"
    r"冒充[^，,。]{0,6}让我|柜员觉得不对|"
    r"(?:让|叫|要)我[^，,。]{0,8}(?:转|汇|打)(?:钱|款|账|到)|(?:让|叫|要)我[^，,。]{0,4}(?:投资|充值|下载)|被[^，,。]{0,3}骗|"
    r"提不出来|提现不了|取不出来|(?:对方|他|她)[^，,。]{0,3}(?:关机|失联|不回)|帮我办贷款|安全账户|刷单|解冻金|"
    r"解冻费|保证金|验证码|盗刷|连续消费|拉黑|虚假(?:投资|贷款|平台|app|APP)|假客服"
)
_FRAUD_MONEY = re.compile(
    r"转账|转了|转完|转走|转过去|转到|转给|打给|汇给|卡里的[^，,。]{0,6}(?:没了|不见了)|汇款|汇了|打了[^，,。]{0,6}(?:万|千|块|元)|打[^，,。]{0,6}过去|付了|付款|支付|充值|充了|"
    r"取出来|取钱|扣了|扣款|消费了|继续转|(?:\d+|[一二两三四五六七八九十百千万]+)(?:元|块)|"
    r"(?:骗|转|打|付|汇|充)了?[^，,。]{0,2}(?:\d+|[一二两三四五六七八九十百千]+)(?:万|千)"
)
_FRAUD_RECENT = re.compile(
    r"刚才|刚刚|刚(?=[转被发付打])|(?:\d+|[一二两三四五六七八九十几半])(?:多)?(?:分钟|个小时|小时)(?:前|之前)|今天|今日|今早|今晚|"
    r"上午|下午|正在|现在|还在|马上|赶紧|赶快|紧急|立即|立刻"
)
_FRAUD_STOP = re.compile(r"止付|(?:帮我|马上|立即|赶紧|请)[^，,。]{0,4}冻结|冻结对方|拦截|拦下来|截住|截下来")
_FRAUD_NOT = re.compile(
    r"没(?:有)?转|钱没转|没(?:有)?(?:损失|上当)|没点|挂了|是不是(?:诈骗|骗子|真的)|防范|宣传|讲座|集资|跑路|关门|返利|传销|骗局|"
    r"开发商|会所|学费"
)
_FRAUD_PAST = re.compile(
    r"上个?月|上周|上礼拜|上个礼拜|上星期|前几天|前两天|前天|昨天|昨晚|去年|前年|年前|半年|几个月|个月前|报案|报了案|报警了|"
    r"已经报警|立案|回执|案子|案件|进展|追回来了|退回|返还|(?:19|20)\d\d年|\d+月\d+[日号]|多久|能不能退|怎么追回"
)

_LONG = 300  # characters: a longer demand is a narrative; strong events then need a word saying "now"
_FRAUD_LONG = 160  # characters: a fraud in progress is told in a few words
_SHORT = 80  # characters: in a shorter demand a word saying "now" anywhere counts

_KIND_RES: dict[str, list[tuple[re.Pattern[str], bool]]] = {
    k: [(re.compile(p), strong) for p, strong in v] for k, v in _EVENTS.items()
}


@dataclass(frozen=True)
class Emergency:
    """One kind of emergency found in a demand (see :func:`detect`)."""

    kind: str
    name: str
    transfer_to: tuple[str, ...]
    evidence: str  # the matched words

    @property
    def advice(self) -> str:
        numbers = "/".join(self.transfer_to)
        return f"紧急：{self.name}，建议立即转{numbers}处置"


@dataclass(frozen=True)
class EmergencyDecision:
    """The one emergency decision for a demand: what it is, whom to call, what to say."""

    kind: str  # the most pressing kind (KIND_ORDER)
    name: str  # its Chinese name
    numbers: tuple[str, ...]  # emergency numbers (110/119/120/122), most important first
    also: tuple[str, ...]  # hotlines in addition (12356, 96110), never instead of ``numbers``
    staff: str  # the instruction for staff: "立即转110并保持通话：…"
    citizen: str  # for a citizen: "请立即拨打120。<what to do>" (+ "也可以拨打12356心理援助热线。")
    evidence: tuple[str, ...]  # the words it went by
    kinds: tuple[str, ...]  # every kind found, most pressing first

    @property
    def calls(self) -> list[dict[str, str]]:
        """Numbers with their names, emergency numbers first: [{"number", "name", "also"}]."""
        return [{"number": n, "name": NUMBER_NAMES.get(n, ""), "also": ""} for n in self.numbers] + [
            {"number": n, "name": NUMBER_NAMES.get(n, ""), "also": "1"} for n in self.also
        ]

    @property
    def advice(self) -> str:
        """One line for a suggestion's reason: "紧急：医疗急症，建议立即转120处置"."""
        return f"紧急：{self.name}，建议立即转{'/'.join(self.numbers)}处置"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "name": self.name, "numbers": list(self.numbers), "also": list(self.also),
            "staff": self.staff, "citizen": self.citizen, "evidence": list(self.evidence), "kinds": list(self.kinds),
        }


# ------------------------------------------------------------------------------ the rules


def _clause_at(sentence: str, pos: int) -> str:
    for m in _CLAUSE.finditer(sentence):
        if m.start() <= pos < m.end():
            return m.group(0)
    return ""


def _up_to_clause(sentence: str, pos: int) -> str:
    """The sentence up to the end of the clause at ``pos``."""
    for m in _CLAUSE.finditer(sentence):
        if m.start() <= pos < m.end():
            return sentence[: m.end()]
    return sentence


def _negated(sentence: str, start: int, word: str) -> bool:
    if word[:1] in "没无不":
        return False
    before = sentence[max(0, start - 2) : start]
    return bool(re.search(r"没有?$|未$|不是$|无$|没$", before))


def _self_harm(sentence: str) -> str | None:
    """A self-harm word in the sentence that counts, or None."""
    for pattern, present in ((_SELF_HARM_PRESENT, True), (_SELF_HARM_INTENT, False)):
        for m in pattern.finditer(sentence):
            clause = _clause_at(sentence, m.start())
            if _SELF_HARM_FIGURATIVE.search(sentence) and not re.search(r"不想(?:再)?活|遗书|自杀", m.group(0)):
                continue
            if (_SELF_HARM_FIGURATIVE.search(clause) or _PAST.search(clause) or _SOFT.search(clause)
                    or _SELF_HARM_BEFORE.search(clause) or _HYPO.search(_up_to_clause(sentence, m.start()))):
                continue
            if present:
                return m.group(0)
            # An intention: the sentence must not speak of the past, the aftermath or prevention,
            # unless its clause says "now".
            guarded = _PAST.search(sentence) or _AFTERMATH.search(sentence) or _SOFT.search(sentence)
            if guarded and not _NOW.search(clause):
                continue
            return m.group(0)
    return None


class _Sentence:
    """One sentence of a demand and what it says about time, computed when first needed."""

    def __init__(self, text: str, near: str) -> None:
        self.text = text
        self.near = near  # with the sentences before and after it

    @functools.cached_property
    def past(self) -> bool:
        return bool(_PAST.search(self.text) or _AFTERMATH.search(self.text))

    @functools.cached_property
    def soft(self) -> bool:
        return bool(_SOFT.search(self.text) or _HEARSAY.search(self.text))

    @functools.cached_property
    def strict_now(self) -> bool:
        return bool(_NOW_STRICT.search(self.near))

    @functools.cached_property
    def now(self) -> bool:
        return bool(_NOW.search(self.text)) or self.strict_now

    @functools.cached_property
    def injured(self) -> bool:
        return bool(_INJURY.search(self.text))


def _accepted(kind: str, strong: bool, m: re.Match[str], s: _Sentence, doc: dict[str, bool]) -> bool:
    """Whether an event matched in a sentence counts (see the module's docstring)."""
    text, w = s.text, m.group(0)
    if _negated(text, m.start(), w) or text[m.end() : m.end() + 1] == "过":
        return False
    clause = _clause_at(text, m.start())
    now_clause = bool(_NOW_STRICT.search(clause)) and not _PAST.search(text if doc["long"] else clause)
    if _HYPO.search(_up_to_clause(text, m.start())) and not now_clause:
        return False
    if doc["long"] or s.past or s.soft:
        # A narrative, the past, the aftermath, prevention or hearsay: only an event whose own
        # clause says "now" counts (in a long text, only a strong one).
        return now_clause and (strong or not doc["long"])
    if doc["consult"]:
        return bool(_NOW_STRICT.search(text))
    if doc["narrative"]:
        # The demand speaks of the past elsewhere: "today" is not enough.
        return s.strict_now or (strong and kind in ("violence", "traffic") and s.injured)
    if strong:
        return True
    return s.now or (doc["short"] and doc["now"]) or (kind in ("violence", "traffic", "child") and s.injured)


def _found(t: str) -> dict[str, list[str]]:
    """Every kind found in a normalised text, with the words."""
    hits: dict[str, list[str]] = {}
    sentences = [m.group(0) for m in _SENTENCE.finditer(t)]
    doc = {
        "long": len(t) > _LONG, "short": len(t) <= _SHORT, "now": bool(_NOW.search(t)),
        "consult": bool(_CONSULT.search(t)),
    }
    doc["narrative"] = doc["long"] or bool(_PAST.search(t))
    for i, text in enumerate(sentences):
        word = _self_harm(text)
        if word:
            hits.setdefault("self_harm", []).append(word)
        if doc["long"] and not _NOW_STRICT.search(text):
            continue  # in a long text only an event whose clause says "now" counts
        s = _Sentence(text, " ".join(sentences[max(0, i - 1) : i + 2]))
        for kind, patterns in _KIND_RES.items():
            word = next((m.group(0) for pattern, strong in patterns for m in pattern.finditer(text)
                         if _accepted(kind, strong, m, s, doc)), "")
            if word:
                hits.setdefault(kind, []).append(word)
    fraud = _fraud(t)
    if fraud:
        hits["fraud"] = fraud
    return hits


def _fraud(t: str) -> list[str]:
    """Money still moving in a fraud: the words, or []."""
    ctx = _FRAUD_CONTEXT.search(t)
    stop = _FRAUD_STOP.search(t)
    if not ctx or _FRAUD_NOT.search(t) or _FRAUD_PAST.search(t) or len(t) > _FRAUD_LONG:
        return []
    money = _FRAUD_MONEY.search(t)
    recent = _FRAUD_RECENT.search(t)
    if ctx and money and (recent or stop):
        return [w.group(0) for w in (ctx, money, recent or stop) if w]
    return []


_ELDER_MISSING = re.compile(r"走失|走丢|不见了|找不到|失联|没回|在高速|在马路|在铁轨|记性|痴呆|糊涂|失智|阿尔茨海默")
_ELDER_UNANSWERED = re.compile(r"没开门|没人开|没人应|没人答应|没动静|没有动静|没出门|联系不上|打不通|没人接|一直有水")
# Kinds whose numbers already cover the medical signs found with them (120 is added below).
_ABSORB_MEDICAL = ("self_harm", "violence", "child", "elderly", "fire", "trapped", "traffic", "water")


def _numbers(kind: str, t: str, hits: dict[str, list[str]]) -> tuple[str, ...]:
    """The numbers for one kind found in a text (with the other kinds found beside it)."""
    medical = "medical" in hits or bool(_INJURY.search(t))
    if kind == "elderly":
        words = "、".join(hits["elderly"])
        if _ELDER_UNANSWERED.search(words):
            return ("110", "120")  # the door may have to be opened
        if _ELDER_MISSING.search(words):
            return ("110", "120") if medical else ("110",)
        return ("120", "110") if "violence" in hits else ("120",)  # collapsed, fallen
    if kind == "child" and "medical" in hits:
        return ("120", "110")
    numbers = _TRANSFER[kind]
    if kind in _ABSORB_MEDICAL and medical and "120" not in numbers:
        numbers = (*numbers, "120")
    return numbers


def _kinds(text: str, normalized: bool) -> tuple[str, dict[str, list[str]]]:
    t = (text if normalized else normalize(text)).replace("著", "着")  # 拿著刀: OpenCC keeps 著 here
    hits = _found(t)
    if "distress" in hits and len(hits) > 1:
        del hits["distress"]  # a call for help that says what is happening
    return t, hits


def detect(text: str, *, normalized: bool = False) -> list[Emergency]:
    """The kinds of emergency in a demand, most pressing first (empty list when none); each
    with its own numbers. :func:`emergency_decide` combines them into one decision."""
    t, hits = _kinds(text, normalized)
    kinds = [k for k in KIND_ORDER if k in hits]
    if "medical" in hits and any(k in _ABSORB_MEDICAL for k in kinds):
        kinds.remove("medical")  # the injuries of the accident, the fight, the fire …: 120 comes with them
    return [
        Emergency(kind=k, name=ALL_KIND_NAMES[k], transfer_to=_numbers(k, t, hits),
                  evidence="、".join(dict.fromkeys(hits[k] + (hits.get("medical", []) if k in _ABSORB_MEDICAL else []))))
        for k in kinds
    ]


def first_emergency(text: str, *, normalized: bool = False) -> Emergency | None:
    """The most pressing emergency in a demand, or ``None``."""
    found = detect(text, normalized=normalized)
    return found[0] if found else None


def emergency_decide(text: str, *, normalized: bool = False) -> EmergencyDecision | None:
    """The emergency decision for a demand, or ``None`` when it is no emergency.

    ``numbers`` joins the numbers of every kind found (the most pressing kind's first); 12356
    (self-harm) and 96110 (fraud) come in ``also``, never instead of 110/120."""
    found = detect(text, normalized=normalized)
    if not found:
        return None
    first = found[0]
    numbers = tuple(dict.fromkeys(n for e in found for n in e.transfer_to))
    also = tuple(dict.fromkeys(n for e in found for n in _ALSO.get(e.kind, ())))
    joined = "、".join(numbers)
    staff = f"立即转{joined}并保持通话：{_STAFF[first.kind]}"
    citizen = f"请立即拨打{joined}。{_CITIZEN[first.kind]}"
    if also:
        citizen += "也可以拨打" + "、".join(f"{n}{NUMBER_NAMES[n]}" for n in also) + "。"
    evidence = tuple(dict.fromkeys(w for e in found for w in e.evidence.split("、") if w))
    return EmergencyDecision(
        kind=first.kind, name=first.name, numbers=numbers, also=also, staff=staff, citizen=citizen,
        evidence=evidence, kinds=tuple(e.kind for e in found),
    )
