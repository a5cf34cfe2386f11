"""The hub's states seen through Open311, which knows only "open" and "closed"."""

from __future__ import annotations

from zhengwu.appeals.workflow import OPEN


def open311_status(status: str) -> str:
    return "open" if status in OPEN else "closed"
