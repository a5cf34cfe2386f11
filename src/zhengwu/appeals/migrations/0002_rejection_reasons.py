"""The centre's default list of reasons not to accept an appeal, with the route to tell the
citizen (国办函〔2025〕66号: matters with their own statutory channels, and emergencies)."""

from django.db import migrations

REASONS = [
    ("litigation", "涉诉涉仲裁", "已进入诉讼、仲裁、行政复议程序的事项，请依照相应法定程序办理。"),
    ("petition", "信访事项", "属于信访事项的，请向信访部门提出，或通过网上信访平台反映。"),
    ("disclosure", "政府信息公开申请", "申请获取政府信息的，请通过政府信息公开申请渠道依申请公开。"),
    ("discipline", "纪检监察事项", "反映党员干部违纪违法问题的，请向纪检监察机关举报（12388）。"),
    ("emergency", "紧急警情", "遇到治安、火灾、急救、交通事故等紧急情况，请立即拨打110、119、120、122。"),
    ("duplicate", "重复诉求", "您反映的问题已在办理中，办理结果将通过原诉求告知。"),
    ("unclear", "诉求不清", "诉求内容不清楚，无法办理，请补充具体时间、地点和事项后重新提交。"),
    ("abusive", "内容违法违规", "内容含有违法违规、辱骂或与政务无关的信息，不予受理。"),
    ("out_of_area", "不属本市管辖", "该事项不属于本市管辖范围，请向相关地方或部门反映。"),
]


def add(apps, schema_editor):
    RejectionReason = apps.get_model("appeals", "RejectionReason")
    for order, (code, label, text) in enumerate(REASONS):
        RejectionReason.objects.update_or_create(
            code=code, defaults={"label": label, "citizen_text": text, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("appeals", "RejectionReason").objects.filter(
        code__in=[code for code, _, _ in REASONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("appeals", "0001_hub")]
    operations = [migrations.RunPython(add, remove)]
