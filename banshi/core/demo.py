"""`banshi demo`: a believable world built reproducibly from a seed.

Five places from the seeds (秦皇岛海港区, 哈尔滨南岗区, 汉中汉台区, 德州德城区, 北京东城区/朝阳区) with
real region codes, the political-legal units of each district, grids and staff for every role,
then several thousand demands over the last four months. Every case is driven through the domain
functions (`case_register`, `case_dispatch`, `case_sign` …) with `now=` set to the historical
moment, so events, milestones and deadlines look as they would have; nothing writes `state`.

Reproducible: the same seed and `now` give the same case contents, timelines and states.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from banshi.cases.domain.intake import CaseInput, case_register
from banshi.cases.domain.lifecycle import (
    case_answer,
    case_archive,
    case_assign,
    case_co_add,
    case_co_report,
    case_dispatch,
    case_documents_received,
    case_documents_request,
    case_extension_decide,
    case_extension_request,
    case_follow_up,
    case_invalidate,
    case_merge,
    case_progress_reply,
    case_reply_decide,
    case_reply_submit,
    case_return,
    case_return_request,
    case_sign,
    case_supervise,
    case_supervise_answer,
    case_transfer,
    case_withdraw,
)
from banshi.cases.enums import CaseType, Channel, State, Urgency
from banshi.cases.models import Case
from banshi.core.errors import DomainError
from banshi.intake.models import ServicePoint
from banshi.orgs.enums import RegionLevel, Role, UnitKind
from banshi.orgs.models import Grid, Person, Region, Unit

DEMO_PASSWORD = "banshi2021"
DEFAULT_CASES = 3000
HISTORY_DAYS = 120
BATCH = 150

# -- places ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceSpec:
    key: str  # ASCII, used in usernames
    province: tuple[str, str]
    city: tuple[str, str] | None  # None for a district of a 直辖市
    county: tuple[str, str]
    streets: tuple[tuple[str, str], ...]
    roads: tuple[str, ...]
    plate: str
    weight: float

    @property
    def prefix(self) -> str:
        """What goes before the district name in a unit's full name (秦皇岛市 / 北京市)."""
        return (self.city or self.province)[1]

    @property
    def short(self) -> str:
        return self.county[1].removesuffix("区").removesuffix("县")


PLACES: tuple[PlaceSpec, ...] = (
    PlaceSpec(
        "haigang", ("130000", "河北省"), ("130300", "秦皇岛市"), ("130302", "海港区"),
        (("130302001", "文化路街道"), ("130302002", "海滨路街道"), ("130302004", "建设大街街道"),
         ("130302006", "西港路街道")),
        ("文化路", "建设大街", "河北大街", "海阳路", "迎宾路", "秦皇东大街", "和平大街", "友谊路"), "冀C", 0.30,
    ),
    PlaceSpec(
        "nangang", ("230000", "黑龙江省"), ("230100", "哈尔滨市"), ("230103", "南岗区"),
        (("230103001", "大成街道"), ("230103003", "花园街道"), ("230103005", "革新街道"),
         ("230103012", "和兴路街道")),
        ("红军街", "大直街", "西大直街", "学府路", "果戈里大街", "中山路", "和兴路", "宣化街"), "黑A", 0.15,
    ),
    PlaceSpec(
        "hantai", ("610000", "陕西省"), ("610700", "汉中市"), ("610702", "汉台区"),
        (("610702001", "北关街道"), ("610702002", "东大街街道"), ("610702003", "汉中路街道"),
         ("610702004", "中山街街道")),
        ("天汉大道", "劳动路", "中山街", "北大街", "汉中路", "东大街", "兴汉路", "风景路"), "陕F", 0.15,
    ),
    PlaceSpec(
        "decheng", ("370000", "山东省"), ("371400", "德州市"), ("371402", "德城区"),
        (("371402001", "新湖街道"), ("371402002", "新华街道"), ("371402003", "运河街道"),
         ("371402004", "广川街道")),
        ("东风路", "三八路", "新湖大街", "解放路", "湖滨大道", "天衢路", "德兴大道", "东方红路"), "鲁N", 0.15,
    ),
    PlaceSpec(
        "dongcheng", ("110000", "北京市"), None, ("110101", "东城区"),
        (("110101001", "东华门街道"), ("110101002", "景山街道"), ("110101003", "交道口街道"),
         ("110101004", "安定门街道")),
        ("东直门内大街", "交道口南大街", "安定门内大街", "东四北大街", "朝阳门内大街", "崇文门外大街", "和平里东街",
         "雍和宫大街"), "京", 0.125,
    ),
    PlaceSpec(
        "chaoyang", ("110000", "北京市"), None, ("110105", "朝阳区"),
        (("110105001", "建外街道"), ("110105002", "朝外街道"), ("110105003", "呼家楼街道"),
         ("110105004", "三里屯街道")),
        ("建国路", "朝阳北路", "三里屯路", "东三环中路", "工人体育场北路", "劲松路", "农展馆南路", "北辰东路"), "京", 0.125,
    ),
)
ESTATES = (
    "阳光花园", "金色家园", "锦绣华庭", "翠湖小区", "和平里小区", "建设里小区", "铁路新村", "电业宿舍", "纺织厂家属院",
    "滨河花园", "世纪城", "紫荆园", "康乐小区", "育才小区", "春华苑", "兴华里", "幸福家园", "东方花园",
)
COMMUNITIES = ("幸福里", "光明", "建国里", "新华里", "和平", "朝阳", "民主", "胜利", "团结", "友谊", "向阳", "长青")

