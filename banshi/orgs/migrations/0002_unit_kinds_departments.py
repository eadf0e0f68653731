"""The departments' own unit kinds (城管, 住建, 人社, 民政, 卫健 …), so routing can prefer the
department that serves a catalogue item instead of any 职能部门. Existing units of the generic kind
`department` whose name says which department they are get that kind (all stay in the `other` agency)."""

import re

from django.db import migrations, models

# First match wins; only units of kind "department" are looked at.
_BY_NAME = [
    (r"城市管理|城管", "urban_management"),
    (r"住房和城乡建设|住房城乡建设|住建", "housing"),
    (r"人力资源和社会保障|人力资源社会保障|人社|劳动保障监察", "human_resources"),
    (r"医疗保障|医保局", "medical_security"),
    (r"卫生健康|卫健|卫生局|急救中心", "health"),
    (r"民政", "civil_affairs"),
    (r"市场监督管理|市场监管", "market_regulation"),
    (r"生态环境|环境保护局|环保局", "environment"),
    (r"交通运输|交通局", "transport"),
    (r"教育局|教育和体育局|教体局", "education"),
    (r"文化和旅游|文化旅游|文旅|文化广电", "culture_tourism"),
    (r"自然资源|国土资源", "natural_resources"),
    (r"农业农村|农业局", "agriculture"),
    (r"消防救援", "fire_rescue"),
    (r"政务服务|行政审批", "government_service"),
    (r"供水|自来水|供电|电力|燃气|供热|热力", "public_utility"),
]
_NEW_KINDS = sorted({kind for _, kind in _BY_NAME})


def kinds_from_names(apps, schema_editor):
    Unit = apps.get_model("orgs", "Unit")
    for unit in Unit.objects.filter(kind="department").only("id", "name"):
        kind = next((k for pattern, k in _BY_NAME if re.search(pattern, unit.name)), None)
        if kind:
            Unit.objects.filter(pk=unit.pk).update(kind=kind)


def kinds_back(apps, schema_editor):
    apps.get_model("orgs", "Unit").objects.filter(kind__in=_NEW_KINDS).update(kind="department")


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='unit',
            name='kind',
            field=models.CharField(choices=[('committee', '政法委'), ('court', '人民法院'), ('procuratorate', '人民检察院'), ('police_bureau', '公安局'), ('police_branch', '公安分局'), ('police_station', '派出所'), ('justice_bureau', '司法局'), ('justice_office', '司法所'), ('notary', '公证处'), ('legal_aid', '法律援助中心'), ('mediation', '人民调解委员会'), ('department', '职能部门'), ('street', '街道/乡镇'), ('urban_management', '城市管理综合执法局'), ('housing', '住房和城乡建设局'), ('human_resources', '人力资源和社会保障局（劳动保障监察）'), ('civil_affairs', '民政局'), ('health', '卫生健康委员会（含120急救中心）'), ('medical_security', '医疗保障局'), ('market_regulation', '市场监督管理局'), ('environment', '生态环境局'), ('transport', '交通运输局'), ('education', '教育局'), ('culture_tourism', '文化和旅游局'), ('natural_resources', '自然资源和规划局'), ('agriculture', '农业农村局'), ('public_utility', '供水供电供气供热单位'), ('fire_rescue', '消防救援大队'), ('government_service', '政务服务中心')], max_length=20, verbose_name='单位类型'),
        ),
        migrations.RunPython(kinds_from_names, kinds_back),
    ]
