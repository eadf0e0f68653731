"""The default routing catalogue (事项目录) for political-legal work.

Each :class:`CatalogueItem` names one kind of matter, the agency type that takes it, the
deadline policy its case gets and plainly worded examples and keywords from which the
default classifier (:mod:`banshi.triage.model`) learns. Administrators edit the catalogue;
the Django side stores it and passes a list of items (or the dicts of
:func:`catalogue_as_dicts`) to :func:`banshi.triage.model.CatalogueModel.train`.

Grounding (see ``shared/DOMAIN.md`` and the seed reports): enforcement and case filing go
to the courts; 控告申诉, civil-litigation supervision, public-interest litigation clues,
support for wage suits and judicial aid in prosecution to the procuratorate; fraud, theft,
household and vehicle registration, traffic and domestic violence to the police;
mediation, legal aid, notarisation, village legal advisers, community corrections and
lawyer complaints to justice administration; psychological services, grid management and
cross-agency coordination to the political-legal committee; everything else to the
responsible non-political-legal department or the 街道/乡镇.

Wage arrears (农民工欠薪): the primary route is the human-resources bureau's labour
inspectorate (``other.wage_arrears``, 人社局劳动保障监察), which can order payment under
the 保障农民工工资支付条例. Where the worker asks for a lawyer or wants to sue, the demand
goes to legal aid (``justice.legal_aid``: the 绿色通道 for migrant workers' wages); where
the worker asks the procuratorate to back the suit, to ``procuratorate.wage_support``
(支持起诉). The classifier returns the other two as alternatives when the text points there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Agency = Literal["court", "procuratorate", "police", "justice", "committee", "other"]
AGENCIES: tuple[Agency, ...] = ("court", "procuratorate", "police", "justice", "committee", "other")
AGENCY_NAMES: dict[str, str] = {
    "court": "人民法院",
    "procuratorate": "人民检察院",
    "police": "公安机关",
    "justice": "司法行政机关",
    "committee": "政法委",
    "other": "非政法部门/街道乡镇",
}
Policy = Literal["12345", "12309", "xinfang", "legal_aid", "mediation", "notary"]
POLICIES: tuple[Policy, ...] = ("12345", "12309", "xinfang", "legal_aid", "mediation", "notary")


@dataclass(frozen=True)
class CatalogueItem:
    """One entry of the routing catalogue."""

    code: str
    name: str
    agency: Agency
    category: str
    policy: Policy
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    department: str = ""  # the unit that usually handles it, e.g. "人社局劳动保障监察"
    notes: str = ""

    def __post_init__(self) -> None:
        if self.agency not in AGENCIES:
            raise ValueError(f"unknown agency {self.agency!r} in {self.code}")
        if self.policy not in POLICIES:
            raise ValueError(f"unknown policy {self.policy!r} in {self.code}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CatalogueItem:
        return cls(
            code=str(data["code"]),
            name=str(data["name"]),
            agency=data["agency"],
            category=str(data.get("category", "")),
            policy=data["policy"],
            examples=tuple(data.get("examples", ())),
            keywords=tuple(data.get("keywords", ())),
            department=str(data.get("department", "")),
            notes=str(data.get("notes", "")),
        )


def _item(
    code: str,
    name: str,
    agency: Agency,
    category: str,
    policy: Policy,
    department: str,
    keywords: str,
    examples: list[str],
    notes: str = "",
) -> CatalogueItem:
    return CatalogueItem(
        code=code,
        name=name,
        agency=agency,
        category=category,
        policy=policy,
        department=department,
        keywords=tuple(keywords.split()),
        examples=tuple(examples),
        notes=notes,
    )


DEFAULT_CATALOGUE: tuple[CatalogueItem, ...] = (
    # ---------------------------------------------------------------- courts
    _item(
        "court.enforcement",
        "申请执行与执行难",
        "court",
        "执行",
        "xinfang",
        "人民法院执行局",
        "强制执行 申请执行 执行款 执行案件 执行法官 老赖 失信被执行人 拒不履行 判决不履行 执行不到位 终本 被执行人 查封 冻结财产",
        [
            "法院判决对方还我钱，一年了还没执行到位",
            "申请强制执行半年了，执行法官一直说找不到财产",
            "被执行人有房有车却说没钱，法院怎么不执行",
            "判决生效后对方拒不履行，我想申请强制执行",
            "执行款已经扣了为什么还没发给我",
            "老赖天天开豪车，法院能不能把他列入失信名单",
            "我的案子被终结本次执行程序，我不服",
        ],
    ),
    _item(
        "court.filing",
        "立案与起诉",
        "court",
        "立案",
        "xinfang",
        "人民法院立案庭",
        "立案 起诉 诉状 网上立案 不予立案 立案难 起诉书 递交诉状 跨域立案 诉讼服务中心 打官司",
        [
            "我想起诉欠钱不还的人，去法院怎么立案",
            "法院不给我立案，说材料不全又不告诉缺什么",
            "网上立案提交了一个星期还没审核",
            "在外地打工能不能在本地法院跨域立案",
            "要打官司告装修公司，起诉状怎么写",
            "立案窗口排队太久，能不能预约",
        ],
    ),
    _item(
        "court.trial",
        "审判与诉讼服务",
        "court",
        "审判",
        "xinfang",
        "人民法院",
        "开庭 审理 庭审 判决书 裁定书 法官 审限 超期审理 上诉 二审 案件进度 诉讼费 退费 调取证据 庭审直播",
        [
            "我的案子立案半年了还没有开庭",
            "想查一下离婚案件的审理进度",
            "判决书什么时候能送达，我要上诉",
            "诉讼费什么时候退还给我",
            "法官审理超过期限了，怎么还不判",
            "老年人行动不便能不能申请网上开庭",
        ],
    ),
    _item(
        "court.fee_relief",
        "诉讼费缓减免",
        "court",
        "诉讼服务",
        "xinfang",
        "人民法院诉讼服务中心",
        "诉讼费缓交 诉讼费减免 交不起诉讼费 免交诉讼费 缓交",
        [
            "家里困难交不起诉讼费，能申请缓交吗",
            "低保户打官司诉讼费可以减免吗",
            "残疾人起诉能不能免交诉讼费",
        ],
    ),
    # ---------------------------------------------------------- procuratorate
    _item(
        "procuratorate.complaint",
        "控告申诉",
        "procuratorate",
        "控告申诉",
        "12309",
        "人民检察院控告申诉检察部门",
        "控告 申诉 刑事申诉 不服判决 不服法院判决 冤案 错案 检察院 12309 司法人员违法 国家赔偿 不起诉决定",
        [
            "我不服法院的刑事判决，想向检察院申诉",
            "控告办案人员刑讯逼供",
            "对检察院的不起诉决定不服，要求复查",
            "我父亲被冤枉判了刑，要申诉",
            "举报法官枉法裁判收受贿赂",
            "申请国家赔偿被驳回，我要申诉",
        ],
    ),
    _item(
        "procuratorate.civil_supervision",
        "民事行政诉讼监督",
        "procuratorate",
        "民事行政检察",
        "12309",
        "人民检察院民事行政检察部门",
        "民事诉讼监督 检察监督 抗诉 再审检察建议 虚假诉讼 民事判决错误 行政诉讼监督 审判程序违法 执行监督",
        [
            "民事判决明显错误，再审被驳回，请求检察院监督",
            "对方伪造证据打虚假诉讼，法院还判他赢了",
            "申请检察院对民事案件提出抗诉",
            "法院执行程序违法，申请检察监督",
            "行政诉讼判决不公，请检察院监督",
        ],
    ),
    _item(
        "procuratorate.public_interest",
        "公益诉讼线索",
        "procuratorate",
        "公益诉讼",
        "12309",
        "人民检察院公益诉讼检察部门",
        "公益诉讼 国有资产流失 侵害公共利益 生态环境损害 破坏耕地 英烈名誉 盲道被占 无障碍设施 个人信息泄露 食品药品安全隐患",
        [
            "有人非法倒卖国有土地，国有资产流失，提供公益诉讼线索",
            "小区周边盲道长期被占用，相关部门不作为，建议检察院介入",
            "企业长期偷排污水损害公共利益，部门监管不力",
            "有人在网上侮辱英雄烈士",
            "大量公民个人信息被泄露买卖",
        ],
    ),
    _item(
        "procuratorate.wage_support",
        "支持起诉（讨薪等）",
        "procuratorate",
        "支持起诉",
        "12309",
        "人民检察院民事检察部门",
        "支持起诉 检察院支持 帮助起诉 检察机关支持农民工",
        [
            "请检察院支持我们农民工起诉讨要工资",
            "老人被子女拒绝赡养，请求检察院支持起诉",
            "残疾人维权困难，希望检察机关支持起诉",
        ],
    ),
    _item(
        "procuratorate.judicial_aid",
        "国家司法救助（检察环节）",
        "procuratorate",
        "司法救助",
        "12309",
        "人民检察院",
        "司法救助 被害人救助 刑事被害人 生活困难 得不到赔偿 救助金",
        [
            "我是刑事案件被害人，加害人赔不起，生活陷入困难，申请司法救助",
            "家人被害后凶手没有赔偿能力，能不能申请国家司法救助",
            "案件在检察院审查起诉阶段，被害人家庭困难申请救助",
        ],
    ),
    _item(
        "procuratorate.case_supervision",
        "立案监督与侦查活动监督",
        "procuratorate",
        "刑事检察",
        "12309",
        "人民检察院",
        "立案监督 有案不立 不立案 立而不侦 公安不立案 侦查违法 超期羁押 非法取证",
        [
            "被人打伤报案后派出所一直不立案，请检察院监督",
            "公安立案两年了一直不侦查，嫌疑人还在逍遥",
            "家属被超期羁押，请求检察院监督",
        ],
    ),
    # ---------------------------------------------------------------- police
    _item(
        "police.fraud",
        "诈骗",
        "police",
        "刑事案件",
        "12345",
        "公安机关刑侦/反诈中心",
        "诈骗 被骗 骗子 电信诈骗 网络诈骗 刷单 冒充客服 杀猪盘 网贷诈骗 骗走 非法集资 传销 反诈",
        [
            "我在网上刷单被骗了三万元",
            "有人冒充客服骗我转账",
            "网恋对象骗我投资，钱被骗走了",
            "接到冒充公检法的电话，让我把钱转到安全账户",
            "老人被骗买保健品，花光了积蓄",
            "投资平台跑路了，怀疑非法集资",
        ],
    ),
    _item(
        "police.theft",
        "盗窃抢劫",
        "police",
        "刑事案件",
        "12345",
        "公安派出所",
        "被盗 被偷 小偷 盗窃 偷走 抢劫 抢夺 入室盗窃 电动车被偷 手机被偷 扒窃",
        [
            "我的电动车在小区楼下被偷了",
            "家里被盗，丢了现金和首饰",
            "在公交车上手机被偷",
            "晚上走路被人抢了包",
            "工地上的钢筋经常被人偷走",
        ],
    ),
    _item(
        "police.household",
        "户籍与身份证",
        "police",
        "户政",
        "12345",
        "公安派出所户籍窗口",
        "户口 户籍 落户 迁户口 户口迁移 身份证 补办身份证 户籍证明 上户口 分户 出生登记 集体户",
        [
            "孩子出生了怎么给他上户口",
            "身份证丢了去哪里补办",
            "想把户口从老家迁到城里需要什么材料",
            "开户籍证明派出所不给开",
            "人才引进落户的手续怎么办",
            "集体户口怎么迁出",
        ],
    ),
    _item(
        "police.vehicle",
        "车辆与驾驶证管理",
        "police",
        "车驾管",
        "12345",
        "公安交管部门车管所",
        "驾驶证 驾照 行驶证 车辆登记 上牌 车牌 年检 过户 车管所 换证 扣分 机动车登记 号牌",
        [
            "新买的车怎么上牌，车管所要排队多久",
            "驾驶证到期了怎么换证",
            "二手车过户需要哪些材料",
            "车辆年检可以异地办理吗",
            "驾照扣分处理",
        ],
    ),
    _item(
        "police.traffic",
        "道路交通秩序",
        "police",
        "交通管理",
        "12345",
        "公安交警",
        "交警 违章停车 乱停车 闯红灯 酒驾 交通违法 红绿灯 信号灯 超速 渣土车超载 非机动车逆行 飙车 炸街 交通拥堵",
        [
            "路口红绿灯时间太短，行人过不去",
            "小区门口天天乱停车堵住消防通道",
            "晚上有人飙车炸街，噪音很大",
            "学校门口上下学时段交通拥堵，需要交警疏导",
            "渣土车超载闯红灯很危险",
            "有人酒后驾驶",
        ],
    ),
    _item(
        "police.domestic_violence",
        "家庭暴力",
        "police",
        "家庭暴力",
        "12345",
        "公安派出所（联动妇联）",
        "家暴 家庭暴力 被丈夫打 被老公打 被妻子打 虐待 告诫书 人身安全保护令 被家人打",
        [
            "我经常被丈夫打，身上都是伤",
            "老公喝酒后就打我和孩子",
            "遭受家庭暴力，想申请人身安全保护令",
            "邻居家长期有打骂孩子的声音，怀疑虐待",
            "儿子经常打骂年迈的父母",
        ],
    ),
    _item(
        "police.public_order",
        "治安管理",
        "police",
        "治安",
        "12345",
        "公安派出所",
        "打架 斗殴 赌博 吸毒 卖淫 嫖娼 寻衅滋事 黑恶势力 治安 报警 派出所 威胁 恐吓 敲诈勒索 放高利贷 暴力催收",
        [
            "小区里有人聚众赌博",
            "有人在酒吧门口打架斗殴",
            "讨债公司上门威胁恐吓我家人",
            "出租屋里疑似有人吸毒",
            "有人放高利贷暴力催收",
            "邻居在我家门口寻衅滋事",
        ],
    ),
    _item(
        "police.exit_entry",
        "出入境证件",
        "police",
        "出入境",
        "12345",
        "公安出入境管理部门",
        "护照 港澳通行证 台湾通行证 签注 出入境 出国 办护照",
        [
            "办理护照需要多长时间",
            "港澳通行证签注过期了怎么续签",
            "出国留学办护照要预约吗",
        ],
    ),
    _item(
        "police.residence_permit",
        "居住证",
        "police",
        "户政",
        "12345",
        "公安派出所",
        "居住证 暂住证 居住登记 流动人口登记",
        [
            "外地人在这里上班怎么办居住证",
            "居住证到期续签在哪里办",
            "孩子上学要居住证，派出所说要半年才能办",
        ],
    ),
    _item(
        "police.conduct",
        "民警执法投诉",
        "police",
        "警务督察",
        "12345",
        "公安督察部门",
        "民警 警察 辅警 派出所不作为 出警慢 执法粗暴 态度恶劣 乱罚款 督察 报警没人管",
        [
            "报警后警察过了一个小时才来",
            "派出所民警态度恶劣，推诿不管",
            "辅警执法粗暴，乱罚款",
            "报警好几次都没人处理",
        ],
    ),
    _item(
        "police.emergency_110",
        "紧急警情（转110）",
        "police",
        "紧急求助",
        "12345",
        "公安110指挥中心",
        "救命 报警 正在打 拿刀 持刀 砍人 要杀我 走失 被拐 想自杀 要跳楼 不想活了 绑架",
        [
            "救命，有人拿刀要杀我",
            "孩子在商场走失了，找不到了",
            "我朋友说不想活了，现在站在楼顶上",
            "外面有人正在打架砍人",
            "老人走失一天了，联系不上",
        ],
        notes="紧急情况由规则识别（banshi.triage.emergency），直接建议转110。",
    ),
    _item(
        "police.traffic_accident_122",
        "交通事故（转122）",
        "police",
        "紧急求助",
        "12345",
        "公安交警122",
        "车祸 撞车 追尾 被车撞 交通事故 肇事逃逸",
        [
            "路口发生车祸了，有人受伤",
            "我被车撞了，司机跑了",
            "高速上追尾了，车堵住了",
        ],
    ),
    # ---------------------------------------------------------------- justice
    _item(
        "justice.mediation",
        "人民调解",
        "justice",
        "人民调解",
        "mediation",
        "司法所/人民调解委员会",
        "调解 纠纷 邻里纠纷 邻居纠纷 家庭矛盾 婚姻纠纷 婚恋纠纷 赡养纠纷 宅基地纠纷 土地纠纷 物业纠纷 医疗纠纷 人民调解 调解员 矛盾化解",
        [
            "邻居占了我家的地，双方吵了好几次，想请人调解",
            "和楼上邻居因为漏水闹矛盾，希望调解",
            "兄弟几个为赡养老人的事闹翻了，请帮忙调解",
            "宅基地边界有纠纷，村里解决不了",
            "和房东因为押金起了纠纷，想找调解委员会",
            "夫妻感情不和想找人调解婚姻矛盾",
        ],
    ),
    _item(
        "justice.legal_aid",
        "法律援助",
        "justice",
        "法律援助",
        "legal_aid",
        "法律援助中心",
        "法律援助 免费律师 请不起律师 援助律师 法律援助中心 指派律师 农民工讨薪法律援助 绿色通道 经济困难 打官司没钱",
        [
            "家里经济困难请不起律师，想申请法律援助",
            "工伤认定打官司没钱，能找免费律师吗",
            "农民工讨薪要打官司，能不能走法律援助绿色通道",
            "残疾人维权需要律师帮忙，申请法律援助",
            "法律援助申请提交了多久能批",
        ],
    ),
    _item(
        "justice.notary",
        "公证",
        "justice",
        "公证",
        "notary",
        "公证处",
        "公证 公证处 公证书 继承公证 委托公证 学历公证 出生公证 遗嘱公证 赠与公证 公证费 涉外公证",
        [
            "办理房产继承公证需要什么材料",
            "出国留学要做学历公证",
            "公证处办个委托公证要多久",
            "想给父母办遗嘱公证",
            "公证费收得太贵了",
            "周末能办公证吗，工作日没时间",
        ],
    ),
    _item(
        "justice.legal_advice",
        "法律咨询与村（居）法律顾问",
        "justice",
        "公共法律服务",
        "12345",
        "司法所/公共法律服务中心",
        "法律咨询 法律顾问 村法律顾问 公共法律服务 咨询律师 法律问题 普法 怎么维权 合法吗 违法吗",
        [
            "想咨询一下离婚财产怎么分割",
            "村里的法律顾问多久来一次",
            "借钱给朋友没写借条，怎么维权",
            "想找律师咨询一个合同问题",
            "租房合同到期房东不退押金，法律上怎么办",
        ],
    ),
    _item(
        "justice.community_corrections",
        "社区矫正",
        "justice",
        "社区矫正",
        "12345",
        "司法所（社区矫正机构）",
        "社区矫正 矫正对象 缓刑 假释 暂予监外执行 矫正期间 请假外出",
        [
            "我在社区矫正期间要去外地看病，怎么请假",
            "缓刑人员经常外出不报告，社区矫正没人管",
            "假释后要去哪里报到",
        ],
    ),
    _item(
        "justice.lawyer_complaint",
        "律师与法律服务投诉",
        "justice",
        "律师管理",
        "xinfang",
        "司法局律师工作科",
        "律师 律所 律师事务所 律师收费 投诉律师 律师不尽责 基层法律服务工作者 代理费 律师费",
        [
            "律师收了代理费却不好好办案，我要投诉",
            "律师事务所乱收费",
            "律师泄露我的隐私",
            "律师开庭都不来，案子败诉了",
        ],
    ),
    _item(
        "justice.resettlement",
        "刑满释放人员安置帮教",
        "justice",
        "安置帮教",
        "12345",
        "司法所",
        "刑满释放 安置帮教 出狱 服刑人员 帮教",
        [
            "我刚刑满释放，找不到工作，有没有帮扶",
            "家里人出狱后生活困难，能申请安置帮教吗",
        ],
    ),
    _item(
        "justice.appraisal",
        "司法鉴定",
        "justice",
        "司法鉴定",
        "xinfang",
        "司法局司法鉴定管理",
        "司法鉴定 鉴定机构 伤残鉴定 鉴定意见 亲子鉴定 鉴定费",
        [
            "司法鉴定机构的伤残鉴定结论不公",
            "做亲子鉴定去哪里",
            "鉴定费太高，鉴定意见有问题",
        ],
    ),
    # -------------------------------------------------------------- committee
    _item(
        "committee.psychological",
        "心理服务与心理疏导",
        "committee",
        "社会心理服务",
        "12345",
        "政法委社会心理服务平台/心灵驿站",
        "心理咨询 心理疏导 心理服务 抑郁 焦虑 失眠 心理压力 心灵驿站 心理热线 情绪低落",
        [
            "最近压力很大睡不着，想找心理咨询",
            "孩子有点抑郁，哪里有免费心理疏导",
            "丈夫失业后情绪低落，需要心理帮助",
            "有没有心理服务热线",
        ],
    ),
    _item(
        "committee.grid",
        "网格管理",
        "committee",
        "网格化管理",
        "12345",
        "政法委网格中心",
        "网格员 网格 网格化 网格长 走访 入户登记",
        [
            "我们小区的网格员是谁，怎么联系",
            "网格员入户登记信息太频繁",
            "网格员从来不来走访",
        ],
    ),
    _item(
        "committee.coordination",
        "跨部门协调与推诿扯皮",
        "committee",
        "统筹协调",
        "xinfang",
        "政法委",
        "推诿 踢皮球 互相推诿 多个部门 几个部门 都说不归他们管 没人管 协调 三不管 多年未解决 涉法涉诉",
        [
            "这件事找了好几个部门都说不归他们管",
            "相关部门互相推诿踢皮球，问题拖了三年",
            "多个部门都管又都不管，希望政法委协调",
            "涉法涉诉的问题多年没有解决",
        ],
    ),
    _item(
        "committee.gangs",
        "扫黑除恶与平安建设线索",
        "committee",
        "平安建设",
        "xinfang",
        "政法委（扫黑办）",
        "扫黑除恶 黑社会 恶势力 村霸 保护伞 欺行霸市 强买强卖 平安建设",
        [
            "村霸强占集体土地，背后有保护伞",
            "有人欺行霸市，强迫商户交保护费",
            "举报黑社会团伙控制砂石生意",
        ],
    ),
    # ------------------------------------------------- other (non-political-legal)
    _item(
        "other.wage_arrears",
        "拖欠工资（劳动监察）",
        "other",
        "劳动和社会保障",
        "12345",
        "人社局劳动保障监察",
        "拖欠工资 欠薪 讨薪 工资不发 不发工资 克扣工资 农民工工资 包工头 工钱 欠工资 劳动监察",
        [
            "老板拖欠我们三个月工资不发",
            "工地包工头跑了，农民工的工钱没人给",
            "公司克扣工资还不签劳动合同",
            "干完活快一年了工钱还没结",
            "年底了，工地欠我们农民工工资",
        ],
        notes="法律援助绿色通道见 justice.legal_aid；检察院支持起诉见 procuratorate.wage_support。",
    ),
    _item(
        "other.social_security",
        "社保与就业",
        "other",
        "劳动和社会保障",
        "12345",
        "人社局",
        "社保 养老保险 医疗保险 失业保险 工伤 退休 退休金 养老金 社保卡 就业 劳动合同 辞退 人才引进补贴 职称",
        [
            "单位不给交社保怎么办",
            "退休金什么时候调整",
            "工伤认定要多长时间",
            "公司违法辞退不给补偿",
            "社保卡怎么补办",
            "灵活就业人员怎么交养老保险",
        ],
    ),
    _item(
        "other.urban_management",
        "城管执法与市容",
        "other",
        "城乡建设",
        "12345",
        "城管局",
        "城管 占道经营 乱摆摊 流动摊贩 违章建筑 违建 私搭乱建 渣土 乱贴小广告 户外广告 市容 油烟",
        [
            "小区门口有人占道经营摆摊",
            "楼顶有人违章搭建",
            "路边烧烤油烟太大",
            "街上到处是小广告",
            "渣土车沿路撒漏",
        ],
    ),
    _item(
        "other.housing",
        "住房与物业",
        "other",
        "城乡建设",
        "12345",
        "住建局/房地产管理部门",
        "物业 物业费 业委会 维修基金 房屋质量 漏水 烂尾楼 交房 延期交房 房产证 不动产证 开发商 廉租房 公租房 电梯",
        [
            "物业公司乱收费不作为",
            "买的房子延期交房两年了",
            "开发商迟迟不办房产证",
            "新房墙体开裂漏水，开发商不管",
            "小区电梯经常坏，物业不维修",
            "公租房申请什么条件",
        ],
    ),
    _item(
        "other.demolition_land",
        "征地拆迁与土地",
        "other",
        "国土资源",
        "xinfang",
        "自然资源局/征收办",
        "征地 拆迁 征收 拆迁补偿 安置房 土地确权 宅基地审批 土地流转 强拆 青苗补偿",
        [
            "拆迁补偿标准太低",
            "征地款被村里截留了",
            "安置房一直没建好",
            "没有任何手续就强拆我家房子",
        ],
    ),
    _item(
        "other.utilities",
        "水电气暖",
        "other",
        "城乡建设",
        "12345",
        "供水/供电/燃气/供热单位",
        "停水 停电 自来水 供水 水压 供电 电压 燃气 天然气 煤气 供暖 暖气 水费 电费",
        [
            "我们小区已经停水两天了",
            "经常停电，电压不稳",
            "暖气不热",
            "天然气开户太慢",
            "自来水发黄有异味",
        ],
    ),
    _item(
        "other.environment",
        "生态环境",
        "other",
        "环境保护",
        "12345",
        "生态环境局",
        "污染 排污 偷排 噪音 噪声 扰民 粉尘 异味 臭气 废气 污水 垃圾焚烧 环评 黑烟",
        [
            "工厂夜里偷排污水",
            "工地晚上施工噪音扰民",
            "附近化工厂有刺鼻异味",
            "搅拌站粉尘太大",
            "河里的水被污染发黑发臭",
        ],
    ),
    _item(
        "other.transport",
        "交通运输与公交",
        "other",
        "交通运输",
        "12345",
        "交通运输局",
        "公交 公交车 线路 站台 出租车 网约车 客运 班车 地铁 道路修建 公路 拒载 绕路 高速",
        [
            "希望增加一条公交线路",
            "出租车司机拒载绕路",
            "村里的公路坑坑洼洼没人修",
            "公交车司机开车太猛",
            "网约车乱收费",
        ],
    ),
    _item(
        "other.education",
        "教育",
        "other",
        "教育文体",
        "12345",
        "教育局",
        "学校 入学 学位 招生 学区 补课 老师 教师 学费 幼儿园 校车 课外培训 转学 学籍 中考 高考",
        [
            "孩子上学划片不合理",
            "老师在外面有偿补课",
            "幼儿园乱收费",
            "学校强制学生订资料",
            "转学手续怎么办",
        ],
    ),
    _item(
        "other.health",
        "医疗卫生",
        "other",
        "卫生计生",
        "12345",
        "卫生健康委",
        "医院 医生 看病 挂号 疫苗 卫生院 医疗 药品 护士 乡村医生 计划生育 生育",
        [
            "医院挂号太难",
            "医生态度恶劣，乱开药",
            "乡镇卫生院没有医生",
            "孩子打疫苗要预约很久",
        ],
    ),
    _item(
        "other.medical_insurance",
        "医疗保障",
        "other",
        "卫生计生",
        "12345",
        "医疗保障局",
        "医保 医保报销 异地就医 新农合 大病保险 医保卡 门诊报销",
        [
            "异地就医医保怎么报销",
            "医保卡里的钱用不了",
            "新农合报销比例太低",
        ],
    ),
    _item(
        "other.market",
        "市场监管与消费维权",
        "other",
        "商贸旅游",
        "12345",
        "市场监管局",
        "食品安全 过期食品 假货 消费者 消费维权 商家 退款 价格欺诈 预付卡 办卡跑路 虚假宣传 无证经营 营业执照 短斤少两",
        [
            "超市卖过期食品",
            "健身房办卡后老板跑路了",
            "商家虚假宣传不给退款",
            "饭店卫生条件差",
            "网购买到假货商家不退货",
        ],
    ),
    _item(
        "other.civil_affairs",
        "民政与社会救助",
        "other",
        "民政",
        "12345",
        "民政局",
        "低保 特困 养老院 敬老院 残疾补贴 高龄补贴 婚姻登记 社会救助 临时救助 殡葬 孤儿",
        [
            "家里困难申请低保一直批不下来",
            "老人的高龄补贴没发",
            "养老院条件太差",
            "结婚登记要预约吗",
        ],
    ),
    _item(
        "other.agriculture",
        "农业农村",
        "other",
        "农村农业",
        "12345",
        "农业农村局",
        "农业 农村 种植 养殖 化肥 种子 农药 农业补贴 耕地 合作社 村集体 村务公开 扶贫",
        [
            "买到假种子，庄稼绝收",
            "种粮补贴没有发到位",
            "村里财务不公开",
            "扶贫款被村干部挪用",
        ],
    ),
    _item(
        "other.street_community",
        "街道社区事务",
        "other",
        "街道乡镇",
        "12345",
        "街道办事处/乡镇政府",
        "街道 社区 居委会 村委会 路灯 垃圾 垃圾清运 环境卫生 下水道 井盖 绿化 健身器材 小区改造 老旧小区",
        [
            "小区路灯坏了很久没人修",
            "垃圾好几天没人清运",
            "下水道堵了污水横流",
            "老旧小区改造什么时候开始",
            "社区居委会开证明太难",
        ],
    ),
    _item(
        "other.fire_119",
        "火灾与燃气险情（转119）",
        "other",
        "紧急求助",
        "12345",
        "消防救援机构119",
        "着火 起火 失火 火灾 冒烟 燃气泄漏 煤气泄漏 煤气味 爆炸",
        [
            "救命，楼下着火了",
            "厨房燃气泄漏了，闻到很浓的煤气味",
            "仓库起火冒黑烟",
        ],
    ),
    _item(
        "other.medical_120",
        "医疗急救（转120）",
        "other",
        "紧急求助",
        "12345",
        "急救中心120",
        "晕倒 昏迷 休克 心脏病发作 大出血 呼吸困难 抽搐 中毒 叫救护车",
        [
            "我妈突然晕倒了，叫不醒",
            "有人倒在路边抽搐，口吐白沫",
            "家人喝了农药，快叫救护车",
        ],
    ),
    _item(
        "other.government_service",
        "政务服务与其他",
        "other",
        "党务政务",
        "12345",
        "政务服务中心/12345",
        "办事难 政务服务 窗口 审批 办证 营商环境 工作人员态度 建议 咨询政策",
        [
            "政务中心办事要跑好几趟",
            "建议延长办事窗口的服务时间",
            "咨询一下某项政策什么时候出台",
        ],
    ),
)


# Where an emergency found by the rules is routed, by emergency kind.
EMERGENCY_ITEMS: dict[str, str] = {
    "self_harm": "police.emergency_110",
    "violence": "police.emergency_110",
    "child": "police.emergency_110",
    "elderly": "police.emergency_110",
    "water": "police.emergency_110",
    "fire": "other.fire_119",
    "medical": "other.medical_120",
    "traffic": "police.traffic_accident_122",
}


def catalogue_as_dicts(
    items: tuple[CatalogueItem, ...] | list[CatalogueItem] = DEFAULT_CATALOGUE,
) -> list[dict[str, Any]]:
    """The catalogue as JSON-ready dicts (for fixtures / the DB side)."""
    out = []
    for item in items:
        d = asdict(item)
        d["examples"] = list(item.examples)
        d["keywords"] = list(item.keywords)
        out.append(d)
    return out


def item_by_code(
    code: str, items: tuple[CatalogueItem, ...] | list[CatalogueItem] = DEFAULT_CATALOGUE
) -> CatalogueItem:
    for item in items:
        if item.code == code:
            return item
    raise KeyError(code)


def validate_catalogue(items: list[CatalogueItem] | tuple[CatalogueItem, ...]) -> list[str]:
    """Errors that would make a catalogue unusable: duplicate codes, items without text."""
    errors: list[str] = []
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            errors.append(f"重复的事项编码：{item.code}")
        seen.add(item.code)
        if not item.examples and not item.keywords:
            errors.append(f"事项 {item.code} 没有示例也没有关键词")
    if not items:
        errors.append("事项目录为空")
    return errors
