from django.db import migrations, models


def seal_existing(apps, schema_editor) -> None:
    from zhengwu.lib import sealing

    subscriptions = apps.get_model("api", "WebhookSubscription")
    for subscription in subscriptions.objects.only("pk", "secret"):
        subscription.secret = sealing.seal(subscription.secret)
        subscription.save(update_fields=["secret"])


def unseal_existing(apps, schema_editor) -> None:
    from zhengwu.lib import sealing

    subscriptions = apps.get_model("api", "WebhookSubscription")
    for subscription in subscriptions.objects.only("pk", "secret"):
        subscription.secret = sealing.unseal(subscription.secret)
        subscription.save(update_fields=["secret"])


class Migration(migrations.Migration):
    """Webhook signing secrets sealed at rest (they used to be stored readable)."""

    dependencies = [("api", "0002_partner_submission_appeal_required")]

    operations = [
        migrations.AlterField(
            model_name="webhooksubscription",
            name="secret",
            field=models.CharField(editable=False, max_length=400),
        ),
        migrations.RunPython(seal_existing, unseal_existing),
    ]
