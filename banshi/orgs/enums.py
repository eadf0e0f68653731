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