# -- names and personal data ---------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
MALE_CHARS = "伟强军磊勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆国建志成文海振东峰龙林洪亮庆春晓永德胜"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀玲桂英华红梅兰琳燕萍雪莉颖倩婷晶慧欣月洁佳琴云凤瑶蕾璐岚悦馨"
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def name_random(rng: random.Random, female: bool | None = None) -> str:
    female = rng.random() < 0.5 if female is None else female
    chars = FEMALE_CHARS if female else MALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def mobile_random(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_check_digit(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_random(rng: random.Random, region_code: str, today: datetime) -> str:
    """A well-formed 18-digit resident ID: region, birth date, sequence (odd = male), check digit."""
    age_days = rng.randint(18 * 365, 85 * 365)
    birth = (today - timedelta(days=age_days)).date()
    body = f"{region_code[:6]}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + id_check_digit(body)


# -- demand templates ------------------------------------------------------------------------------

# Unit keys a template can target: committee, court, procuratorate, station, justice_office, notary,
# legal_aid, mediation, housing, hrss, urban, street.


@dataclass(frozen=True)
class Template:
    category: str
    target: str
    type: str
    title: str
    text: str
    policy: str = ""
    urgent: bool = False
    co: str = ""


C, H, CP, R, S = CaseType.CONSULTATION, CaseType.HELP, CaseType.COMPLAINT, CaseType.REPORT, CaseType.SUGGESTION
TEMPLATES: tuple[Template, ...] = (
    # 法院
    Template("执行难", "court", CP, "胜诉判决长期得不到执行",
             "我于{year}年与{other}的民间借贷纠纷经{court}判决胜诉，判决生效已{months}个月，对方拒不履行还款{amount}元，"
             "申请强制执行后一直没有进展，请法院加大执行力度。"),
    Template("执行难", "court", H, "执行款迟迟未发放",
             "执行案件中法院已经扣划了被执行人{amount}元，但一直没有发放到我的账户，联系承办人未果，请尽快发放执行款。"),
    Template("立案咨询", "court", C, "咨询网上立案流程",
             "想咨询一下网上立案的流程，我要起诉{other}拖欠货款{amount}元，需要准备哪些材料，能不能在手机上立案？"),
    Template("诉讼费缓减免", "court", H, "申请缓交诉讼费",
             "本人是低保户，与{company}有劳动争议需要起诉，诉讼费交不起，请问能否申请缓交或者免交诉讼费？"),
    Template("审判效率", "court", CP, "案件久拖未开庭",
             "我的离婚纠纷案件{month}月份立案，到现在还没有开庭，承办法官电话一直打不通，请帮忙督促一下。"),
    Template("巡回审判", "court", H, "老人行动不便请求上门立案",
             "家中老人{age}岁行动不便，需要起诉子女支付赡养费，能否安排法官上门立案或者到{community}巡回审理？"),
    Template("司法救助", "court", H, "申请司法救助",
             "我丈夫在交通事故中去世，肇事方无力赔偿，案件执行不到位，家里有两个孩子上学，生活非常困难，申请司法救助。"),
    Template("失信信息", "court", C, "还清欠款后如何删除失信信息",
             "我已经把欠款{amount}元全部还清了，但还在失信被执行人名单里，坐不了高铁，请问怎么申请删除失信信息？"),
    Template("法治宣传", "court", S, "建议开展法官进社区",
             "建议法院到{community}开展法官进社区活动，很多老人不懂网贷和信用卡纠纷，希望多做些法律宣传。"),
    Template("诉前调解", "court", C, "咨询诉前调解",
             "和装修公司因为工程质量发生纠纷，涉及金额{amount}元，听说可以先诉前调解，请问怎么申请、要不要交费？"),
    # 检察院
    Template("公益诉讼线索", "procuratorate", R, "小作坊向河道排污",
             "{road}附近有一家小作坊夜间往河道里排放污水，气味刺鼻，河水发黑，多次向有关部门反映未解决，请检察机关介入。"),
    Template("公益诉讼线索", "procuratorate", R, "学校周边销售三无食品",
             "{estate}附近学校门口的小卖部出售三无辣条和过期零食，很多小学生购买，存在食品安全隐患。"),
    Template("控告申诉", "procuratorate", CP, "不服民事判决申请监督",
             "我对{court}作出的民事判决不服，已经过了上诉期，想申请检察监督，请问需要提交什么材料，多长时间有答复？",
             policy="xinfang"),
    Template("支持起诉", "procuratorate", H, "农民工请求支持起诉",
             "我在{company}打工，老板拖欠工资{wage}元，我不识字也请不起律师，听说检察院可以支持起诉，请帮帮我。"),
    Template("未成年人保护", "procuratorate", R, "网吧接纳未成年人",
             "{estate}旁边有一家网吧经常接纳未成年人上网，通宵都有中学生在里面，请有关部门依法查处。"),
    Template("案件进度查询", "procuratorate", C, "查询审查起诉进度",
             "我是一起故意伤害案的被害人，案件移送检察院审查起诉已经{months}个月了，想了解一下案件办理进度。"),
    Template("公益诉讼线索", "procuratorate", S, "盲道被占用",
             "{road}人行道上的盲道被违规占用，多处断头，残疾人出行很不方便，建议检察机关开展公益诉讼监督。"),
    Template("刑事申诉", "procuratorate", CP, "申请刑事申诉复查",
             "我弟弟因盗窃被判刑，家属认为量刑过重，现在有新的证据，申请检察机关复查。", policy="xinfang"),
    # 公安
    Template("电信诈骗", "station", H, "被冒充客服诈骗请求止付",
             "今天接到自称{bank}客服的电话，说我的账户涉嫌洗钱，让我把{amount}元转到安全账户，转完才发现被骗，"
             "请公安机关尽快止付追回。", urgent=True),
    Template("电信诈骗", "station", R, "刷单返利被骗",
             "我在网上参加刷单返利，前几单返了佣金，后面充值{amount}元后对方就把我拉黑了，请求公安机关立案侦查。"),
    Template("户籍办理", "station", C, "新生儿落户咨询",
             "孩子在外地出生，想在{road}这边落户，请问新生儿落户需要带哪些材料，能不能网上办理？"),
    Template("户籍办理", "station", H, "请求上门办理身份证",
             "家中老人{age}岁卧床不起无法到派出所，身份证过期需要换领，能否安排民警上门采集办理？"),
    Template("交通事故", "station", H, "交通事故肇事逃逸",
             "{date}在{road}与{road2}交叉口发生交通事故，对方车辆（{plate}）逃逸，我腿部受伤，事故认定书至今没有出来。"),
    Template("家庭暴力", "station", H, "遭受家庭暴力求助",
             "我丈夫酗酒后经常殴打我，昨晚又动手，孩子也很害怕，我想申请人身安全保护令，请警察帮帮我。",
             urgent=True, co="court"),
    Template("噪音扰民", "station", CP, "烧烤店深夜噪音扰民",
             "{estate}{n}号楼楼下烧烤店每天营业到凌晨两三点，喝酒划拳声音很大，严重影响居民休息。"),
    Template("盗窃", "station", R, "电动车被盗",
             "我停在{estate}{n}号楼下的电动车昨天夜里被盗，小区有监控，请派出所调取监控尽快破案。"),
    Template("治安防范", "station", S, "建议加强夜间巡逻",
             "{estate}南门附近路灯坏了好几个，晚上很黑，最近有入室盗窃，建议加强夜间巡逻。"),
    Template("走失寻人", "station", H, "老人走失请求协查",
             "家中{age}岁的老人有阿尔茨海默症，今天上午在{road}附近走失，穿灰色外套，请民警帮忙查找。", urgent=True),
    Template("出入境", "station", C, "港澳通行证续签咨询",
             "请问办理港澳通行证续签需要预约吗？周末派出所出入境窗口能不能办理？"),
    Template("车驾管", "station", C, "新车就近上牌咨询",
             "新买的车想在附近派出所办理上牌，不想跑车管所，请问能不能就近办理，需要带什么材料？"),
    Template("非法集资", "station", R, "以养老项目为名非法集资",
             "{estate}有人以养老项目为名向老人推销理财，承诺年收益15%，已有多位老人投入{amount}元，怀疑是非法集资。"),
    Template("文明养犬", "station", CP, "大型犬不拴绳伤人",
             "{estate}{n}号楼有住户养大型犬不拴绳，已经咬伤过小孩，多次劝说无效，请依法处理。"),
    # 司法行政
    Template("邻里纠纷调解", "mediation", H, "楼上装修漏水纠纷",
             "我家楼上住户装修时把卫生间防水弄坏了，我家天花板漏水发霉，协商赔偿没有谈拢，请求人民调解。",
             policy="mediation"),
    Template("邻里纠纷调解", "justice_office", H, "邻居建房占用通道",
             "邻居盖房占用了我家院墙外的通道{n}米，双方多次争吵，社区调解没有结果，请司法所帮助调解。",
             policy="mediation"),
    Template("婚姻家庭纠纷", "mediation", H, "家庭矛盾请求调解",
             "我和丈夫因为赡养老人的问题经常吵架，孩子马上要中考了，想找调解员帮忙调解家庭矛盾。", policy="mediation"),
    Template("赡养纠纷", "justice_office", H, "子女推诿不赡养老人",
             "母亲今年{age}岁，三个子女互相推诿不愿赡养，老人一个人住在{estate}，请求组织调解。", policy="mediation"),
    Template("物业纠纷", "housing", CP, "物业服务差停水停电",
             "{estate}物业公司服务差，电梯经常坏，部分业主拒交物业费，物业就停水停电，请帮助协调。", co="mediation"),
    Template("医疗纠纷", "mediation", H, "申请医疗纠纷调解",
             "父亲在医院做手术后出现并发症，家属认为医院有过错，想申请医疗纠纷人民调解，不想打官司。",
             policy="mediation"),
    Template("农民工欠薪法律援助", "legal_aid", H, "农民工欠薪申请法律援助",
             "我们{people}名农民工在{company}承建的工地干活，工程结束后老板拖欠工资共计{wage}元，一直找不到人，"
             "申请法律援助。", policy="legal_aid", co="hrss"),
    Template("法律援助", "legal_aid", H, "工伤申请法律援助",
             "我在工厂上班时右手被机器压伤，公司不给认定工伤也不赔偿，家里经济困难，想申请法律援助。",
             policy="legal_aid"),
    Template("法律援助", "legal_aid", C, "法律援助条件咨询",
             "请问申请法律援助需要什么条件，还需要开经济困难证明吗？我是残疾人，有残疾证。"),
    Template("法律援助", "legal_aid", H, "申请指派辩护律师",
             "我儿子涉嫌犯罪被羁押，家里经济困难请不起律师，申请指派法律援助律师。", policy="legal_aid"),
    Template("公证办理", "notary", C, "继承公证材料咨询",
             "我要办理房产继承公证，父母都已去世，兄弟姐妹在外地，请问需要准备哪些材料，能否视频办理？", policy="notary"),
    Template("公证办理", "notary", H, "留学公证加急",
             "孩子要出国留学，需要办理学历、无犯罪记录公证，时间比较紧，能否加急办理？", policy="notary"),
    Template("公证办理", "notary", C, "周末办理委托公证",
             "平时工作日要上班，请问公证处周末能办理委托公证吗？需要提前预约吗？", policy="notary"),
    Template("公证办理", "notary", H, "上门办理遗嘱公证",
             "老人{age}岁想立遗嘱，行动不便，能否安排公证员上门办理遗嘱公证？", policy="notary"),
    Template("社区矫正", "justice_office", C, "社区矫正对象外出请假",
             "我是社区矫正对象，需要到外地看病，请问外出请假需要哪些手续，几天能批下来？"),
    Template("安置帮教", "justice_office", H, "刑满释放人员求助",
             "我刚刑满释放回到{street}，找不到工作，也没有住处，希望能得到帮扶。"),
    Template("法律咨询", "justice_office", C, "无借条借款能否起诉",
             "借给朋友{amount}元，只有微信聊天记录和转账记录，没有借条，能不能起诉要回来？"),
    Template("土地承包纠纷", "justice_office", H, "承包地被调整无补偿",
             "我家的承包地被村里调整给了别人，没有任何补偿，找村委会也没有结果，请求调解。", policy="mediation"),
    # 政法委（心理服务、线索、作风）
    Template("心理疏导", "committee", H, "焦虑失眠需要心理咨询",
             "我最近因为债务问题失眠焦虑，有轻生的念头，想找心理咨询师聊一聊。", urgent=True),
    Template("心理疏导", "committee", H, "孩子厌学需要心理辅导",
             "孩子上初中后不愿意上学，整天玩手机，和家里人沟通困难，希望心灵驿站的老师帮忙做心理辅导。"),
    Template("涉黑涉恶线索", "committee", R, "市场欺行霸市",
             "{estate}附近的农贸市场有一伙人长期霸占摊位，强收保护费，商户敢怒不敢言。", co="station"),
    Template("队伍作风", "committee", CP, "办事来回跑",
             "去{unit}办事时工作人员态度生硬，来回让我跑了三趟补材料还没办成，请政法委督促整改。"),
    Template("矛盾纠纷化解", "committee", S, "建议设立一站式调处中心",
             "建议在{street}设立一站式矛盾纠纷调处中心，群众遇到问题不用到处跑。"),
    Template("征地拆迁", "committee", CP, "旧城改造补偿不统一",
             "{estate}旧城改造补偿标准不统一，部分住户意见很大，希望政府组织协调。", policy="xinfang"),
    # 其他部门、街道
    Template("劳动保障", "hrss", CP, "企业拖欠工资",
             "{company}拖欠我们{people}名员工{months}个月工资共计{wage}元，请人社部门督促支付。", co="legal_aid"),
    Template("占道经营", "urban", CP, "早市占道经营",
             "{road}早市商贩占道经营，早上堵得车过不去，散市后垃圾满地。"),
    Template("违法建设", "urban", R, "楼顶私搭彩钢房",
             "{estate}{n}号楼顶层住户私自搭建彩钢房，存在安全隐患，请依法拆除。"),
    Template("老旧小区改造", "housing", S, "老旧小区墙皮脱落屋顶漏雨",
             "{estate}是老旧小区，楼道墙皮脱落，屋顶漏雨，希望纳入老旧小区改造计划。"),
    Template("供暖", "housing", CP, "暖气不热",
             "{estate}{n}号楼暖气不热，室温只有十二三度，家里有老人和孩子，请尽快处理。", urgent=True),
    Template("停车管理", "street", CP, "小区消防通道被堵",
             "{estate}内车辆乱停乱放，消防通道被堵，请街道协调物业规划停车位。"),
    Template("消防安全", "street", R, "飞线充电隐患",
             "{estate}{n}号楼有居民从楼上拉电线给电动车充电，存在火灾隐患。"),
)
INVALID_TEXTS = (
    "来电人未说明具体事项即挂断，回拨无人接听。",
    "来电询问天气预报和公交线路，无具体诉求。",
    "测试信息，请忽略。",
    "来电人反复拨打，内容与政法工作和公共服务无关。",
)
BANKS = ("某国有银行", "某电商平台", "某快递公司", "某网络贷款平台", "某支付平台")
COMPANY_HEADS = ("鑫达", "宏远", "恒信", "华泰", "永盛", "金鼎", "顺发", "天成", "瑞丰", "兴隆", "广源", "博远")
COMPANY_TAILS = ("建筑劳务有限公司", "装饰工程有限公司", "物流有限公司", "建设工程有限公司", "食品有限公司", "物业服务有限公司")

FINAL_REPLIES: dict[str, tuple[str, ...]] = {
    "court": (
        "经查，该案已对被执行人采取查询、冻结、扣划等强制执行措施，执行款到账后将第一时间发放，承办法官已电话告知您。",
        "法官已电话联系您，说明了网上立案的流程和所需材料，并指导您通过移动微法院完成了立案。",
        "已协调承办法官，案件已排期审理，开庭时间已通知您本人。",
        "经审查，您的申请符合条件，已依法办理，相关文书已送达。",
    ),
    "procuratorate": (
        "本院已对您反映的线索进行调查核实，已依法立案并向相关行政机关制发检察建议，督促其依法履职。",
        "您的申请本院已依法受理审查，审查结论已书面告知您本人。",
        "经与承办检察官核实，案件正在依法审查中，已向您说明办理进度和法定期限。",
    ),
    "station": (
        "民警已于接到诉求当日联系您并到现场核实情况，已依法受理并开展调查，有进展将及时告知。",
        "经派出所核查，已对涉事商户进行批评教育并责令整改，后续将加强巡查。",
        "已为您办理相关手续，感谢您对公安工作的支持。",
        "已启动紧急止付程序并立案侦查，同时提醒您注意防范电信网络诈骗。",
    ),
    "justice_office": (
        "司法所工作人员已上门了解情况，组织双方调解，双方达成一致意见，矛盾已化解。",
        "已为您详细解答相关法律问题，并告知维权途径和所需材料。",
        "已协调社区和有关部门为您提供帮扶，后续将持续跟踪。",
    ),
    "mediation": (
        "经人民调解员组织双方调解，已达成书面调解协议，并告知双方可在30日内共同申请司法确认。",
        "调解员多次上门做双方工作，双方达成一致意见，纠纷已化解。",
    ),
    "legal_aid": (
        "经审查符合法律援助条件，已决定给予法律援助并指派律师，律师已与您联系。",
        "已开通农民工欠薪法律援助绿色通道，免予经济困难状况审查，律师已代理申请劳动仲裁。",
        "已向您说明法律援助申请条件和所需材料，可通过线上或窗口提交申请。",
    ),
    "notary": (
        "公证员已与您联系，材料齐全后已出具公证书，可邮寄送达。",
        "已为您预约周末办理，公证书已按时出具，实现“最多跑一次”。",
        "已通过视频方式核实身份和意愿，公证书已出具。",
    ),
    "committee": (
        "已安排心理咨询师与您联系并开展心理疏导，后续将持续关注。",
        "已将线索交相关单位核查处理，处理结果已向您反馈。",
        "已督促相关单位整改，并对相关工作人员进行了批评教育。",
    ),
    "housing": (
        "已约谈物业公司并督促整改，工作人员已现场查看，问题已解决。",
        "已将该小区纳入改造计划，近期将组织施工。",
    ),
    "hrss": ("经人社部门约谈，企业已承诺于本月底前足额支付拖欠工资，我们将跟踪落实。",),
    "urban": ("城管执法队员已到现场执法，对违法行为进行了整治，并将持续巡查。",),
    "street": ("街道已协调社区和物业到现场处理，问题已解决。",),
}
PROCEDURAL_REPLY = "您好，您反映的问题已收到，经审查已依法受理，我们将在法定期限内告知办理情况。"
PROGRESS_REPLIES = (
    "您反映的问题正在办理中，承办人已调取相关材料，后续进展将及时告知。",
    "承办人已约谈相关当事人，正在进一步核实情况。",
    "案件正在依法办理，因涉及多个部门，正在协调推进。",
)
EXTENSION_REASONS = (
    "案情复杂，需要调取外地证据，申请延期办理。",
    "涉及多个部门协调，需要召开联席会议研究，申请延期。",
    "当事人在外地务工，暂无法当面核实，申请延期。",
)
RETURN_REASONS = (
    "该诉求不属于本单位职责范围，请重新派单。",
    "诉求涉及已进入诉讼程序的案件，不属于本单位办理事项。",
    "派单地址不在本单位辖区，请重新派单。",
)
SUPERVISE_NOTES = (
    "该诉求办理进度缓慢，请于三日内报送办理情况。",
    "群众多次来电反映，请主要负责同志亲自过问，限期办结。",
    "请加快办理，确保在法定期限内答复群众。",
)
SUPERVISE_ANSWERS = (
    "已按督办要求加快办理，目前已联系当事人，预计近期办结。",
    "单位负责人已亲自过问，已制定办理方案并落实专人跟进。",
)
WITHDRAW_REASONS = (
    "群众来电表示问题已自行解决，申请撤回。",
    "双方已自行和解，申请人撤回诉求。",
    "群众表示已通过诉讼途径解决，撤回诉求。",
)
DUPLICATE_TAILS = ("之前已经反映过，到现在还没解决。", "同一问题再次反映，请尽快处理。", "邻居也打过电话，希望一并处理。")
CO_REPORTS = ("本单位已按职责完成相关工作，情况已反馈主办单位。", "已派员配合现场处置，相关材料已移交主办单位。")
SATISFIED_COMMENTS = ("办理及时，态度很好。", "问题已解决，谢谢。", "", "很满意，感谢工作人员。")
BASIC_COMMENTS = ("问题基本解决，希望后续继续跟进。", "")
UNSATISFIED_COMMENTS = ("问题没有实际解决。", "只打了一个电话，没有人到现场。", "答复不清楚。")

# -- plans ----------------------------------------------------------------------------------------

TARGETS: tuple[tuple[str, float], ...] = (
    (State.ARCHIVED, 0.34), (State.FOLLOWED_UP, 0.12), (State.REPLIED, 0.09), (State.HANDLING, 0.15),
    (State.REPLY_REVIEW, 0.04), (State.DISPATCHED, 0.05), (State.REGISTERED, 0.04), (State.RETURNED, 0.02),
    (State.WITHDRAWN, 0.05), (State.MERGED, 0.04), (State.INVALID, 0.03),
)
# Minimum age (hours) a case needs for its planned life to fit before now.
MIN_AGE_HOURS: dict[str, float] = {
    State.REGISTERED: 0.2, State.INVALID: 1, State.DISPATCHED: 1, State.RETURNED: 24, State.WITHDRAWN: 24,
    State.MERGED: 24, State.HANDLING: 12, State.REPLY_REVIEW: 48, State.REPLIED: 72, State.FOLLOWED_UP: 6 * 24,
    State.ARCHIVED: 14 * 24,
}
COMMITTEE_CHANNELS = (
    (Channel.HOTLINE_12345, 45), (Channel.PORTAL, 12), (Channel.WECHAT_QR, 10), (Channel.LETTER, 7),
    (Channel.MEDIA, 4), (Channel.FIELD_VISIT, 8), (Channel.GRID, 8), (Channel.PHONE, 4), (Channel.IMPORT, 2),
)
UNIT_INTAKE: dict[str, tuple[str, float, tuple[tuple[str, int], ...]]] = {
    # target key: (intake unit key, share taken in there, channels)
    "court": ("court", 0.55, ((Channel.WINDOW, 50), (Channel.CIRCUIT, 20), (Channel.PHONE, 15), (Channel.PORTAL, 15))),
    "procuratorate": ("procuratorate", 0.55, ((Channel.HOTLINE_12309, 60), (Channel.WINDOW, 25), (Channel.LETTER, 15))),
    "station": ("police", 0.45, ((Channel.WINDOW, 50), (Channel.PHONE, 30), (Channel.WECHAT_QR, 20))),
    **{
        k: ("justice", 0.5, ((Channel.WINDOW, 45), (Channel.FIELD_VISIT, 25), (Channel.WECHAT_QR, 15), (Channel.PHONE, 15)))
        for k in ("justice_office", "notary", "legal_aid", "mediation")
    },
}


@dataclass
class CaseSpec:
    index: int
    place: int
    template: Template
    target: str
    received_at: datetime
    data: CaseInput
    intake: str  # unit key of the intake unit
    street: int
    invalid_text: bool = False


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, float], ...] | tuple[tuple[Any, int], ...]) -> Any:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x < 0:
            return value
    return pairs[-1][0]


