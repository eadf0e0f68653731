"""The default citizen message templates, as editable rows (existing rows are left as edited)."""

from django.db import migrations

TEMPLATES = [
    ("receipt", "受理回执", "【办实事】您的诉求已受理，编号{number}，查询码{tracking_code}。可凭查询码和手机号查询办理进度。"),
    ("documents_request", "补充材料通知", "【办实事】您的诉求{number}需要补充材料：{text}。请凭查询码{tracking_code}在线补充。"),
    ("progress_reply", "办理进展答复", "【办实事】您的诉求{number}办理进展：{text}"),
    ("final_reply", "办结答复及回访邀请", "【办实事】您的诉求{number}已办结：{text}。请凭查询码{tracking_code}对办理结果评价。"),
    ("follow_up", "评价致谢", "【办实事】感谢您对诉求{number}的评价，我们将继续改进工作。"),
    ("reopened", "重新办理通知", "【办实事】您的诉求{number}将重新办理，可凭查询码{tracking_code}查询进度。"),
]


def add(apps, schema_editor):
    MessageTemplate = apps.get_model("notify", "MessageTemplate")
    for code, name, body in TEMPLATES:
        MessageTemplate.objects.get_or_create(code=code, defaults={"name": name, "body": body})


def remove(apps, schema_editor):
    pass


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
