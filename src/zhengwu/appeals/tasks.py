"""Background work of the hub (Django Tasks API; a worker runs it, or the request itself with
the immediate backend)."""

from __future__ import annotations

from django_tasks import task


@task()
def analyse_appeal(appeal_id: int) -> str:
    from zhengwu.appeals.actions import do_analyse_new_appeal  # actions enqueues this task

    return do_analyse_new_appeal(appeal_id)