# -- the world ------------------------------------------------------------------------------------


@dataclass
class PlaceWorld:
    spec: PlaceSpec
    county: Region
    streets: list[Region]
    communities: list[list[Region]]
    units: dict[str, list[Unit]] = field(default_factory=dict)
    staff: dict[int, dict[str, list[Person]]] = field(default_factory=dict)
    grids: list[list[Grid]] = field(default_factory=list)
    points: dict[str, ServicePoint] = field(default_factory=dict)

    def unit(self, key: str, street: int = 0) -> Unit:
        units = self.units[key]
        return units[street % len(units)]

    def people(self, unit: Unit, role: str) -> list[Person]:
        return self.staff.get(unit.pk, {}).get(role, [])

    def one(self, rng: random.Random, unit: Unit, role: str) -> Person:
        people = self.people(unit, role)
        if not people:
            raise LookupError(f"{unit.name} 没有 {role}")
        return rng.choice(people)

    @property
    def committee(self) -> Unit:
        return self.units["committee"][0]


@dataclass
class DemoResult:
    places: int = 0
    units: int = 0
    people: int = 0
    grids: int = 0
    cases: int = 0
    states: Counter[str] = field(default_factory=Counter)
    overdue: int = 0
    extended: int = 0
    reopened: int = 0
    supervised: int = 0
    co_handled: int = 0
    transferred: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # role label, username, unit


