from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("区县")
    TOWN = 4, _("街道乡镇")
    VILLAGE = 5, _("村社区")


class Agency(models.TextChoices):
    """Agency type: the unit family a demand is routed to (also the classifier's labels)."""

    COMMITTEE = "committee", _("政法委")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    POLICE = "police", _("公安")
    JUSTICE = "justice", _("司法行政")
    OTHER = "other", _("其他部门/街乡镇")


# The agency types' full names, as the classifier's reasons and the retraining report spell them
# (the choices above are the short labels of forms and tables). One entry per Agency value.
AGENCY_FULL_NAMES: dict[str, str] = {
    Agency.COMMITTEE: "政法委",
    Agency.COURT: "人民法院",
    Agency.PROCURATORATE: "人民检察院",
    Agency.POLICE: "公安机关",
    Agency.JUSTICE: "司法行政机关",
    Agency.OTHER: "非政法部门/街道乡镇",
}


class UnitKind(models.TextChoices):
    COMMITTEE = "committee", _("政法委")
    COURT = "court", _("人民法院")
    PROCURATORATE = "procuratorate", _("人民检察院")
    POLICE_BUREAU = "police_bureau", _("公安局")
    POLICE_BRANCH = "police_branch", _("公安分局")
    POLICE_STATION = "police_station", _("派出所")
    JUSTICE_BUREAU = "justice_bureau", _("司法局")
    JUSTICE_OFFICE = "justice_office", _("司法所")
    NOTARY = "notary", _("公证处")
    LEGAL_AID = "legal_aid", _("法律援助中心")
    MEDIATION = "mediation", _("人民调解委员会")
    DEPARTMENT = "department", _("职能部门")
    STREET = "street", _("街道/乡镇")
    # The county's non-political-legal departments a catalogue item names (the `other` agency),
    # so routing finds the department that serves the matter rather than any department.
    URBAN_MANAGEMENT = "urban_management", _("城市管理综合执法局")
    HOUSING = "housing", _("住房和城乡建设局")
    HUMAN_RESOURCES = "human_resources", _("人力资源和社会保障局（劳动保障监察）")
    CIVIL_AFFAIRS = "civil_affairs", _("民政局")
    HEALTH = "health", _("卫生健康委员会（含120急救中心）")
    MEDICAL_SECURITY = "medical_security", _("医疗保障局")
    MARKET_REGULATION = "market_regulation", _("市场监督管理局")
    ENVIRONMENT = "environment", _("生态环境局")
    TRANSPORT = "transport", _("交通运输局")
    EDUCATION = "education", _("教育局")
    CULTURE_TOURISM = "culture_tourism", _("文化和旅游局")
    NATURAL_RESOURCES = "natural_resources", _("自然资源和规划局")
    AGRICULTURE = "agriculture", _("农业农村局")
    PUBLIC_UTILITY = "public_utility", _("供水供电供气供热单位")
    FIRE_RESCUE = "fire_rescue", _("消防救援大队")
    GOVERNMENT_SERVICE = "government_service", _("政务服务中心")


UNIT_KIND_AGENCY: dict[str, str] = {
    UnitKind.COMMITTEE: Agency.COMMITTEE,
    UnitKind.COURT: Agency.COURT,
    UnitKind.PROCURATORATE: Agency.PROCURATORATE,
    UnitKind.POLICE_BUREAU: Agency.POLICE,
    UnitKind.POLICE_BRANCH: Agency.POLICE,
    UnitKind.POLICE_STATION: Agency.POLICE,
    UnitKind.JUSTICE_BUREAU: Agency.JUSTICE,
    UnitKind.JUSTICE_OFFICE: Agency.JUSTICE,
    UnitKind.NOTARY: Agency.JUSTICE,
    UnitKind.LEGAL_AID: Agency.JUSTICE,
    UnitKind.MEDIATION: Agency.JUSTICE,
    UnitKind.DEPARTMENT: Agency.OTHER,
    UnitKind.STREET: Agency.OTHER,
    UnitKind.URBAN_MANAGEMENT: Agency.OTHER,
    UnitKind.HOUSING: Agency.OTHER,
    UnitKind.HUMAN_RESOURCES: Agency.OTHER,
    UnitKind.CIVIL_AFFAIRS: Agency.OTHER,
    UnitKind.HEALTH: Agency.OTHER,
    UnitKind.MEDICAL_SECURITY: Agency.OTHER,
    UnitKind.MARKET_REGULATION: Agency.OTHER,
    UnitKind.ENVIRONMENT: Agency.OTHER,
    UnitKind.TRANSPORT: Agency.OTHER,
    UnitKind.EDUCATION: Agency.OTHER,
    UnitKind.CULTURE_TOURISM: Agency.OTHER,
    UnitKind.NATURAL_RESOURCES: Agency.OTHER,
    UnitKind.AGRICULTURE: Agency.OTHER,
    UnitKind.PUBLIC_UTILITY: Agency.OTHER,
    UnitKind.FIRE_RESCUE: Agency.OTHER,
    UnitKind.GOVERNMENT_SERVICE: Agency.OTHER,
}


class Role(models.TextChoices):
    OPERATOR = "operator", _("话务员/窗口")
    DISPATCHER = "dispatcher", _("派单员")
    HANDLER = "handler", _("承办人")
    LEADER = "leader", _("单位负责人")
    SUPERVISOR = "supervisor", _("督办")
    ADMIN = "admin", _("系统管理员")


# Roles that may see a citizen's full phone and ID number (each full view is logged).
ROLES_SEEING_PERSONAL_DATA = frozenset({Role.OPERATOR, Role.HANDLER, Role.LEADER})
