"""Indexes for the workbench queues at scale (see docs/performance.md): the "all" queue in
order of receipt, the bodies' current assignments, a body's open appeals by deadline, and
(PostgreSQL) statistics on how assignment states and roles go together, so the planner knows
that "co-handler, signed" is rare although each value alone is common."""

from django.conf import settings
from django.db import migrations, models

STATISTICS = "assignment_state_role"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = apps.get_model("appeals", "Assignment")._meta.db_table
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON state, role FROM {table}"
    )
    schema_editor.execute(f"ANALYZE {table}")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):

    dependencies = [
        ('appeals', '0002_rejection_reasons'),
        ('dispatch', '0002_default_time_limits'),
        ('org', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='assignment',
            name='assignment_queue',
        ),
        migrations.AddIndex(
            model_name='appeal',
            index=models.Index(fields=['received_at', 'id'], name='appeal_received'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('ended_at__isnull', True)), fields=['organisation', 'state', 'role'], name='assignment_current'),
        ),
        migrations.AddIndex(
            model_name='appeal',
            index=models.Index(condition=models.Q(('status__in', ['awaiting_citizen', 'dispatched', 'in_progress', 'return_requested'])), fields=['lead_department', 'deadline'], name='appeal_open_at_body'),
        ),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