class _Staff:
    """Collects people for one bulk insert; usernames are unique and readable."""

    def __init__(self, rng: random.Random, password_hash: str) -> None:
        self.rng = rng
        self.password_hash = password_hash
        self.pending: list[tuple[Person, PlaceWorld, Unit]] = []
        self.taken = set(Person.objects.values_list("username", flat=True))
        self.logins: dict[str, str] = {}  # role → the username printed for it

    def add(self, world: PlaceWorld, unit: Unit, role: str, username: str, login: bool = False) -> None:
        if username in self.taken:
            person = Person.objects.filter(username=username).first()
            if person is not None and person.unit_id == unit.pk and person.role == role:
                world.staff.setdefault(unit.pk, {}).setdefault(role, []).append(person)  # an earlier demo's
                if login:
                    self.logins[role] = username
                return
            n = 2
            while f"{username}{n}" in self.taken:
                n += 1
            username = f"{username}{n}"  # the name belongs to someone else: never touch their account
        self.taken.add(username)
        if login:
            self.logins[role] = username
        name = name_random(self.rng)
        person = Person(
            username=username, role=role, unit=unit, display_name=name, last_name=name[0], first_name=name[1:],
            password=self.password_hash, is_active=True,
        )
        self.pending.append((person, world, unit))

    def save(self) -> int:
        people = Person.objects.bulk_create([p for p, _, _ in self.pending])
        for person, (_, world, unit) in zip(people, self.pending, strict=True):
            world.staff.setdefault(unit.pk, {}).setdefault(person.role, []).append(person)
        return len(people)


