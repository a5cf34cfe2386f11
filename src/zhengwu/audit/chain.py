"""Chaining the audit trail: committed rows get their place (`seq`) and hash, in commit order.

A change writes its audit row unchained, in its own transaction, and takes no lock: a global lock
held from the row's INSERT to its commit would queue every change in the platform behind every
other. The chainer runs apart — a background task shortly after changes commit, the periodic
checks every minute, and `verify_audit` before it verifies — and appends what has committed since
its last run, under the head row's lock, so one chainer works at a time. A row that commits late
(its transaction began earlier) is simply chained later: the chain's order is commit order.

Until it is chained (normally a second or two) a row is not yet protected by the chain;
`verify_chain` counts such rows and names the oldest.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import connection, transaction
from django.utils import timezone

from zhengwu.audit.models import AuditChainHead, AuditEvent
from zhengwu.lib.tasks import enqueue_on_commit

BATCH = 1000
# How soon after a change its row is chained, at most; also how often each process asks.
DELAY = dt.timedelta(seconds=1)


def chain_pending(batch: int = BATCH) -> int:
    """Chain every committed unchained row; return how many were chained."""
    chained = 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            rows = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:batch])
            for event in rows:
                event.seq, event.prev_hash = head.seq + 1, head.hash
                event.hash = event.compute_hash()
                head.seq, head.hash = event.seq, event.hash
            if rows:
                _store(rows)
                head.save(update_fields=["seq", "hash"])
        chained += len(rows)
        if len(rows) < batch:
            return chained


def _store(rows: list[AuditEvent]) -> None:
    # One parameterised UPDATE sent for every row (psycopg pipelines them) rather than
    # bulk_update's CASE expression over the whole batch, which costs more to build than the
    # hashes.
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s"  # noqa: S608
            " AND seq IS NULL",
            [(e.seq, e.prev_hash, e.hash, e.pk) for e in rows],
        )


_asked_until = 0.0  # this process's last request covers changes committed before this time


def schedule() -> None:
    """Have the rows of the current transaction chained soon after it commits.

    With a queue that can defer (the database queue of production), a process asks at most once
    per `DELAY`, for a run `DELAY` from now, which takes in every row committed meanwhile: a
    handful of task rows a second instead of one per change. Otherwise (the in-process queue of
    development) the chainer runs right after the commit.
    """
    global _asked_until
    from zhengwu.audit.tasks import chain_audit

    if not chain_audit.get_backend().supports_defer:
        enqueue_on_commit(chain_audit)
        return
    now = time.monotonic()
    if now < _asked_until:
        return
    _asked_until = now + DELAY.total_seconds()
    enqueue_on_commit(chain_audit.using(run_after=timezone.now() + DELAY))
