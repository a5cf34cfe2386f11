import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """A partner submission is now written with its appeal (it used to be written first and
    completed in the same transaction, so no committed row lacks one)."""

    dependencies = [
        ("api", "0001_partners_keys_webhooks"),
        ("appeals", "0005_assignment_assignee"),
    ]

    operations = [
        migrations.AlterField(
            model_name="partnersubmission",
            name="appeal",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="partner_submission",
                to="appeals.appeal",
            ),
        ),
    ]