def _region(code: str, name: str, level: int, parent: Region | None) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None or region.name != name or region.level != level or region.parent_id != (parent.pk if parent else None):
        region = region or Region(code=code)
        region.name, region.level, region.parent = name, level, parent
        region.save()
    return region


def _unit(name: str, kind: str, region: Region, parent: Unit | None = None) -> Unit:
    unit = Unit.objects.filter(name=name, region=region).first()
    if unit is None:
        unit = Unit(name=name, kind=kind, region=region, parent=parent)
        unit.save()
    return unit


def world_build(rng: random.Random, result: DemoResult) -> list[PlaceWorld]:
    """Regions, units, staff, grids and service points of the five places."""
    staff = _Staff(rng, make_password(DEMO_PASSWORD))
    worlds: list[PlaceWorld] = []
    provinces: dict[str, Region] = {}
    for spec in PLACES:
        province = provinces.get(spec.province[0]) or _region(*spec.province, RegionLevel.PROVINCE, None)
        provinces[spec.province[0]] = province
        city = _region(*spec.city, RegionLevel.CITY, province) if spec.city else None
        county = _region(*spec.county, RegionLevel.COUNTY, city or province)
        streets = [_region(code, name, RegionLevel.TOWN, county) for code, name in spec.streets]
        communities = []
        for i, street in enumerate(streets):
            names = [COMMUNITIES[(i * 3 + j + len(spec.key)) % len(COMMUNITIES)] for j in range(2)]
            communities.append(
                [_region(f"{street.code}{j + 1:03d}", f"{n}社区", RegionLevel.VILLAGE, street) for j, n in enumerate(names)]
            )
        w = PlaceWorld(spec, county, streets, communities)
        worlds.append(w)
        cn, pre, short = spec.county[1], spec.prefix, spec.short
        street_short = [s[1].removesuffix("街道") for s in spec.streets]
        w.units["committee"] = [_unit(f"{cn}委政法委", UnitKind.COMMITTEE, county)]
        w.units["court"] = [_unit(f"{pre}{cn}人民法院", UnitKind.COURT, county)]
        w.units["procuratorate"] = [_unit(f"{pre}{cn}人民检察院", UnitKind.PROCURATORATE, county)]
        police = _unit(f"{pre}公安局{short}分局", UnitKind.POLICE_BRANCH, county)
        w.units["police"] = [police]
        w.units["station"] = [
            _unit(f"{street_short[i]}派出所", UnitKind.POLICE_STATION, streets[i], police) for i in range(3)
        ]
        justice = _unit(f"{cn}司法局", UnitKind.JUSTICE_BUREAU, county)
        w.units["justice"] = [justice]
        w.units["justice_office"] = [
            _unit(f"{street_short[i]}司法所", UnitKind.JUSTICE_OFFICE, streets[i], justice) for i in range(3)
        ]
        w.units["notary"] = [_unit(f"{pre}{cn}公证处", UnitKind.NOTARY, county, justice)]
        w.units["legal_aid"] = [_unit(f"{cn}法律援助中心", UnitKind.LEGAL_AID, county, justice)]
        w.units["mediation"] = [_unit(f"{cn}人民调解委员会", UnitKind.MEDIATION, county, justice)]
        w.units["housing"] = [_unit(f"{cn}住房和城乡建设局", UnitKind.DEPARTMENT, county)]
        w.units["hrss"] = [_unit(f"{cn}人力资源和社会保障局", UnitKind.DEPARTMENT, county)]
        w.units["urban"] = [_unit(f"{cn}城市管理综合行政执法局", UnitKind.DEPARTMENT, county)]
        w.units["street"] = [
            _unit(f"{spec.streets[i][1]}办事处", UnitKind.STREET, streets[i]) for i in range(len(streets))
        ]
        result.units += sum(len(v) for v in w.units.values())
        _staff_plan(staff, w)
        for key, kind_name, channel in (
            ("court", "诉讼服务中心", Channel.WINDOW), ("procuratorate", "12309检察服务中心", Channel.WINDOW),
            ("police", "户籍业务窗口", Channel.WINDOW), ("justice", "公共法律服务中心", Channel.WINDOW),
            ("committee", "心灵驿站扫码反映", Channel.WECHAT_QR),
        ):
            unit = w.units[key][0]
            point, _ = ServicePoint.objects.get_or_create(
                code=f"{spec.key}-{key}", defaults={"name": f"{unit.name}{kind_name}", "channel": channel, "unit": unit,
                                                   "region": county},
            )
            w.points[key] = point
    result.people = staff.save()
    result.logins = _logins(staff.logins)
    for w in worlds:
        for i, street_communities in enumerate(w.communities):
            street_unit = w.unit("street", i)
            station = w.unit("station", i)
            row = []
            for community in street_communities:
                grid = Grid.objects.filter(name=f"{community.name}网格", region=community).first()
                if grid is None:
                    grid = Grid.objects.create(name=f"{community.name}网格", region=community)
                    grid.officers.add(rng.choice(w.people(street_unit, Role.HANDLER)), rng.choice(w.people(station, Role.HANDLER)))
                    result.grids += 1
                row.append(grid)
            w.grids.append(row)
    result.places = len(worlds)
    return worlds


def _staff_plan(staff: _Staff, w: PlaceWorld) -> None:
    key = w.spec.key
    demo = key == "haigang"  # the printed logins belong to 海港区

    def add(unit_key: str, index: int, role: str, count: int, login: str | None = None) -> None:
        unit = w.units[unit_key][index]
        for n in range(count):
            printed = bool(login and n == 0 and demo)
            name = login if (login and printed) else f"{key}.{unit_key}{index + 1}.{role}{n + 1}"
            staff.add(w, unit, role, name, login=printed)

    add("committee", 0, Role.OPERATOR, 2, "operator")
    add("committee", 0, Role.DISPATCHER, 2, "dispatcher")
    add("committee", 0, Role.SUPERVISOR, 1, "supervisor")
    add("committee", 0, Role.LEADER, 1)
    add("committee", 0, Role.HANDLER, 2)
    add("committee", 0, Role.ADMIN, 1, "admin")
    for unit_key, handlers in (("court", 3), ("procuratorate", 2)):
        add(unit_key, 0, Role.OPERATOR, 1)
        add(unit_key, 0, Role.DISPATCHER, 1)
        add(unit_key, 0, Role.LEADER, 1)
        add(unit_key, 0, Role.HANDLER, handlers)
    for unit_key in ("police", "justice"):
        add(unit_key, 0, Role.OPERATOR, 1)
        add(unit_key, 0, Role.DISPATCHER, 1)
        add(unit_key, 0, Role.LEADER, 1)
    for i in range(len(w.units["station"])):
        add("station", i, Role.LEADER, 1, "leader" if i == 0 else None)
        add("station", i, Role.HANDLER, 2, "handler" if i == 0 else None)
    for i in range(len(w.units["justice_office"])):
        add("justice_office", i, Role.LEADER, 1)
        add("justice_office", i, Role.HANDLER, 1)
    for unit_key in ("notary", "legal_aid", "mediation", "housing", "hrss", "urban"):
        add(unit_key, 0, Role.LEADER, 1)
        add(unit_key, 0, Role.HANDLER, 2)
    for i in range(len(w.units["street"])):
        add("street", i, Role.LEADER, 1)
        add("street", i, Role.HANDLER, 2)


# -- planning --------------------------------------------------------------------------------------


def _fill(rng: random.Random, tpl: Template, w: PlaceWorld, street: int, received: datetime) -> str:
    local = timezone.localtime(received)
    earlier = local - timedelta(days=rng.randint(1, 20))
    month = (local - timedelta(days=rng.randint(60, 200))).month
    values = {
        "estate": rng.choice(ESTATES),
        "road": rng.choice(w.spec.roads),
        "road2": rng.choice(w.spec.roads),
        "street": w.spec.streets[street][1],
        "community": w.communities[street][0].name,
        "amount": str(rng.choice((rng.randint(8, 99) * 100, rng.randint(10, 300) * 1000))),
        "wage": str(rng.randint(20, 400) * 1000),
        "n": str(rng.randint(1, 28)),
        "people": str(rng.randint(3, 40)),
        "months": str(rng.randint(2, 14)),
        "month": str(month),
        "year": str(local.year - rng.randint(1, 4)),
        "age": str(rng.randint(72, 95)),
        "company": rng.choice(COMPANY_HEADS) + rng.choice(COMPANY_TAILS),
        "other": rng.choice(SURNAMES) + "某",
        "bank": rng.choice(BANKS),
        "plate": w.spec.plate + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(5)),
        "date": f"{earlier.month}月{earlier.day}日",
        "court": w.units["court"][0].name,
        "unit": rng.choice([w.units[k][0].name for k in ("court", "police", "justice", "procuratorate")]),
    }
    return tpl.text.format(**values)


