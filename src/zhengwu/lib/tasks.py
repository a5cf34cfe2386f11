"""Background tasks that run only if the change that asked for them commits."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router, transaction


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Enqueue `task(*args)` for when the caller's transaction commits, never before.

    When the queue lives in this same database (`django_tasks_db`), the task row is simply
    written inside the caller's transaction: it becomes visible to the workers when the change
    commits, disappears with it on rollback, and costs one INSERT rather than a transaction of
    its own (another WAL flush) after the commit. Other backends (the in-process one of the tests
    and the demo) enqueue from an on-commit hook; robust, so a failure to enqueue never undoes a
    committed change: the periodic sweeps find work whose task was lost.
    """
    if _queue_is_in_transaction(task):
        task.enqueue(*args)
    else:
        transaction.on_commit(partial(task.enqueue, *args), robust=True)


def _queue_is_in_transaction(task: Any) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    alias = router.db_for_write(DBTaskResult) or DEFAULT_DB_ALIAS
    return alias == DEFAULT_DB_ALIAS and transaction.get_connection(alias).in_atomic_block
