"""Checking the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify_chain(batch_size: int = 5000) -> ChainReport:
    """Walk the chain in order; report the first row that was edited, deleted or inserted."""
    expected_seq, previous = 1, GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        problem = _problem(event, expected_seq, previous)
        if problem:
            return ChainReport(checked, ChainBreak(min(event.seq, expected_seq), problem))
        expected_seq, previous = event.seq + 1, event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, previous):
        return ChainReport(
            checked, ChainBreak(expected_seq, "链尾的记录被删除（链头记录了更多条目）。")
        )
    return ChainReport(checked, None)


def _problem(event: AuditEvent, expected_seq: int, previous: str) -> str:
    if event.seq != expected_seq:
        return f"缺少第 {expected_seq} 至 {event.seq - 1} 条（记录被删除）。"
    if event.prev_hash != previous:
        return "前一条的哈希不符（记录被插入、删除或替换）。"
    if event.compute_hash() != event.hash:
        return "本条内容与其哈希不符（记录被修改）。"
    return ""