def _received_at(rng: random.Random, target: str, now: datetime) -> datetime:
    min_age = timedelta(hours=MIN_AGE_HOURS[target])
    if target in (State.ARCHIVED, State.FOLLOWED_UP, State.REPLIED):
        age = timedelta(days=rng.uniform(min_age.total_seconds() / 86400, HISTORY_DAYS))
    else:
        age = min_age + timedelta(days=min(rng.expovariate(1 / 6), HISTORY_DAYS - 15))
    moment = timezone.localtime(now - age)
    hour = _weighted(rng, tuple((h, 1 if h < 7 or h > 21 else (6 if 8 <= h <= 11 or 14 <= h <= 17 else 3)) for h in range(24)))
    at = moment.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)
    while at > now - min_age:
        at -= timedelta(days=1)
    return at


def cases_plan(rng: random.Random, worlds: list[PlaceWorld], count: int, now: datetime) -> list[CaseSpec]:
    forced = [s for s, _ in TARGETS]
    targets = forced[: min(count, len(forced))] + [_weighted(rng, TARGETS) for _ in range(max(0, count - len(forced)))]
    rng.shuffle(targets)
    place_weights = tuple((i, p.weight) for i, p in enumerate(PLACES))
    specs: list[CaseSpec] = []
    for index, target in enumerate(targets):
        p = _weighted(rng, place_weights)
        w = worlds[p]
        tpl = rng.choice(TEMPLATES)
        received = _received_at(rng, target, now)
        street = rng.randrange(len(w.streets))
        intake = "committee"
        channel = _weighted(rng, COMMITTEE_CHANNELS)
        if tpl.target in UNIT_INTAKE:
            unit_key, share, channels = UNIT_INTAKE[tpl.target]
            if rng.random() < share:
                intake, channel = unit_key, _weighted(rng, channels)
        invalid_text = target == State.INVALID and rng.random() < 0.6
        content = rng.choice(INVALID_TEXTS) if invalid_text else _fill(rng, tpl, w, street, received)
        region: Region = w.streets[street]
        grid_id: int | None = None
        if channel in (Channel.GRID, Channel.FIELD_VISIT) or rng.random() < 0.6:
            community = rng.randrange(len(w.communities[street]))
            region = w.communities[street][community]
            if channel in (Channel.GRID, Channel.FIELD_VISIT):
                grid_id = w.grids[street][community].pk
        anonymous = rng.random() < (0.25 if tpl.type == CaseType.REPORT else 0.05)
        confidential = not anonymous and rng.random() < (0.3 if tpl.type == CaseType.REPORT else 0.04)
        female = rng.random() < 0.5
        phone = "" if (anonymous and rng.random() < 0.5) else mobile_random(rng)
        id_number = "" if anonymous or rng.random() < 0.7 else id_number_random(rng, w.county.code, now)
        name = "" if anonymous else name_random(rng, female)
        address = f"{w.spec.streets[street][1]}{rng.choice(ESTATES)}{rng.randint(1, 28)}号楼" if rng.random() < 0.7 else ""
        urgency = Urgency.NORMAL
        if tpl.urgent:
            urgency = Urgency.EMERGENCY if rng.random() < 0.2 else Urgency.URGENT
        policy = tpl.policy or ("xinfang" if channel == Channel.LETTER else "")
        if channel == Channel.HOTLINE_12309:
            policy = ""  # the channel's own policy (12309) applies
        point = None
        if channel == Channel.WINDOW and intake != "committee":
            point = w.points.get(intake)
        elif channel == Channel.WECHAT_QR and intake == "committee":
            point = w.points.get("committee")
        data = CaseInput(
            type=CaseType.CONSULTATION if invalid_text else tpl.type,
            channel=channel,
            content=content,
            title="" if invalid_text else tpl.title,
            citizen_name=name,
            citizen_phone=phone,
            citizen_id_number=id_number,
            anonymous=anonymous,
            confidential=confidential,
            address=address,
            region_code=region.code,
            grid_id=grid_id,
            category="" if invalid_text else tpl.category,
            urgency=urgency,
            received_at=received,
            policy_code=policy or None,
            service_point_id=point.pk if point else None,
        )
        specs.append(CaseSpec(index, p, tpl, target, received, data, intake, street, invalid_text))
    return specs


# -- running a case's life -----------------------------------------------------------------------


class _Stop(Exception):
    pass


