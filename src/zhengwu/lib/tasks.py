"""Background tasks that run only if the change that asked for them commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, router, transaction

# Tasks asked for inside `batch()`, written together when it ends.
_batch: ContextVar[list[tuple[Any, tuple]] | None] = ContextVar("zhengwu_tasks", default=None)


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Enqueue `task(*args)` for when the caller's transaction commits, never before.

    When the queue lives in this same database (`django_tasks_db`), the task row is simply
    written inside the caller's transaction: it becomes visible to the workers when the change
    commits, disappears with it on rollback, and costs one INSERT rather than a transaction of
    its own (another WAL flush) after the commit. Other backends (the in-process one of the tests
    and the demo) enqueue from an on-commit hook; robust, so a failure to enqueue never undoes a
    committed change: the periodic sweeps find work whose task was lost.
    """
    if not _queue_is_in_transaction(task):
        transaction.on_commit(partial(task.enqueue, *args), robust=True)
        return
    pending = _batch.get()
    if pending is None:
        task.enqueue(*args)
    else:
        task.get_backend().validate_task(task)
        pending.append((task, args))


@contextmanager
def batch() -> Iterator[None]:
    """Within the caller's transaction: the task rows asked for in the block are written in one
    INSERT when it ends without an error (intake asks for up to three: the citizen's SMS, the
    smart-dispatch analysis, the audit chainer; see `lib.inserts.insert_new`). With any other
    queue it changes nothing."""
    if _batch.get() is not None:  # nested: the outermost block writes them
        yield
        return
    pending: list[tuple[Any, tuple]] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if pending:
        _write(pending)


def _write(pending: list[tuple[Any, tuple]]) -> None:
    """The rows `DatabaseBackend.enqueue` writes one at a time, as it writes them (its
    `task_enqueued` signal, which only logs at debug level, is not sent)."""
    from django_tasks.utils import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    from zhengwu.lib.inserts import insert_new

    rows = []
    for task, args in pending:
        backend = task.get_backend()
        rows.append(
            DBTaskResult(
                id=backend._get_id(),
                args_kwargs=normalize_json({"args": args, "kwargs": {}}),
                priority=task.priority,
                task_path=task.module_path,
                queue_name=task.queue_name,
                run_after=task.run_after or get_date_max(),
                backend_name=backend.alias,
            )
        )
    insert_new(rows)


def _queue_is_in_transaction(task: Any) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    alias = router.db_for_write(DBTaskResult) or DEFAULT_DB_ALIAS
    return alias == DEFAULT_DB_ALIAS and transaction.get_connection(alias).in_atomic_block
