"""Checking the audit chain."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min

from zhengwu.audit.models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"审计链在第 {self.seq} 条处断开：{self.reason}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None
    unchained: int = 0  # rows written but not chained yet (not covered by this check)
    oldest_unchained: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the chained rows in order; report the first row that was edited, deleted or inserted,
    and how many rows still wait to be chained."""
    pending = AuditEvent.objects.filter(seq__isnull=True).aggregate(
        n=Count("id"), oldest=Min("created_at")
    )
    found = {"unchained": pending["n"], "oldest_unchained": pending["oldest"]}
    expected_seq, previous = 1, GENESIS_HASH
    checked = 0
    chained = AuditEvent.objects.filter(seq__isnull=False).order_by("seq")
    for event in chained.iterator(chunk_size=batch_size):
        problem = _problem(event, expected_seq, previous)
        if problem:
            return ChainReport(checked, ChainBreak(min(event.seq, expected_seq), problem), **found)
        expected_seq, previous = event.seq + 1, event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, previous):
        return ChainReport(
            checked,
            ChainBreak(expected_seq, "链尾的记录被删除（链头记录了更多条目）。"),
            **found,
        )
    return ChainReport(checked, None, **found)


def _problem(event: AuditEvent, expected_seq: int, previous: str) -> str:
    if event.seq != expected_seq:
        return f"缺少第 {expected_seq} 至 {event.seq - 1} 条（记录被删除）。"
    if event.prev_hash != previous:
        return "前一条的哈希不符（记录被插入、删除或替换）。"
    if event.compute_hash() != event.hash:
        return "本条内容与其哈希不符（记录被修改）。"
    return ""