class CaseRun:
    """One case's life, action by action, each at its own historical moment."""

    def __init__(self, spec: CaseSpec, w: PlaceWorld, rng: random.Random, now: datetime, result: DemoResult) -> None:
        self.spec, self.w, self.rng, self.now, self.result = spec, w, rng, now, result
        self.t = spec.received_at
        self.case_id = 0
        self.case: Case | None = None  # as the last action left it
        self.intake_unit = w.units[spec.intake][0]
        self.lead: Unit | None = None
        self.handler: Person | None = None
        self.co: list[Unit] = []
        self.supervised = False
        self.rounds = 0

    # time ---------------------------------------------------------------------------------------
    def later(self, hours: float) -> datetime:
        """Advance the clock by about `hours`, never past `now` (squeezed into the time left)."""
        limit = self.now - timedelta(minutes=1)
        step = timedelta(hours=max(hours, 0.02))
        if self.t + step > limit:
            step = max((limit - self.t) / 2, timedelta(seconds=1))
        self.t += step
        return self.t

    # people -------------------------------------------------------------------------------------
    def committee_dispatcher(self) -> Person:
        return self.w.one(self.rng, self.w.committee, Role.DISPATCHER)

    def intake_dispatcher(self) -> Person:
        people = self.w.people(self.intake_unit, Role.DISPATCHER)
        return self.rng.choice(people) if people else self.committee_dispatcher()

    def intake_operator(self) -> Person:
        return self.w.one(self.rng, self.intake_unit, Role.OPERATOR)

    def leader(self) -> Person:
        assert self.lead is not None
        return self.w.one(self.rng, self.lead, Role.LEADER)

    def lead_handler(self) -> Person:
        assert self.lead is not None
        if self.handler is not None and self.handler.unit_id == self.lead.pk:
            return self.handler
        return self.w.one(self.rng, self.lead, Role.HANDLER)

    def do(self, label: str, fn: Callable[..., Case], *args: Any, **kw: Any) -> Case:
        try:
            self.case = fn(self.case_id, *args, now=self.t, **kw)
            return self.case
        except DomainError as exc:
            self.result.problems.append(f"#{self.spec.index} {label}: {exc.message}")
            raise _Stop from exc

    def target_unit(self) -> Unit:
        return self.w.unit(self.spec.template.target, self.spec.street)

    def wrong_unit(self) -> Unit:
        right = self.spec.template.target
        keys = [k for k in ("station", "court", "justice_office", "housing", "urban", "street", "hrss") if k != right]
        return self.w.unit(self.rng.choice(keys), self.spec.street)

    # steps --------------------------------------------------------------------------------------
    def register(self) -> None:
        operator = self.intake_operator()
        case, _ = case_register(data=self.spec.data, intake_unit=self.intake_unit, actor=operator, now=self.t,
                                  auto_dispatch=False)
        self.case_id, self.case = case.pk, case

    def dispatch(self, unit: Unit, *, quick: bool = True) -> None:
        hotline = self.spec.data.channel in (Channel.HOTLINE_12345, Channel.HOTLINE_12309)
        delay = self.rng.expovariate(1 / (0.3 if hotline else 4)) if quick else self.rng.uniform(24, 72)
        self.later(delay + 0.05)
        periods: dict[str, str] = {}
        policy = self.spec.data.policy_code or ""
        if not policy and self.spec.data.channel != Channel.HOTLINE_12309 and self.rng.random() < 0.15:
            periods = {"result": "15d"}  # a complex matter: the dispatcher writes a longer deadline on the order
        self.do("派单", case_dispatch, actor=self.intake_dispatcher(), unit_id=unit.pk, periods=periods)
        self.lead, self.handler = unit, None

    def sign(self) -> None:
        late = self.rng.random() < 0.12
        self.later(self.rng.uniform(2.5, 20) if late else self.rng.uniform(0.1, 1.8))
        handler = self.w.one(self.rng, self.lead, Role.HANDLER) if self.lead else None
        assert handler is not None
        self.do("签收", case_sign, actor=handler)
        self.handler = handler

    def supervise(self) -> None:
        self.later(self.rng.uniform(2, 72))
        supervisor = self.w.one(self.rng, self.w.committee, Role.SUPERVISOR)
        self.do("督办", case_supervise, actor=supervisor, note=self.rng.choice(SUPERVISE_NOTES),
                due_at=self.t + timedelta(days=3))
        self.supervised = True

    def supervise_answer(self, actor: Person) -> None:
        if self.supervised:
            self.later(self.rng.uniform(2, 48))
            self.do("督办反馈", case_supervise_answer, actor=actor, text=self.rng.choice(SUPERVISE_ANSWERS))
            self.supervised = False

    def return_order(self) -> None:
        handler = self.lead_handler()
        self.later(self.rng.uniform(0.5, 20))
        self.do("申请退单", case_return_request, actor=handler, reason=self.rng.choice(RETURN_REASONS))
        self.later(self.rng.uniform(0.5, 8))
        self.do("退单", case_return, actor=self.leader(), reason="同意退单，请派单员重新派单。")
        self.lead, self.handler = None, None

    def extendable(self) -> bool:
        """Whether a deadline is open to extend (a transferred 12345 order has none: see the report)."""
        from banshi.sla.models import ACTIVE_MILESTONE_STATUSES, Milestone

        open_ms = Milestone.objects.filter(case_id=self.case_id, status__in=ACTIVE_MILESTONE_STATUSES)
        return open_ms.exclude(kind="sign").exists()

    def until(self, moment: datetime) -> datetime:
        return self.later(max(0.05, (moment - self.t).total_seconds() / 3600))

    def handling(self, *, finish: bool) -> None:
        """Work while the case is being handled; `finish` means a final reply will follow."""
        rng, spec = self.rng, self.spec
        first = self.rounds == 0
        self.rounds += 1
        policy = spec.data.policy_code or ("12309" if spec.data.channel == Channel.HOTLINE_12309 else "12345")
        base = {"12345": (0.3, 6.5), "mediation": (2, 28), "notary": (1, 18), "legal_aid": (5, 60),
                "12309": (5, 80), "xinfang": (10, 55)}.get(policy, (0.3, 6.5))
        days = rng.uniform(*base)
        if rng.random() < 0.13:
            days = days * 1.6 + 2  # this one runs late
        began = self.t
        if first and policy in ("12309", "xinfang"):
            self.later(rng.uniform(12, 24 * (9 if rng.random() < 0.1 else 5)))
            self.do("程序性答复", case_progress_reply, actor=self.lead_handler(), text=PROCEDURAL_REPLY, procedural=True)
        if first and policy == "legal_aid" and self.lead is not None and rng.random() < 0.85:
            self.later(rng.uniform(4, 24 * 4))
            lawyer = rng.choice(self.w.people(self.lead, Role.HANDLER))
            self.do("指派承办人", case_assign, actor=self.leader(), handler_id=lawyer.pk)
            self.handler = lawyer
        co_key = spec.template.co if rng.random() < 0.6 else ""
        if not co_key and rng.random() < 0.04:
            co_key = "street" if spec.template.target != "street" else "urban"
        if first and co_key and self.lead is not None:
            co_unit = self.w.unit(co_key, spec.street)
            if co_unit.pk != self.lead.pk:
                self.later(rng.uniform(1, 24))
                self.do("增加协办", case_co_add, actor=self.leader(), unit_id=co_unit.pk, note="请协助办理并反馈。")
                self.co.append(co_unit)
                self.result.co_handled += 1
        if first and policy in ("notary", "legal_aid") and rng.random() < 0.25:
            self.later(rng.uniform(2, 30))
            self.do("要求补充材料", case_documents_request, actor=self.lead_handler(),
                    text="请补充身份证明和相关证据材料复印件。")
            self.later(rng.uniform(24, 24 * 5))
            self.do("材料已补齐", case_documents_received, actor=self.lead_handler(), note="当事人已补齐材料。")
        if rng.random() < 0.06:
            self.supervise()
            if finish or rng.random() < 0.5:
                self.supervise_answer(self.leader())
        if rng.random() < 0.1 and self.extendable():
            self.until(began + timedelta(days=days * rng.uniform(0.4, 0.7)))
            period = {"12345": "7d", "mediation": "15d", "notary": "10wd", "xinfang": "30d"}.get(policy, "1m")
            self.do("申请延期", case_extension_request, actor=self.lead_handler(), period=period,
                    reason=rng.choice(EXTENSION_REASONS))
            self.later(rng.uniform(1, 20))
            approve = rng.random() < 0.85
            self.do("审批延期", case_extension_decide, actor=self.leader(), approve=approve,
                    note="同意延期，请在延长期限内办结。" if approve else "不同意延期，请按期办结。")
            if approve:
                self.result.extended += 1
        if days > 20 and policy in ("12309", "xinfang", "legal_aid"):
            self.until(began + timedelta(days=days * 0.6))
            self.do("阶段性答复", case_progress_reply, actor=self.lead_handler(), text=rng.choice(PROGRESS_REPLIES))
        for unit in list(self.co):
            if finish or rng.random() < 0.5:
                self.later(rng.uniform(4, 24 * 3))
                reporter = self.w.one(rng, unit, Role.HANDLER)
                self.do("协办反馈", case_co_report, actor=reporter, text=rng.choice(CO_REPORTS))
                self.co.remove(unit)
        if finish:
            self.until(began + timedelta(days=days))

    def reply(self) -> None:
        rng = self.rng
        text = rng.choice(FINAL_REPLIES[self.spec.template.target])
        self.do("提交办结答复", case_reply_submit, actor=self.lead_handler(), text=text)

    def approve(self) -> None:
        if self.rng.random() < 0.07:
            self.later(self.rng.uniform(1, 20))
            self.do("退回答复", case_reply_decide, actor=self.leader(), approve=False,
                    note="答复内容过于简单，未说明具体处理结果，请补充后重新提交。")
            self.later(self.rng.uniform(2, 30))
            self.do("提交办结答复", case_reply_submit, actor=self.lead_handler(),
                    text=self.rng.choice(FINAL_REPLIES[self.spec.template.target]) + "具体处理经过已当面向您说明。")
        self.later(self.rng.uniform(0.5, 20))
        self.do("审核答复", case_reply_decide, actor=self.leader(), approve=True, note="同意答复。")

    def follow_up(self, rating: int) -> None:
        self.later(self.rng.uniform(6, 72))
        comment = self.rng.choice(
            SATISFIED_COMMENTS if rating >= 4 else BASIC_COMMENTS if rating == 3 else UNSATISFIED_COMMENTS
        )
        by_citizen = self.rng.random() < 0.3
        actor = None if by_citizen else self.intake_operator()
        self.do("回访", case_follow_up, actor=actor, rating=rating, comment=comment, by_citizen=by_citizen)

    def rating(self) -> int:
        return int(_weighted(self.rng, ((5, 50), (4, 32), (3, 18))))

    # the whole life -----------------------------------------------------------------------------
    def run(self) -> None:
        spec, rng, target = self.spec, self.rng, self.spec.target
        self.register()
        if target == State.INVALID:
            self.later(rng.uniform(0.2, 12))
            actor = self.intake_dispatcher() if rng.random() < 0.5 else self.intake_operator()
            reason = "无具体诉求内容，按无效诉求处理。" if spec.invalid_text else "经核实为重复骚扰来电，无实际诉求。"
            self.do("标记无效", case_invalidate, actor=actor, reason=reason)
            return
        if target == State.REGISTERED:
            if spec.received_at < self.now - timedelta(days=2) and rng.random() < 0.4:
                self.supervise()
            return
        closed = target in (State.REPLIED, State.FOLLOWED_UP, State.ARCHIVED)
        if closed and spec.data.type == CaseType.CONSULTATION and rng.random() < 0.55:
            self.later(rng.uniform(0.02, 0.4))
            self.do("当场答复", case_answer, actor=self.intake_operator(),
                    text="已当场向来电人解答相关政策和办理流程，来电人表示清楚。")
            self.after_reply(target, reopen=False)
            return
        if target == State.WITHDRAWN:
            stage = rng.choice(("registered", "dispatched", "handling"))
            if stage != "registered":
                self.dispatch(self.target_unit())
                if stage == "handling":
                    self.sign()
            self.later(rng.uniform(2, 72))
            withdrawer = None if rng.random() < 0.5 else self.intake_operator()  # None: the citizen, online
            self.do("撤回", case_withdraw, actor=withdrawer, reason=rng.choice(WITHDRAW_REASONS))
            return
        right = self.target_unit()
        misroute = rng.random() < 0.1 or target == State.RETURNED
        if misroute:
            self.dispatch(self.wrong_unit())
            if target == State.RETURNED or rng.random() < 0.5:
                if rng.random() < 0.5:
                    self.sign()
                self.return_order()
                if target == State.RETURNED:
                    return
                self.dispatch(right)
            else:
                self.later(rng.uniform(0.5, 24))
                unit = right if right.pk != self.lead.pk else self.wrong_unit()  # type: ignore[union-attr]
                self.do("转办", case_transfer, actor=self.committee_dispatcher(), unit_id=unit.pk,
                        reason=f"经核实，该诉求属于{unit.name}职责范围，予以转办。")
                self.lead, self.handler = unit, None
                self.result.transferred += 1
        else:
            self.dispatch(right, quick=rng.random() < 0.9)
        if target == State.DISPATCHED:
            if rng.random() < 0.3:
                self.supervise()
            return
        self.sign()
        self.handling(finish=target != State.HANDLING)
        if target == State.HANDLING:
            return
        self.reply()
        if target == State.REPLY_REVIEW:
            return
        self.approve()
        self.after_reply(target, reopen=rng.random() < 0.07)

    def after_reply(self, target: str, *, reopen: bool) -> None:
        rng = self.rng
        if target == State.REPLIED:
            return
        if reopen and self.lead is not None:
            self.follow_up(rng.choice((1, 2)))  # unsatisfied: the domain reopens the case
            self.result.reopened += 1
            self.handler = None
            self.handling(finish=True)
            self.reply()
            self.approve()
        self.follow_up(self.rating())
        if target == State.FOLLOWED_UP:
            return
        self.later(rng.uniform(12, 24 * 6))
        actor = None if rng.random() < 0.3 else self.committee_dispatcher()
        self.do("归档", case_archive, actor=actor)

    def merge_into(self, target: Case) -> None:
        self.do("合并", case_merge, actor=self.committee_dispatcher(), into_id=target.pk,
                reason=f"与{target.number}为同一诉求，予以合并。")


