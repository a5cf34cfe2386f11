"""City-wide default time limits (办理时限) for citizen appeals, installed as ordinary SLAPolicy rows
with no category, so operators can change them like any other policy.

Sources, as commonly written in municipal 12345 hotline rules:
- consultation (咨询) and help requests (求助): 3 working days;
- complaints (投诉), reports (举报) and suggestions (建议): 13 working days;
  both counted from the working day after receipt (lib.workdays.add_working_days does this);
- 即办 (immediate) matters: from 30 minutes to 2 hours (郑州市 2017 rules for the 12345 hotline);
  2 working hours here, with signing-for within 1 hour;
- 紧急 (urgent) matters: 1 working day, signed for within 1 working hour.
The 4-working-hour signing-for limit of the default row is the platform's own choice.

Urgency rows carry no appeal type, so an urgent or 即办 item is urgent whatever its type (see
SLAPolicy.specificity). Reversing deletes exactly these rows, matched by their scope.
"""

from django.db import migrations

DAYS, HOURS = "working_days", "working_hours"

# (appeal_type, urgency, name, completion_limit, unit, response_hours, co_handler_lead_days)
DEFAULTS = [
    ("", "", "默认", 13, DAYS, 4, 3),
    ("consultation", "", "咨询", 3, DAYS, 4, 1),
    ("help", "", "求助", 3, DAYS, 4, 1),
    ("suggestion", "", "建议", 13, DAYS, 4, 3),
    ("complaint", "", "投诉", 13, DAYS, 4, 3),
    ("report", "", "举报", 13, DAYS, 4, 3),
    ("", "urgent", "紧急", 1, DAYS, 1, 0),
    ("", "immediate", "即办", 2, HOURS, 1, 0),
]


def install(apps, schema_editor):
    SLAPolicy = apps.get_model("dispatch", "SLAPolicy")
    for appeal_type, urgency, name, limit, unit, response, lead in DEFAULTS:
        SLAPolicy.objects.get_or_create(
            category=None,
            appeal_type=appeal_type,
            urgency=urgency,
            defaults={
                "name": name,
                "completion_limit": limit,
                "completion_unit": unit,
                "response_hours": response,
                "co_handler_lead_days": lead,
            },
        )


def remove(apps, schema_editor):
    SLAPolicy = apps.get_model("dispatch", "SLAPolicy")
    for appeal_type, urgency, *_rest in DEFAULTS:
        SLAPolicy.objects.filter(
            category__isnull=True, appeal_type=appeal_type, urgency=urgency
        ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0001_catalogue"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