# -- the command's entry point --------------------------------------------------------------------


def demo_build(*, seed: int = 42, cases: int = DEFAULT_CASES, now: datetime | None = None,
               progress: Callable[[int, int], None] | None = None) -> DemoResult:
    """Build the demo world and `cases` cases. Same seed and now → same contents and states."""
    from banshi.cases.models import Supervision
    from banshi.notify.models import OutboxMessage, OutboxStatus
    from banshi.sla.models import Milestone
    from banshi.sla.sweep import sla_sweep

    started = time.monotonic()
    now = now or timezone.now()
    rng = random.Random(seed)
    result = DemoResult()
    with transaction.atomic():
        worlds = world_build(rng, result)
    specs = cases_plan(rng, worlds, cases, now)
    ordinary = sorted((s for s in specs if s.target != State.MERGED), key=lambda s: (s.received_at, s.index))
    merged = [s for s in specs if s.target == State.MERGED]
    ids: list[int] = []
    by_place: dict[int, list[Case]] = {}
    done = 0
    for start in range(0, len(ordinary), BATCH):
        with transaction.atomic():
            for spec in ordinary[start:start + BATCH]:
                run = CaseRun(spec, worlds[spec.place], random.Random(f"{seed}:{spec.index}"), now, result)
                with contextlib.suppress(_Stop):
                    run.run()
                if run.case is not None:
                    ids.append(run.case_id)
                    by_place.setdefault(spec.place, []).append(run.case)
                done += 1
        if progress:
            progress(done, len(specs))
    with transaction.atomic():
        for spec in merged:
            _merged_case(spec, worlds, seed, now, result, by_place, ids)
            done += 1
    if progress:
        progress(done, len(specs))
    span = (min(ids), max(ids)) if ids else (0, -1)
    with transaction.atomic():
        # Messages of the past were delivered at the time; the worker should not send them now.
        OutboxMessage.objects.filter(case__pk__range=span, status=OutboxStatus.PENDING).update(
            status=OutboxStatus.SENT, sent_at=F("created_at")
        )
    while True:
        swept = sla_sweep(now=now)
        if not swept.warned and not swept.breached:
            break
    rows = Case.objects.filter(pk__range=span)
    result.cases = len(ids)
    result.states = Counter(rows.values_list("state", flat=True))
    result.supervised = Supervision.objects.filter(case__pk__range=span).values("case_id").distinct().count()
    result.overdue = rows.filter(overdue=True).count()
    result.extended = Milestone.objects.filter(case__pk__range=span, extended=True).values("case_id").distinct().count()
    result.reopened = rows.filter(reopen_count__gt=0).count()
    result.seconds = time.monotonic() - started
    return result


def _merged_case(spec: CaseSpec, worlds: list[PlaceWorld], seed: int, now: datetime, result: DemoResult,
                 by_place: dict[int, list[Case]], ids: list[int]) -> None:
    """A repeated demand merged into an earlier one about the same matter in the same district."""
    rng = random.Random(f"{seed}:{spec.index}")
    excluded = (State.MERGED, State.INVALID, State.WITHDRAWN)
    candidates = [c for c in by_place.get(spec.place, []) if c.state not in excluded]
    same = [c for c in candidates if c.category == spec.data.category]
    pool = same or candidates
    if not pool:
        result.problems.append(f"#{spec.index} 合并: 没有可合并的诉求")
        return
    target = rng.choice(pool)
    w = worlds[spec.place]
    spec.data.content = f"{target.content}{rng.choice(DUPLICATE_TAILS)}"
    spec.data.title, spec.data.category, spec.data.type = target.title, target.category, target.type
    spec.data.region_code = target.region_path.rstrip("/").rsplit("/", 1)[-1] or spec.data.region_code
    spec.data.grid_id = None
    latest = now - timedelta(hours=2)
    received = target.received_at + timedelta(hours=rng.uniform(2, 24 * 10))
    if received > latest:
        received = target.received_at + (latest - target.received_at) / 2
    spec.data.received_at = spec.received_at = received
    run = CaseRun(spec, w, rng, now, result)
    try:
        run.register()
        if rng.random() < 0.3:
            run.dispatch(run.target_unit())
        run.later(rng.uniform(0.5, 24))
        run.merge_into(target)
    except _Stop:
        pass
    if run.case_id:
        ids.append(run.case_id)


def _logins(usernames: dict[str, str]) -> list[tuple[str, str, str]]:
    out = []
    for role in (Role.OPERATOR, Role.DISPATCHER, Role.HANDLER, Role.LEADER, Role.SUPERVISOR, Role.ADMIN):
        person = Person.objects.select_related("unit").filter(username=usernames.get(role, "")).first()
        if person is not None:
            out.append((str(role.label), person.username, person.unit.name if person.unit else ""))
    return out
